"""The kiosk's local gallery: today's rosters and templates, kept in step with the server."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

from attendance.gallery import Gallery
from wire.kiosk import KioskGalleryRead, TemplatesRead

logger = logging.getLogger(__name__)

_FETCH_CHUNK = 1000
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


class ModelMismatch(Exception):
    """The server speaks of templates of another model identity than the kiosk's."""


class GalleryServer(Protocol):
    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None: ...

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead: ...


@dataclass(frozen=True)
class RoomMeeting:
    id: int
    starts_at: datetime
    ends_at: datetime
    person_ids: frozenset[int]
    # The server's check-in window: the kiosk keeps no rule of its own about it.
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    late_after_minutes: int = 15


@dataclass(frozen=True)
class KioskGallery:
    """What the frame loop reads: replaced whole on each change, never mutated."""

    gallery: Gallery
    meetings: tuple[RoomMeeting, ...] = ()
    names: dict[int, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)  # only the people who have one
    units: dict[int, str] = field(default_factory=dict)  # likewise
    # The server's zone: every time on the screen is in it.
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))
    # A school gate's kiosk: its school, and the local time from which a student seen leaves.
    gate: str | None = None
    checkout_after: time | None = None

    def open_meetings(self, now: datetime) -> list[RoomMeeting]:
        """Meetings one can check in to now, by the window the server sent; at a school's gate
        every session of the day (the server decides which one a sighting goes on)."""
        if self.gate is not None:
            return list(self.meetings)
        return [m for m in self.meetings if m.checkin_opens_at <= now < m.checkin_closes_at]

    def leaving(self, now: datetime) -> bool:
        """At a school's gate: whether a student seen now leaves (after the school's midday)."""
        after = self.checkout_after
        return after is not None and now.astimezone(self.zone).time() >= after


class GallerySync:
    """Fetches only what changed: the manifest by ETag, then the templates not held yet."""

    def __init__(
        self, server: GalleryServer, *, model_key: str, dim: int, zone: str = DEFAULT_ZONE
    ) -> None:
        """`zone`: the kiosk's own setting, used until a server says its own."""
        self.server = server
        self.model_key = model_key
        self.dim = dim
        self.etag: str | None = None
        self.kiosk_name: str | None = None  # the token's name, as the server says it
        self.zone = _zone(zone, ZoneInfo(DEFAULT_ZONE))
        self.current = KioskGallery(Gallery.empty(dim), zone=self.zone)
        self._templates: dict[int, tuple[int, NDArray[np.float32]]] = {}

    def sync(self) -> bool:
        """Bring the local gallery up to date; True when it changed."""
        manifest = self.server.gallery(model=self.model_key, etag=self.etag)
        if manifest is None:
            return False
        if manifest.model != self.model_key:
            raise ModelMismatch(
                f"The server sent templates of model {manifest.model!r}, but this kiosk runs "
                f"{self.model_key!r}; templates of different models are never compared. "
                "Configure the same model pack (ATTEND_MODELS__PACK) on both."
            )
        wanted = {t.id: t.person_id for t in manifest.templates}
        erased = [t for t in self._templates if t not in wanted]
        for template_id in erased:
            del self._templates[template_id]
        # A merge moves a person's templates to the one kept: the same ids, another owner.
        moved = [t for t, (owner, _) in self._templates.items() if wanted[t] != owner]
        for template_id in moved:
            self._templates[template_id] = (wanted[template_id], self._templates[template_id][1])
        missing = sorted(set(wanted) - set(self._templates))
        for start in range(0, len(missing), _FETCH_CHUNK):
            self._add(
                self.server.templates(missing[start : start + _FETCH_CHUNK], model=self.model_key)
            )
        if manifest.timezone:
            self.zone = _zone(manifest.timezone, self.zone)
        self.kiosk_name = manifest.kiosk_name or self.kiosk_name
        if manifest.people and not wanted:
            logger.error(
                "the server holds no templates of model %s for this room's people: enroll "
                "them with the same model pack as this kiosk",
                self.model_key,
            )
        if not manifest.meetings and manifest.gate:
            logger.warning(
                "Hôm nay %s không có tiết học nào: kiosk cổng trường chờ. "
                "No class session today at %s: the gate kiosk waits.",
                manifest.gate,
                manifest.gate,
            )
        elif not manifest.meetings:
            logger.warning(
                "Hôm nay phòng %r không có cuộc họp nào: kiosk chờ. "
                "No meeting today in room %r: the kiosk waits.",
                manifest.room,
                manifest.room,
            )
        self.current = self._snapshot(manifest)
        self.etag = manifest.etag
        logger.info(
            "gallery synced: %d meetings, %d people, %d templates (%d fetched, %d dropped, "
            "%d moved to another person)",
            len(manifest.meetings),
            len(manifest.people),
            len(self._templates),
            len(missing),
            len(erased),
            len(moved),
        )
        return True

    def _add(self, data: TemplatesRead) -> None:
        if data.model != self.model_key:
            raise ModelMismatch(
                f"The server sent templates of model {data.model!r}; this kiosk runs "
                f"{self.model_key!r}."
            )
        for t in data.templates:
            vector = np.frombuffer(base64.b64decode(t.embedding), dtype="<f4")
            if t.dim != self.dim or vector.shape != (self.dim,):
                raise ModelMismatch(
                    f"Template {t.id} has {vector.shape[0]} dimensions; this kiosk's model "
                    f"has {self.dim}."
                )
            self._templates[t.id] = (t.person_id, vector.astype(np.float32))

    def _snapshot(self, manifest: KioskGalleryRead) -> KioskGallery:
        ids = sorted(self._templates)
        if ids:
            embeddings = np.stack([self._templates[t][1] for t in ids])
            people = np.array([self._templates[t][0] for t in ids], dtype=np.int64)
            gallery = Gallery.of_people(embeddings, people)  # as the server searches
        else:
            gallery = Gallery.empty(self.dim)
        meetings = tuple(
            RoomMeeting(
                m.id,
                m.starts_at,
                m.ends_at,
                frozenset(m.person_ids),
                m.checkin_opens_at,
                m.checkin_closes_at,
                m.late_after_minutes,
            )
            for m in manifest.meetings
        )
        return KioskGallery(
            gallery,
            meetings,
            names={p.id: p.full_name for p in manifest.people},
            titles={p.id: p.title for p in manifest.people if p.title},
            units={p.id: p.unit for p in manifest.people if p.unit},
            zone=self.zone,
            gate=manifest.gate,
            checkout_after=_clock(manifest.gate_checkout_after),
        )


def _clock(value: str | None) -> time | None:
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        logger.warning("unreadable gate_checkout_after %r: every sighting is an arrival", value)
        return None


def _zone(name: str, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r; showing times in %s", name, fallback.key)
        return fallback
