"""The kiosk's health figures: frame rate, inference times, drops, outbox depth, sync age,
and what the second opinion (kiosk/second_look.py) ran."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.second_look import SecondLookCounts

# Frame rate and average times are over the last this many frames: the present, not the day.
WINDOW = 100


@dataclass(frozen=True)
class HealthSnapshot:
    fps: float
    detect_ms_last: float
    detect_ms_avg: float
    embed_ms_last: float
    embed_ms_avg: float
    frames_total: int
    dropped_frames_total: int
    outbox_depth: int
    seconds_since_sync: float | None  # None: never synced
    checkins_sent_total: int
    # The second opinion's counts since start; None: the kiosk has none (no dlib, no rule).
    second: SecondLookCounts | None = None


class KioskMetrics:
    """Written by the frame loop and the courier, read by the HTTP server: one lock."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._frame_times: deque[float] = deque(maxlen=WINDOW)
        self._detect_ms: deque[float] = deque(maxlen=WINDOW)
        self._embed_ms: deque[float] = deque(maxlen=WINDOW)
        self._frames = 0
        self._dropped = 0
        self._sent = 0
        self._synced_at: float | None = None

    def frame(self, *, detect_ms: float, embed_ms: float | None = None) -> None:
        """One processed frame; `embed_ms` only when it embedded any face."""
        with self._lock:
            self._frames += 1
            self._frame_times.append(self.clock())
            self._detect_ms.append(detect_ms)
            if embed_ms is not None:
                self._embed_ms.append(embed_ms)

    def set_dropped(self, total: int) -> None:
        with self._lock:
            self._dropped = total

    def synced(self) -> None:
        with self._lock:
            self._synced_at = self.clock()

    def sent(self, count: int) -> None:
        with self._lock:
            self._sent += count

    def snapshot(
        self, *, outbox_depth: int, second: SecondLookCounts | None = None
    ) -> HealthSnapshot:
        """`second`: the second look's counts, copied here (its worker may be adding to them)."""
        with self._lock:
            times = self._frame_times
            span = times[-1] - times[0] if len(times) > 1 else 0.0
            fps = (len(times) - 1) / span if span > 0 else 0.0
            return HealthSnapshot(
                fps=fps,
                detect_ms_last=self._detect_ms[-1] if self._detect_ms else 0.0,
                detect_ms_avg=_mean(self._detect_ms),
                embed_ms_last=self._embed_ms[-1] if self._embed_ms else 0.0,
                embed_ms_avg=_mean(self._embed_ms),
                frames_total=self._frames,
                dropped_frames_total=self._dropped,
                outbox_depth=outbox_depth,
                seconds_since_sync=None
                if self._synced_at is None
                else self.clock() - self._synced_at,
                checkins_sent_total=self._sent,
                second=None if second is None else replace(second),
            )


def _mean(values: deque[float]) -> float:
    return sum(values) / len(values) if values else 0.0


_HELP = (
    ("kiosk_fps", "gauge", "Frames processed per second (last 100 frames).", "fps"),
    ("kiosk_detect_ms_last", "gauge", "Face detection time of the last frame.", "detect_ms_last"),
    ("kiosk_detect_ms_avg", "gauge", "Mean detection time (last 100 frames).", "detect_ms_avg"),
    ("kiosk_embed_ms_last", "gauge", "Embedding time of the last embedding call.", "embed_ms_last"),
    ("kiosk_embed_ms_avg", "gauge", "Mean embedding time (last 100 calls).", "embed_ms_avg"),
    ("kiosk_frames_total", "counter", "Frames processed since start.", "frames_total"),
    (
        "kiosk_dropped_frames_total",
        "counter",
        "Camera frames dropped because recognition was behind.",
        "dropped_frames_total",
    ),
    ("kiosk_outbox_depth", "gauge", "Check-ins waiting for the server.", "outbox_depth"),
    (
        "kiosk_seconds_since_sync",
        "gauge",
        "Seconds since the last successful gallery sync (-1: never).",
        "seconds_since_sync",
    ),
    (
        "kiosk_checkins_sent_total",
        "counter",
        "Check-ins the server accepted since start.",
        "checkins_sent_total",
    ),
)


# Shown only by a kiosk with a second opinion, as the server's attendance_second_opinion_*.
_SECOND_HELP = (
    (
        "kiosk_second_opinion_tracks_total",
        "counter",
        "Tracks whose close call the second model (dlib) answered, at most once a track.",
        "tracks",
    ),
    (
        "kiosk_second_opinion_runs_total",
        "counter",
        "Second-model embeddings computed (one face each).",
        "runs",
    ),
    (
        "kiosk_second_opinion_seconds_total",
        "counter",
        "Seconds spent in the second model's embeddings.",
        "seconds",
    ),
    (
        "kiosk_second_opinion_waited_looks_total",
        "counter",
        "Looks set aside while their track waited for its second embedding.",
        "waited_looks",
    ),
)


def prometheus_text(health: HealthSnapshot) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    lines = []
    figures: list[tuple[tuple[str, str, str, str], object]] = [(row, health) for row in _HELP]
    if health.second is not None:
        figures += [(row, health.second) for row in _SECOND_HELP]
    for (name, kind, help_text, field), source in figures:
        value = getattr(source, field)
        lines += [
            f"# HELP {name} {help_text}",
            f"# TYPE {name} {kind}",
            f"{name} {_number(value)}",
        ]
    return "\n".join(lines) + "\n"


def _number(value: float | int | None) -> str:
    if value is None:
        return "-1"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def summary(health: HealthSnapshot) -> str:
    """One log line with the same figures."""
    since = "never" if health.seconds_since_sync is None else f"{health.seconds_since_sync:.0f} s"
    return (
        f"{health.fps:.1f} fps, detect {health.detect_ms_last:.0f}/{health.detect_ms_avg:.0f} ms, "
        f"embed {health.embed_ms_last:.0f}/{health.embed_ms_avg:.0f} ms (last/avg), "
        f"{health.dropped_frames_total} dropped, outbox {health.outbox_depth}, "
        f"synced {since} ago, {health.checkins_sent_total} sent"
        + (
            ""
            if health.second is None
            else f", second opinion on {health.second.tracks} tracks "
            f"({health.second.runs} runs, {health.second.seconds:.1f} s)"
        )
    )
