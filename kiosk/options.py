"""The kiosk loop's options and the counts it keeps of one run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kiosk.arrivals import ARRIVALS_INTERVAL_S


@runtime_checkable
class Named(Protocol):
    """A client that sends the kiosk's name (as its check-ins' source) once it is known."""

    def take_name(self, name: str) -> None: ...


@dataclass(frozen=True)
class KioskOptions:
    # The first part of every idempotency key, and the source of check-ins and reviews. None:
    # the kiosk token's name as the server says it, else `host_name`.
    name: str | None = None
    host_name: str = "kiosk"
    # Bounds the per-frame cost when a crowd walks in: with 2, three new faces still run at
    # about 29 fps on 2 cores, and each face gets its two votes within three frames.
    max_embeds_per_frame: int = 2
    votes_needed: int = 2
    cooldown_s: float = 300.0
    top_k: int = 5
    queue_size: int = 4
    sync_interval_s: float = 60.0
    arrivals_interval_s: float = ARRIVALS_INTERVAL_S  # who is present; a revoked token too
    drain_timeout_s: float = 30.0  # finite input: how long to wait for the outbox to empty
    frame_interval_s: float = 0.0  # finite input: pause between frames (0: as fast as it can)
    health_log_interval_s: float = 30.0


@dataclass
class LoopStats:
    frames: int = 0
    faces: int = 0
    embedded: int = 0
    confirmed: int = 0
    enqueued: int = 0
    dropped: int = 0
