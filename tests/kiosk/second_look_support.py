"""A kiosk with a second opinion, on the fake pipeline of test_sightings: the frame's third
pixel says which embedding the second model gives the face, and the second model counts its
runs. The fusion rule averages the two cosines (weights and priors chosen for that), so a
test can tell what the fused score of a face will be."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from test_sightings import (
    AN,
    BINH,
    EMBEDDINGS,
    IDENTITY,
    MATCH,
    POLICY,
    STRANGER,
    FakeDetector,
    FakeEmbedder,
    FakeSender,
    ListSource,
    MemoryServer,
)

from attendance.fusion import FusionRule, ScoreStats
from attendance.thresholds import ImpostorScores, calibration_for
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import Outbox
from kiosk.second_look import SecondLook
from kiosk.sighting_outbox import SightingOutbox
from kiosk.sync import GallerySync
from models.packs import FacePipeline
from models.types import DetectedFace
from wire.kiosk import KioskGalleryRead, TemplatesRead

SFACE_KEY = "sface:49f000ec501f+fb143eea0783:128:refine192"  # its calibration ships
SECOND_KEY = "fake-second:0:4"
SURE_AN, NOT_AN = 1, 2  # second-model codes (the frame's third pixel)
SECOND_EMBEDDINGS = {
    SURE_AN: np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32),  # An at 1.0
    NOT_AN: np.array([0.0, 0.0, 0.0, 1.0], dtype=np.float32),  # nobody: An at 0.0
}


def averaging_rule() -> FusionRule:
    """Priors (mean 0, std 1) and weight 1: the fused z-score is the sum of the cosines;
    strangers' fused scores are the primary calibration's doubled, so on the primary scale a
    fused score is the mean of the two cosines."""
    primary = calibration_for(SFACE_KEY)
    assert primary is not None
    fused = ImpostorScores(
        model_key="fused",
        scores=tuple(2 * s for s in primary.scores),
        exceed=primary.exceed,
        tail_slope=primary.tail_slope / 2,
        comparisons=primary.comparisons,
    )
    prior = ScoreStats(mean=0.0, std=1.0, pairs=10**6)
    return FusionRule(
        primary_key=SFACE_KEY,
        second_key=SECOND_KEY,
        weight=1.0,
        primary_prior=prior,
        second_prior=prior,
        fused=fused,
        band_below=0.1,  # POLICY's threshold is 0.5: a best score from 0.4 to 0.55 is close
        band_above=0.05,
        margin_band=0.05,
    )


class CountingSecondModel:
    """The second model: its embedding read from the frame, every run counted."""

    def __init__(self) -> None:
        self.runs = 0

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        self.runs += 1
        vector = SECOND_EMBEDDINGS.get(int(image_bgr[0, 0, 2]), SECOND_EMBEDDINGS[NOT_AN])
        return np.stack([vector for _ in faces])


class TwoModelServer(MemoryServer):
    """Both models' templates of the room's people (template ids: person, person + 100);
    `erase` removes a person from both, as the server's erasure does. `vectors`: each
    model key's template of each person (else person p's is the p-th axis of 4)."""

    def __init__(
        self,
        vectors: dict[str, dict[int, NDArray[np.float32]]] | None = None,
        primary_key: str = IDENTITY.key,
    ) -> None:
        super().__init__()
        self.people = {AN: "Nguyễn Văn An", BINH: "Trần Thị Bình"}
        self.vectors = vectors
        self.primary_key = primary_key
        self.score_stats: dict[str, dict[str, float]] | None = None
        self.asked: list[str] = []

    def erase(self, person_id: int) -> None:
        del self.people[person_id]
        self.meeting["person_ids"] = sorted(self.people)

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        self.asked.append(model)
        tag = f"{model}:{sorted(self.people)}"
        if etag == tag:
            return None
        offset = 0 if model == self.primary_key else 100
        people = [
            {"id": p, "full_name": n, "title": None, "unit": None} for p, n in self.people.items()
        ]
        return KioskGalleryRead.model_validate(
            {"room": "A", "model": model, "etag": tag, "meetings": [self.meeting]}
            | {"people": people, "score_stats": self.score_stats}
            | {"templates": [{"id": p + offset, "person_id": p} for p in self.people]}
        )

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        data = []
        for t in ids:
            person = t % 100
            vector = (
                np.eye(4, dtype="<f4")[person - 1]
                if self.vectors is None
                else self.vectors[model][person].astype("<f4")
            )
            data.append(
                {"id": t, "person_id": person, "dim": len(vector)}
                | {"embedding": base64.b64encode(vector.tobytes()).decode()}
            )
        return TemplatesRead.model_validate({"model": model, "templates": data})


def two_model_sync(server: TwoModelServer) -> GallerySync:
    second = GallerySync(server, model_key=SECOND_KEY, dim=4)
    return GallerySync(server, model_key=IDENTITY.key, dim=4, second=second)


def second_opinion_loop(
    tmp_path: Path, *, background: bool = False, model: CountingSecondModel | None = None
) -> tuple[KioskLoop, CountingSecondModel]:
    model = model or CountingSecondModel()
    look = SecondLook(
        rule=averaging_rule(),
        embed=model.embed,
        second_key=SECOND_KEY,
        dim=4,
        background=background,
    )
    sender = FakeSender()
    path = tmp_path / "outbox.sqlite"
    sync = two_model_sync(TwoModelServer())
    loop = KioskLoop(
        pipeline=FacePipeline(FakeDetector(), FakeEmbedder(), IDENTITY),
        sync=sync,
        outbox=Outbox(path),
        sender=sender,
        source=ListSource([]),
        policy=POLICY,
        options=KioskOptions(name="cửa-A", votes_needed=2, cooldown_s=300),
        sightings=(SightingOutbox(path), sender),
        second_look=look,
    )
    sync.sync()
    return loop, model


def face_frame(place: int, code: int, second_code: int = NOT_AN) -> NDArray[np.uint8]:
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)
    frame[0, 0] = (place, code, second_code)
    return frame


__all__ = ["AN", "BINH", "EMBEDDINGS", "MATCH", "STRANGER"]


def metric_samples(text: str) -> dict[str, str]:
    """The kiosk's /metrics text as name -> value, comment lines left out."""
    return dict(line.split(" ") for line in text.splitlines() if not line.startswith("#"))
