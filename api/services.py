"""What a running server holds: settings, database, the model pipeline and gallery cache."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attendance.gallery_cache import GalleryCache
from attendance.matching import MatchPolicy
from attendance.settings import Settings
from models.packs import FacePipeline, PackOptions, load_pack

logger = logging.getLogger(__name__)

PipelineFactory = Callable[[Settings], FacePipeline]


def pack_options(settings: Settings) -> PackOptions:
    m = settings.models
    return PackOptions(
        models_dir=m.dir,
        cache_dir=m.cache_dir,
        max_side=m.max_side,
        score_threshold=m.det_score,
        flip=m.flip,
        threads=m.threads,
        refine_size=m.refine_size,
    )


def load_pipeline(settings: Settings) -> FacePipeline:
    return load_pack(settings.models.pack, pack_options(settings))


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    pipeline_factory: PipelineFactory = load_pipeline
    _pipeline: FacePipeline | None = None
    _gallery: GalleryCache | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
