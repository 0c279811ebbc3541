"""A process-wide gallery per model identity and consent purpose, reloaded when the database
says it changed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from attendance.consent_tables import MEETINGS
from attendance.fusion import ScoreStats, impostor_stats
from attendance.gallery import Gallery
from attendance.templates import gallery_version, load_gallery

logger = logging.getLogger(__name__)


class GalleryCache:
    """Holds the current Gallery of each consent purpose (a lesson searches the faces kept for
    school attendance, a meeting those kept for meetings); one cheap version query per use
    decides whether to reload.

    The version lives in the database, so a CLI enrollment or a second API worker is seen too.
    """

    def __init__(
        self, *, model_key: str, dim: int, on_load: Callable[[str, int], None] | None = None
    ) -> None:
        self.model_key = model_key
        self.dim = dim
        # Told (purpose, people) at each load: the server's gallery-size gauge.
        self._on_load = on_load
        self._galleries: dict[str, Gallery] = {}
        # Impostor statistics of each purpose's gallery, with the version they were taken at.
        self._stats: dict[str, tuple[int, ScoreStats | None]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, *, purpose: str = MEETINGS) -> Gallery:
        """The templates that serve `purpose` (attendance.consent_tables): meetings unless
        asked, school attendance for a lesson."""
        version = gallery_version(session, model_key=self.model_key)
        current = self._galleries.get(purpose)
        if current is not None and current.version == version:
            return current
        with self._lock:
            current = self._galleries.get(purpose)
            if current is None or current.version != version:
                current = load_gallery(
                    session, model_key=self.model_key, dim=self.dim, purpose=purpose
                )
                self._galleries[purpose] = current
                logger.info(
                    "gallery %s (%s) loaded: %d people", self.model_key, purpose, len(current)
                )
                if self._on_load is not None:
                    self._on_load(purpose, len(current))
        return current

    def stats(self, gallery: Gallery, *, purpose: str = MEETINGS) -> ScoreStats | None:
        """How this model scores different enrolled people of `purpose` against each other
        (attendance.fusion.impostor_stats, None under two people): the z-normalisation of a
        second opinion. `gallery`: what `get` just gave for `purpose` (the whole gallery,
        never a roster's subset). Taken once per gallery version: it is a product of up to
        2,000 people with each other, too dear for every request."""
        taken = self._stats.get(purpose)
        if taken is not None and taken[0] == gallery.version:
            return taken[1]
        with self._lock:
            taken = self._stats.get(purpose)
            if taken is None or taken[0] != gallery.version:
                taken = (gallery.version, impostor_stats(gallery))
                self._stats[purpose] = taken
                logger.info(
                    "gallery %s (%s) impostor statistics: %s",
                    self.model_key,
                    purpose,
                    None if taken[1] is None else taken[1].as_dict(),
                )
        return taken[1]
