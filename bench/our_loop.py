"""Our side of the decisions benchmark: the real KioskLoop, fed a video frame by frame."""

from __future__ import annotations

import base64
import datetime
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from attendance.matching import Decision, match_policy
from attendance.settings import get_settings
from bench.kiosk import ListSource
from bench.walk_video import (
    FPS,
    CheckIn,
    Identity,
    Judged,
    WalkVideo,
    read_photo,
    shown_at,
)
from enrollment.quality_gate import choose_face, judge_human, judge_quality, rank_faces
from enrollment.service import gate_limits
from kiosk.capture import Frame
from kiosk.decider import Confirmation, Observation, TrackDecider
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import CheckinEvent, Outbox, SendResult
from kiosk.second_look import SecondLook
from kiosk.sync import GallerySync
from models.packs import FacePipeline
from models.quality import measure_quality
from wire.kiosk import KioskGalleryRead, TemplatesRead

SECOND_IDS = 100_000  # the second model's template ids: the person's id plus this


class MemoryServer:
    """The kiosk's gallery endpoints, in memory: one open meeting with every enrolled person."""

    def __init__(
        self,
        model: str,
        templates: dict[str, NDArray[np.float32]],
        second: tuple[str, dict[str, NDArray[np.float32]]] | None = None,
    ) -> None:
        """`second`: a second model's key and templates (of the same people, by name)."""
        self.model = model
        self.names = sorted(templates)
        self.vectors = [templates[name] for name in self.names]
        self.second_model, second_of = second if second is not None else ("", {})
        self.second_vectors = {
            i + 1: second_of[name] for i, name in enumerate(self.names) if name in second_of
        }
        now = datetime.datetime.now(datetime.timezone.utc)
        self.meeting = {
            "id": 1,
            "title": "bench",
            "starts_at": now - datetime.timedelta(minutes=5),
            "ends_at": now + datetime.timedelta(hours=2),
            "late_after_minutes": 15,
            "person_ids": list(range(1, len(self.names) + 1)),
            "checkin_opens_at": now - datetime.timedelta(minutes=65),
            "checkin_closes_at": now + datetime.timedelta(hours=2),
        }

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        people = [
            {"id": i + 1, "full_name": name, "title": None, "unit": None}
            for i, name in enumerate(self.names)
        ]
        templates = [{"id": i + 1, "person_id": i + 1} for i in range(len(self.names))]
        if model == self.second_model and model != self.model:
            templates = [{"id": p + SECOND_IDS, "person_id": p} for p in self.second_vectors]
        return KioskGalleryRead.model_validate(
            {"room": "bench", "model": model, "etag": "1", "meetings": [self.meeting]}
            | {"people": people, "templates": templates}
        )

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        if model == self.second_model and model != self.model:
            return self._second_templates(ids)
        data = [
            {
                "id": t,
                "person_id": t,
                "dim": len(self.vectors[t - 1]),
                "embedding": base64.b64encode(self.vectors[t - 1].astype("<f4").tobytes()).decode(),
            }
            for t in ids
        ]
        return TemplatesRead.model_validate({"model": self.model, "templates": data})

    def _second_templates(self, ids: list[int]) -> TemplatesRead:
        data = []
        for t in ids:
            vector = self.second_vectors[t - SECOND_IDS].astype("<f4")
            data.append(
                {"id": t, "person_id": t - SECOND_IDS, "dim": len(vector)}
                | {"embedding": base64.b64encode(vector.tobytes()).decode()}
            )
        return TemplatesRead.model_validate({"model": self.second_model, "templates": data})


class RecordingDecider(TrackDecider):
    """The loop's decider, keeping each frame's observations for the per-frame figures."""

    def __init__(self, options: KioskOptions) -> None:
        super().__init__(votes_needed=options.votes_needed, cooldown_s=options.cooldown_s)
        self.frame: list[Observation] = []

    def observe(self, observations: Iterable[Observation], *, now: float) -> list[Confirmation]:
        self.frame = list(observations)
        return super().observe(self.frame, now=now)


class NoSender:
    """The loop is driven frame by frame here; nothing is ever sent."""

    def send(self, event: CheckinEvent) -> SendResult:
        raise AssertionError("no courier runs in this benchmark")


