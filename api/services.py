"""What a running server holds: settings, database, the model pipeline and gallery cache."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attendance.gallery_cache import GalleryCache
from attendance.matching import MatchPolicy
from attendance.settings import Settings
from models.images import ImageDecoder
from models.packs import FacePipeline
from usecases.decoding import image_decoder
from usecases.pipeline import PipelineFactory, load_pipeline

logger = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    pipeline_factory: PipelineFactory = load_pipeline
    _pipeline: FacePipeline | None = None
    _gallery: GalleryCache | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # One per server: its bound on decodes at once holds across every route that decodes.
    decoder: ImageDecoder = field(init=False)

    def __post_init__(self) -> None:
        self.decoder = image_decoder(self.settings)

    @property
    def pipeline(self) -> FacePipeline:
        if self._pipeline is None:
            with self._lock:
                if self._pipeline is None:
                    self._pipeline = self.pipeline_factory(self.settings)
                    logger.info("model pack %s loaded", self._pipeline.identity.key)
        return self._pipeline

    @property
    def gallery(self) -> GalleryCache:
        if self._gallery is None:
            identity = self.pipeline.identity
            self._gallery = GalleryCache(model_key=identity.key, dim=identity.dim)
        return self._gallery

    @property
    def policy(self) -> MatchPolicy:
        return MatchPolicy(
            threshold=self.settings.match.threshold, margin=self.settings.match.margin
        )
