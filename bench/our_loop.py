"""Our side of the decisions benchmark: the real KioskLoop, fed a video frame by frame."""

from __future__ import annotations

import base64
import datetime
import tempfile
import time
from collections.abc import Iterable, Sequence
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
from kiosk.sync import GallerySync
from models.packs import FacePipeline
from models.quality import measure_quality
from wire.kiosk import KioskGalleryRead, TemplatesRead


class MemoryServer:
    """The kiosk's gallery endpoints, in memory: one open meeting with every enrolled person."""

    def __init__(self, model: str, templates: dict[str, NDArray[np.float32]]) -> None:
        self.model = model
        self.names = sorted(templates)
        self.vectors = [templates[name] for name in self.names]
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
        return KioskGalleryRead.model_validate(
            {"room": "bench", "model": self.model, "etag": "1", "meetings": [self.meeting]}
            | {"people": people, "templates": templates}
        )

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
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


def our_check_ins(
    pipeline: FacePipeline,
    templates: dict[str, NDArray[np.float32]],
    video: WalkVideo,
    fpir: float | None = None,
) -> tuple[list[CheckIn], list[Judged], float]:
    """The real KioskLoop, fed every frame in order: check-ins, faces judged, frames/s. The
    kiosk's rate of false accepts per look is the settings' (`ATTEND_KIOSK__FPIR`) or `fpir`."""
    settings = get_settings()
    server = MemoryServer(pipeline.identity.key, templates)
    sync = GallerySync(server, model_key=pipeline.identity.key, dim=pipeline.identity.dim)
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
            for confirmation in loop.process(Frame(index, image, index / FPS)):
                as_name = server.names[confirmation.person_id - 1]
                check_ins.append(CheckIn(index, shown(confirmation.track_id), as_name))
            for o in decider.frame:
                nearest = server.names[(o.decision.candidate_id or 0) - 1]
                accepted = o.decision.decision is Decision.MATCH
                judged.append(
                    Judged(shown(o.track_id), nearest, o.decision.similarity or 0, accepted)
                )
        fps = len(video.frames) / (time.perf_counter() - started)
    return check_ins, judged, fps
