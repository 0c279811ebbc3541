"""The kiosk's local gallery: today's rosters and templates, kept in step with the server."""

from __future__ import annotations

import base64
import logging
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

from attendance.fusion import ScoreStats
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
class SecondGallery:
    """The second model's templates of the primary gallery's people (kiosk/second_look.py),
    and the server's statistics of both models' scores (None: the calibration's priors)."""

    gallery: Gallery
    primary_stats: ScoreStats | None = None
    second_stats: ScoreStats | None = None


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
    # The second opinion's gallery; None without one (or no second model at the kiosk).
    second: SecondGallery | None = None

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
        self,
        server: GalleryServer,
        *,
        model_key: str,
        dim: int,
        zone: str = DEFAULT_ZONE,
        second: GallerySync | None = None,
    ) -> None:
        """`zone`: the kiosk's own setting, used until a server says its own. `second`: the
        sync of the second model's templates (a second opinion), run after this one's."""
        self.server = server
        self.second = second
        self.score_stats: ScoreStats | None = None  # the server's, of this model's scores
        self.model_key = model_key
        self.dim = dim
        self.etag: str | None = None
        self.kiosk_name: str | None = None  # the token's name, as the server says it
        self.zone = _zone(zone, ZoneInfo(DEFAULT_ZONE))
        self.current = KioskGallery(Gallery.empty(dim), zone=self.zone)
        self._templates: dict[int, tuple[int, NDArray[np.float32]]] = {}

    def sync(self) -> bool:
        """Bring the local gallery up to date (and the second model's, when there is one);
        True when either changed."""
        changed = self._sync_own(quiet=False)
        if self.second is not None:
            try:
                changed = self.second._sync_own(quiet=True) or changed
            except ModelMismatch as exc:  # an older server: go on without a second opinion
                logger.warning("no second opinion: %s", exc)
                self.second = None
                changed = True
        if changed:
            self.current = replace(self.current, second=self._second_gallery())
        return changed

    def _second_gallery(self) -> SecondGallery | None:
        """The second model's templates of this gallery's people only: someone erased (or
        not in the room any more) is gone from both, whichever manifest said so first."""
        if self.second is None:
            return None
        return SecondGallery(
            self.second.current.gallery.subset(self.current.gallery.people.tolist()),
            primary_stats=self.score_stats,
            second_stats=self.second.score_stats,
        )

    def _sync_own(self, *, quiet: bool) -> bool:
        """This model's manifest and templates; `quiet` for the second model's (its room's
        warnings were said by the first's; people enrolled before it have no template)."""
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
        stats = (manifest.score_stats or {}).get(self.model_key)
        self.score_stats = _stats(stats) if stats else None
        if not quiet:
            self._say_what_is_missing(manifest, bool(wanted))
        self.current = self._snapshot(manifest)
        self.etag = manifest.etag
        logger.info(  # "gallery synced" is what operators (and the e2e tests) look for
            "gallery synced (%s): %d meetings, %d people, %d templates (%d fetched, %d dropped, "
            "%d moved to another person)",
            self.model_key,
            len(manifest.meetings),
            len(manifest.people),
            len(self._templates),
            len(missing),
            len(erased),
            len(moved),
        )
        return True

    def _say_what_is_missing(self, manifest: KioskGalleryRead, any_template: bool) -> None:
        if manifest.people and not any_template:
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


def _stats(data: dict[str, float]) -> ScoreStats | None:
    """The server's statistics, if they are usable: finite, a spread above zero (a zero or NaN
    spread would divide the fused scores by nothing), at least one pair; else the priors."""
    try:
        stats = ScoreStats.from_dict(data)
    except (KeyError, TypeError, ValueError):
        stats = None
    usable = (
        stats is not None
        and math.isfinite(stats.mean)
        and math.isfinite(stats.std)
        and stats.std > 1e-6
        and stats.pairs > 0
    )
    if not usable:
        logger.warning("unreadable score_stats from the server: the calibration's are used")
        return None
    return stats


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