def our_templates(
    pipeline: FacePipeline, identities: Sequence[Identity]
) -> tuple[dict[str, NDArray[np.float32]], dict[str, Path], list[str]]:
    """Photo A of each person through the enrollment gate and the embedder; when the gate
    refuses it, the next photo (as an admin would upload another). Templates, photos, notes."""
    limits = gate_limits(get_settings())
    templates, photos, notes = {}, {}, []
    for identity in identities:
        for path in (identity.enroll_photo, *identity.spare_photos):
            image = read_photo(path)
            height, width = image.shape[:2]
            chosen = choose_face(rank_faces(pipeline.detect(image), width, height), limits)
            verdict = chosen
            if chosen.face is not None:
                verdict = judge_quality(measure_quality(image, chosen.face), limits)
            if chosen.face is not None and verdict.reason is None:
                verdict = judge_human(pipeline.confidence(image, chosen.face), limits)
            if chosen.face is not None and verdict.reason is None:
                templates[identity.name] = pipeline.embed(image, [chosen.face])[0]
                photos[identity.name] = path
                break
            notes.append(f"{path.name} refused ({verdict.reason.value if verdict.reason else ''})")
        else:
            notes.append(f"{identity.name} not enrolled")
    return templates, photos, notes


def memory_sync(
    pipeline: FacePipeline,
    templates: dict[str, NDArray[np.float32]],
    look: SecondLook | None = None,
    second_templates: dict[str, NDArray[np.float32]] | None = None,
) -> tuple[MemoryServer, GallerySync]:
    """An in-memory server holding `templates` (and, with a second opinion, its model's
    `second_templates`) and a kiosk's gallery sync against it."""
    server = MemoryServer(
        pipeline.identity.key,
        templates,
        second=(look.second_key, second_templates or {}) if look is not None else None,
    )
    return server, GallerySync(
        server,
        model_key=pipeline.identity.key,
        dim=pipeline.identity.dim,
        second=GallerySync(server, model_key=look.second_key, dim=look.dim) if look else None,
    )


def our_check_ins(
    pipeline: FacePipeline,
    templates: dict[str, NDArray[np.float32]],
    video: WalkVideo,
    fpir: float | None = None,
    second: tuple[SecondLook, dict[str, NDArray[np.float32]]] | None = None,
    frame_ms: list[float] | None = None,
    on_loop: Callable[[KioskLoop], None] | None = None,
) -> tuple[list[CheckIn], list[Judged], float]:
    """The real KioskLoop, fed every frame in order: check-ins, faces judged, frames/s. The
    kiosk's rate of false accepts per look is the settings' (`ATTEND_KIOSK__FPIR`) or `fpir`.
    `second`: a second opinion and its model's templates; `frame_ms` gets each frame's time;
    `on_loop` sees the loop after the last frame (its counts)."""
    settings = get_settings()
    look, second_templates = second if second is not None else (None, {})
    server, sync = memory_sync(pipeline, templates, look, second_templates)
    with tempfile.TemporaryDirectory() as workdir:
        loop = KioskLoop(
            pipeline=pipeline,
            sync=sync,
            outbox=Outbox(Path(workdir) / "outbox.sqlite"),
            sender=NoSender(),
            source=ListSource(video.frames),  # unread: process() is called directly
            policy=match_policy(
                settings.match,
                model_key=pipeline.identity.key,
                fpir=settings.kiosk.fpir if fpir is None else fpir,
            ),
            options=KioskOptions(name="bench"),
            second_look=look,
        )
        loop.decider = decider = RecordingDecider(loop.options)
        loop.warm_up()
        sync.sync()
        check_ins, judged = [], []

        def shown(track_id: int) -> str:
            return shown_at(video, index, loop.tracker.tracks[track_id].box)

        started = time.perf_counter()
        for index, image in enumerate(video.frames):
            decider.frame = []
            frame_started = time.perf_counter()
            confirmed = loop.process(Frame(index, image, index / FPS))
            if frame_ms is not None:
                frame_ms.append((time.perf_counter() - frame_started) * 1000)
            for confirmation in confirmed:
                as_name = server.names[confirmation.person_id - 1]
                check_ins.append(CheckIn(index, shown(confirmation.track_id), as_name))
            for o in decider.frame:
                nearest = server.names[(o.decision.candidate_id or 0) - 1]
                accepted = o.decision.decision is Decision.MATCH
                judged.append(
                    Judged(shown(o.track_id), nearest, o.decision.similarity or 0, accepted)
                )
        fps = len(video.frames) / (time.perf_counter() - started)
        if on_loop is not None:
            on_loop(loop)
    return check_ins, judged, fps
