"""A process-wide gallery per model identity, reloaded when the database says it changed."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session

from attendance.gallery import Gallery
from attendance.templates import gallery_version, load_gallery

logger = logging.getLogger(__name__)


class GalleryCache:
    """Holds the current Gallery; one cheap version query per use decides whether to reload.

    The version lives in the database, so a CLI enrollment or a second API worker is seen too.
    """

    def __init__(self, *, model_key: str, dim: int) -> None:
        self.model_key = model_key
        self.dim = dim
        self._gallery: Gallery | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> Gallery:
        version = gallery_version(session, model_key=self.model_key)
        current = self._gallery
        if current is not None and current.version == version:
            return current
        with self._lock:
            current = self._gallery
            if current is None or current.version != version:
                current = load_gallery(session, model_key=self.model_key, dim=self.dim)
                self._gallery = current
                logger.info("gallery %s loaded: %d people", self.model_key, len(current))
        return current
