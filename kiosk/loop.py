"""The kiosk's frame loop: detect, track, embed the undecided, decide, put in the outbox."""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime, timezone

from attendance.matching import Decision, MatchPolicy, decide
from kiosk.arrivals import ArrivalBook
from kiosk.capture import Backoff, CaptureThread, Frame, FrameQueue, FrameSource
from kiosk.courier import Courier
from kiosk.decider import Confirmation, Observation, TrackDecider, face_weight
from kiosk.greeter import Greeter
from kiosk.looks import LookPlanner
from kiosk.metrics import HealthSnapshot, KioskMetrics, summary
from kiosk.options import KioskOptions, LoopStats, Named
from kiosk.outbox import PENDING, Outbox, Sender
from kiosk.screen import COME_CLOSER_PX, ScreenLog, ShownFace
from kiosk.second_look import SecondLook
from kiosk.sighting_outbox import SightingOutbox, SightingSender
from kiosk.sightings import SightingReporter
from kiosk.startup import first_sync, say_refused, warm_up
from kiosk.sync import GallerySync
from kiosk.tracker import IouTracker, TrackUpdate
from models.packs import FacePipeline
from models.types import DetectedFace

logger = logging.getLogger(__name__)


class KioskLoop:
    """Owns the kiosk's threads for one run; `stop_event` ends it from outside (signals)."""

    def __init__(
        self,
        *,
        pipeline: FacePipeline,
        sync: GallerySync,
        outbox: Outbox,
        sender: Sender,
        source: FrameSource,
        policy: MatchPolicy,
        options: KioskOptions = KioskOptions(),
        stop_event: threading.Event | None = None,
        metrics: KioskMetrics | None = None,
        screen: ScreenLog | None = None,
        sightings: tuple[SightingOutbox, SightingSender] | None = None,
        arrivals: ArrivalBook | None = None,
        second_look: SecondLook | None = None,
    ) -> None:
        """`second_look`: a second opinion on close calls (its sync must carry the second
        model's gallery: `GallerySync(second=...)`); None, the first model alone."""
        self.pipeline = pipeline
        self.sync = sync
        self.outbox = outbox
        self.sender = sender
        self.source = source
        self.policy = policy
        self.options = options
        self.stop_event = stop_event or threading.Event()
        self.tracker = IouTracker()
        self.decider = TrackDecider(
            votes_needed=options.votes_needed, cooldown_s=options.cooldown_s
        )
        self.stats = LoopStats()
        self.name = options.name or options.host_name  # the token's, once the server says
        # Uncertain faces for the review queue: the same confirmation frames and cooldown.
        self.sightings = sightings
        self.reporter = (
            SightingReporter(
                sightings[0],
                name=self.name,
                threshold=policy.threshold,
                frames_needed=options.votes_needed,
                cooldown_s=options.cooldown_s,
            )
            if sightings is not None
            else None
        )
        self.metrics = metrics or KioskMetrics()
        self.screen = screen or ScreenLog()
        self.screen.set_zone(sync.current.zone)  # the kiosk's setting until the server's
        self.arrivals = arrivals or ArrivalBook()
        self.greeter = Greeter(
            outbox=outbox, screen=self.screen, name=self.name, arrivals=self.arrivals
        )
        self.looks = LookPlanner(max_per_frame=options.max_embeds_per_frame)
        self.second_look = second_look

    def run(self) -> int:
        """0 when the input ended or the kiosk was stopped; 2 when it cannot work at all (a
        refused token, room or model, at the start or while it runs)."""
        self.warm_up()
        if not first_sync(self.sync, self.metrics, self.stop_event):
            return 2 if not self.stop_event.is_set() else 0
        self._take_name()
        frames: FrameQueue = queue.Queue(maxsize=self.options.queue_size)
        capture = CaptureThread(
            self.source,
            frames,
            self.stop_event,
            drop_when_full=not self.source.finite,
            backoff=Backoff(),
            frame_interval_s=self.options.frame_interval_s if self.source.finite else 0.0,
        )
        courier_stop = threading.Event()
        courier = Courier(
            self.outbox,
            self.sender,
            self.sync,
            courier_stop,
            sync_interval_s=self.options.sync_interval_s,
            metrics=self.metrics,
            sightings=self.sightings,
            on_refused=lambda _exc: self.stop_event.set(),
            arrivals=self.arrivals,
            arrivals_interval_s=self.options.arrivals_interval_s,
            on_answer=self.greeter.answered,
        )
        courier.start()
        capture.start()
        ended = False
        next_log = time.monotonic() + self.options.health_log_interval_s
        try:
            while not self.stop_event.is_set():
                self.metrics.set_dropped(capture.dropped)
                if time.monotonic() >= next_log:
                    next_log = time.monotonic() + self.options.health_log_interval_s
                    logger.info("health: %s", summary(self.health()))
                try:
                    frame = frames.get(timeout=0.2)
                except queue.Empty:
                    continue
                if frame is None:
                    ended = True
                    break
                try:
                    if self.process(frame):
                        courier.wake.set()
                except Exception:  # the top of a long-running loop: log and go on
                    logger.exception("frame %d failed", frame.index)
        finally:
            if not ended:
                self.stop_event.set()
            capture.join(timeout=5)
            self.stats.dropped = capture.dropped
            if ended:
                self._drain(courier)
            courier_stop.set()
            courier.wake.set()
            courier.join(timeout=15)
            if self.second_look is not None:
                self.second_look.close()
            logger.info("kiosk stopped: %s; outbox %s", self.stats, self.outbox.counts())
        if courier.refused is not None:
            say_refused(courier.refused, self.outbox)
            return 2
        return 0

    def _take_name(self) -> None:
        """--name, else the kiosk token's name as the server knows it (stable across restarts,
        whatever machine runs it), else the host's: in idempotency keys and as the source."""
        name = self.options.name or self.sync.kiosk_name or self.options.host_name
        self.name = self.greeter.name = name
        if self.reporter is not None:
            self.reporter.name = name
        clients: list[object] = [self.sender]
        if self.sightings is not None and self.sightings[1] is not self.sender:
            clients.append(self.sightings[1])
        for client in clients:
            if isinstance(client, Named):
                client.take_name(name)
        logger.info("kiosk name: %s", name)

    def health(self) -> HealthSnapshot:
        return self.metrics.snapshot(
            outbox_depth=self.outbox.counts()[PENDING],
            second=None if self.second_look is None else self.second_look.counts,
        )

    def warm_up(self) -> None:
        warm_up(self.pipeline)

    def _drain(self, courier: Courier) -> None:
        deadline = time.monotonic() + self.options.drain_timeout_s
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            if self.outbox.counts()[PENDING] == 0 and self._sightings_pending() == 0:
                return
            courier.wake.set()
            self.stop_event.wait(0.2)
        pending = self.outbox.counts()[PENDING]
        if pending:
            logger.warning("%d check-ins wait in the outbox for the next run", pending)
        if self._sightings_pending():
            logger.warning("%d sightings wait for the next run", self._sightings_pending())

    def _sightings_pending(self) -> int:
        return 0 if self.sightings is None else self.sightings[0].counts()[PENDING]

    def process(self, frame: Frame) -> list[Confirmation]:
        """One frame: returns the people confirmed by it (already in the outbox)."""
        stats = self.stats
        stats.frames += 1
        started = time.perf_counter()
        # The first look only: following a face needs no precise landmarks, and a decided
        # face is only embedded again to check it, so its second look would be wasted.
        faces = self.pipeline.detect_coarse(frame.image)
        detect_ms = (time.perf_counter() - started) * 1000
        stats.faces += len(faces)
        update = self.tracker.update([f.box for f in faces])
        self._forget(update.ended)
        confirmed = self._judge(frame, faces, update, detect_ms)
        shown = [
            ShownFace(f.box, self.decider.decided_person(t) is not None)
            for f, t in zip(faces, update.track_ids)
        ]
        self.screen.show(frame.image, shown)
        self.screen.set_zone(self.sync.current.zone)
        return confirmed

    def _forget(self, track_ids: list[int]) -> None:
        if not track_ids:  # most frames: nothing ended, nothing to rebuild
            return
        self.decider.forget(track_ids)
        if self.reporter is not None:
            self.reporter.forget(track_ids)
        self.looks.forget(track_ids)
        self.greeter.forget(track_ids)
        if self.second_look is not None:
            self.second_look.forget(track_ids)

    def _judge(
        self, frame: Frame, faces: list[DetectedFace], update: TrackUpdate, detect_ms: float
    ) -> list[Confirmation]:
        stats = self.stats
        snapshot = self.sync.current
        now = datetime.now(timezone.utc)
        meetings = snapshot.open_meetings(now)
        roster = frozenset().union(*(m.person_ids for m in meetings))
        if not roster or len(snapshot.gallery) == 0:
            self.metrics.frame(detect_ms=detect_ms)
            return []
        for face, track_id in zip(faces, update.track_ids):
            if face.short_side < COME_CLOSER_PX and self.decider.needs_embedding(track_id):
                self.greeter.come_closer(track_id, face.box, snapshot, now, frame.captured_at)
        plan = self.looks.plan(faces, update, self.decider, captured_at=frame.captured_at)
        if not plan.faces:
            self.metrics.frame(detect_ms=detect_ms)
            return []
        started = time.perf_counter()
        chosen = self.pipeline.refine(frame.image, [faces[i] for i in plan.faces])
        embeddings = self.pipeline.embed(frame.image, chosen)
        self.metrics.frame(detect_ms=detect_ms, embed_ms=(time.perf_counter() - started) * 1000)
        stats.embedded += len(chosen)
        result = snapshot.gallery.search(embeddings, k=self.options.top_k)
        size = len(snapshot.gallery.people)
        decisions = decide(result, self.policy, roster=roster, gallery_size=size)
        waiting: frozenset[int] = frozenset()
        if self.second_look is not None and snapshot.second is not None:
            verdict = self.second_look.judge(
                image=frame.image,
                faces=chosen,
                track_ids=[update.track_ids[i] for i in plan.faces],
                undecided=[row for row, i in enumerate(plan.faces) if i not in plan.checks],
                result=result,
                decisions=decisions,
                fallback_threshold=self.policy.threshold_for(size),
                policy_margin=self.policy.margin,
                second=snapshot.second,
            )
            waiting = verdict.waiting
            if verdict.fused:
                decisions = decide(verdict.result, self.policy, roster=roster, gallery_size=size)
        observations = []
        for row, (i, face, decision) in enumerate(zip(plan.faces, chosen, decisions)):
            track_id = update.track_ids[i]
            if row in waiting:  # a close call: the track waits for its second opinion
                self.looks.looked(track_id, index=frame.index, captured_at=frame.captured_at)
                continue
            if i in plan.checks:  # a decided face, looked at again
                if decision.candidate_id == self.decider.decided_person(track_id):
                    self.looks.looked(track_id, index=frame.index, captured_at=frame.captured_at)
                    continue
                # Someone else stands there now: a new face, judged from this look on.
                self._forget([track_id])
                track_id = update.track_ids[i] = self.tracker.split(track_id)
            self.looks.looked(track_id, index=frame.index, captured_at=frame.captured_at)
            weight = face_weight(face.short_side, face.score)
            observations.append(Observation(track_id, decision, weight))
            if self.reporter is not None and snapshot.gate is None:  # a gate has no reviews
                self.reporter.observe(
                    frame=frame,
                    face=face,
                    track_id=track_id,
                    decision=decision,
                    meetings=meetings,
                    checked_in=self.greeter.checked_in,
                    now=now,
                )
            if decision.decision is Decision.NOT_ON_ROSTER and decision.candidate_id is not None:
                self.greeter.not_on_roster(track_id, decision.candidate_id, snapshot, now)
        confirmed = self.decider.observe(observations, now=frame.captured_at)
        for confirmation in confirmed:
            stats.confirmed += 1
            stats.enqueued += self.greeter.check_in(confirmation, snapshot, now)
        fresh = {c.track_id for c in confirmed}
        for obs in observations:
            person_id = self.decider.decided_person(obs.track_id)
            if person_id is not None and obs.track_id not in fresh:  # within the cooldown
                self.greeter.already(obs.track_id, person_id, snapshot, now)
        return confirmed
