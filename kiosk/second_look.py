"""The second opinion at the kiosk: at most one second-model embedding per track, taken when
the track's decision is a close call, kept with the track and reused for all its looks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attendance.fusion import FusionRule, close_rows, fused_result, fusion_rule_for, second_scores
from attendance.gallery import SearchResult
from attendance.matching import FaceDecision
from kiosk.sync import SecondGallery
from models.packs import FacePipeline
from models.types import DetectedFace

logger = logging.getLogger(__name__)

SecondEmbed = Callable[[NDArray[np.uint8], list[DetectedFace]], NDArray[np.float32]]


@dataclass(frozen=True)
class SecondVerdict:
    """One frame's search, with the rows of tracks that hold a second embedding fused, and the
    rows whose track waits for its second embedding (not counted as evidence yet)."""

    result: SearchResult
    fused: frozenset[int]
    waiting: frozenset[int]


@dataclass
class SecondLookCounts:
    runs: int = 0  # second-model embeddings computed (one face each)
    fused_looks: int = 0  # looks judged on the fused scores
    waited_looks: int = 0  # looks set aside while their track waited for its answer
    tracks: int = 0  # tracks that got a second embedding
    seconds: float = 0.0  # spent in the second model's embeddings (the kiosk's /metrics)


class SecondLook:
    """Asks the second model about a track once, when a look at it is a close call.

    The second model (dlib, 75-200 ms a face on 2 cores) costs several frames at 25 fps, so
    a frame runs it at most once; the other close calls of that frame wait for a later one
    (their looks are set aside meanwhile). With `background` it runs on one worker thread
    instead, and the track's looks wait for its answer. On 2 cores the worker did not help:
    dlib and ONNX Runtime's threads share the same two cores, and frames took as long or
    longer (docs/benchmarks.md, "Second opinion at the kiosk"), so the kiosk runs it inline.
    """

    def __init__(
        self,
        *,
        rule: FusionRule,
        embed: SecondEmbed,
        second_key: str,
        dim: int,
        background: bool = False,
    ) -> None:
        self.rule = rule
        self.second_key = second_key
        self.dim = dim
        self._embed = embed
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="second-opinion")
            if background
            else None
        )
        self._busy: Future[NDArray[np.float32]] | None = None
        self._pending: dict[int, Future[NDArray[np.float32]]] = {}
        self._embeddings: dict[int, NDArray[np.float32]] = {}
        self._asked: set[int] = set()  # once asked, never again (even when it failed)
        self.counts = SecondLookCounts()

    def holds(self, track_id: int) -> bool:
        return track_id in self._embeddings

    def forget(self, track_ids: Iterable[int]) -> None:
        for track_id in track_ids:
            self._embeddings.pop(track_id, None)
            self._asked.discard(track_id)
            self._pending.pop(track_id, None)  # its answer, if it comes, is dropped

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def judge(
        self,
        *,
        image: NDArray[np.uint8],
        faces: Sequence[DetectedFace],
        track_ids: Sequence[int],
        undecided: Iterable[int],
        result: SearchResult,
        decisions: Sequence[FaceDecision],
        fallback_threshold: float,
        policy_margin: float,
        second: SecondGallery,
    ) -> SecondVerdict:
        """`faces[i]` and `track_ids[i]` are row i of `result`; `undecided`, the rows whose
        track is not decided yet (only those may start a second embedding)."""
        self._collect()
        thresholds = [fallback_threshold if d.threshold is None else d.threshold for d in decisions]
        close = set(
            close_rows(result, thresholds=thresholds, policy_margin=policy_margin, rule=self.rule)
        )
        waiting = set()
        started_one = False
        for row in undecided:
            track_id = track_ids[row]
            if track_id in self._pending:
                waiting.add(row)
            elif row in close and track_id not in self._asked:
                if not started_one and self._start(image, faces[row], track_id):
                    started_one = True
                if track_id not in self._embeddings:
                    waiting.add(row)
        self._collect()
        rows = [r for r, t in enumerate(track_ids) if t in self._embeddings and r not in waiting]
        self.counts.waited_looks += len(waiting)
        self.counts.fused_looks += len(rows)
        if not rows:
            return SecondVerdict(result, frozenset(), frozenset(waiting))
        asked = second_scores(
            result,
            rows=rows,
            embeddings=np.stack([self._embeddings[track_ids[r]] for r in rows]),
            gallery=second.gallery,
        )
        fused = fused_result(
            result,
            asked,
            rule=self.rule,
            primary_stats=self.rule.stats(second.primary_stats, second=False),
            second_stats=self.rule.stats(second.second_stats, second=True),
        )
        return SecondVerdict(fused, frozenset(rows), frozenset(waiting))

    def _start(self, image: NDArray[np.uint8], face: DetectedFace, track_id: int) -> bool:
        """Start the track's second embedding; False while the worker is busy with another."""
        if self._executor is not None and self._busy is not None and not self._busy.done():
            return False
        self._asked.add(track_id)
        if self._executor is None:
            done: Future[NDArray[np.float32]] = Future()
            try:
                done.set_result(self._run(image, face))
            except Exception as exc:
                done.set_exception(exc)
            self._pending[track_id] = done
            self._collect()
            return True
        # The frame's pixels are copied: the screen draws on the frame after this.
        self._busy = self._executor.submit(self._run, image.copy(), face)
        self._pending[track_id] = self._busy
        return True

    def _run(self, image: NDArray[np.uint8], face: DetectedFace) -> NDArray[np.float32]:
        self.counts.runs += 1
        started = time.perf_counter()
        try:
            return np.asarray(self._embed(image, [face])[0], dtype=np.float32)
        finally:
            self.counts.seconds += time.perf_counter() - started

    def _collect(self) -> None:
        for track_id, future in list(self._pending.items()):
            if not future.done():
                continue
            del self._pending[track_id]
            try:
                self._embeddings[track_id] = future.result()
                self.counts.tracks += 1
            except Exception:  # a failed look: the track is judged on the first model alone
                logger.exception("second opinion failed for track %d", track_id)


def second_look_for(pipeline: FacePipeline, *, background: bool = False) -> SecondLook | None:
    """The kiosk's second opinion: None without a second model or a fusion calibrated for the
    pair (the kiosk then works on the first model alone, as before)."""
    second = pipeline.second
    if second is None:
        return None
    rule = fusion_rule_for(pipeline.identity.key, second.identity.key)
    if rule is None:
        logger.info(
            "no fusion calibrated for %s + %s: no second opinion at the kiosk",
            pipeline.identity.key,
            second.identity.key,
        )
        return None
    return SecondLook(
        rule=rule,
        embed=pipeline.embed_second,
        second_key=second.identity.key,
        dim=second.identity.dim,
        background=background,
    )
