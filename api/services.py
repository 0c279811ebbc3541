"""What a running server holds: settings, database, the model pipeline and gallery cache."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.metrics import Metrics
from api.web.held_links import HeldLinks
from api.web.pending_photos import PendingPhotos
from attendance.class_photo.slots import AnalysisSlots
from attendance.documents.pages import PageImages
from attendance.documents.store import DocumentStore
from attendance.fusion import FusionRule, ScoreStats, fusion_rule_for
from attendance.gallery_cache import GalleryCache
from attendance.matching import MatchPolicy, kiosk_match_policy, match_policy
from attendance.settings import Settings
from attendance.shared_throttle import SharedAccountLocks, SharedThrottle
from attendance.staff.lockout import AccountLocks
from attendance.throttle import StreamSlots, Throttle
from attendance.voting.master_key import MasterKey
from enrollment.second_templates import count_missing_second
from models.images import ImageDecoder
from models.packs import FacePipeline
from usecases.decoding import image_decoder
from usecases.pipeline import PipelineFactory, load_pipeline, second_opinion_state
from usecases.recognition import Recognizer

logger = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    pipeline_factory: PipelineFactory = load_pipeline
    # Held here, not in module globals: each app (and each test's) counts on its own. The
    # server's are kept in the database (SharedThrottle, SharedAccountLocks): N workers
    # count every failure; stream slots bound this process's own load.
    throttle: Throttle | SharedThrottle = field(default_factory=Throttle)
    streams: StreamSlots = field(default_factory=StreamSlots)
    # Wrong passwords per username, from any address.
    account_locks: AccountLocks | SharedAccountLocks = field(default_factory=AccountLocks)
    # Photos with several faces, while a secretary clicks one (the person page).
    pending_photos: PendingPhotos = field(default_factory=PendingPhotos)
    # Voting links a page just issued, shown once after its redirect (api/web/voting_links).
    held_links: HeldLinks = field(default_factory=HeldLinks)
    # Prometheus metrics (GET /metrics, docs/metrics.md): this app's own registry.
    metrics: Metrics = field(default_factory=Metrics)
    # Pages of stored PDFs drawn for the phone page's viewer (never a delegate's stamped copy).
    page_images: PageImages = field(default_factory=PageImages)
    _pipeline: FacePipeline | None = None
    _gallery: GalleryCache | None = None
    _second_gallery: GalleryCache | None = None
    _master_key: MasterKey | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # One per server: its bound on decodes at once holds across every route that decodes.
    decoder: ImageDecoder = field(init=False)
    # Whole-photo analyses (class photos) at once, server-wide.
    analyses: AnalysisSlots = field(init=False)

    def __post_init__(self) -> None:
        self.decoder = image_decoder(self.settings)
        limits = self.settings.limits
        self.analyses = AnalysisSlots(
            count=limits.analysis_concurrency, wait_seconds=limits.analysis_wait_seconds
        )

    @property
    def documents(self) -> DocumentStore:
        """The folder of meeting documents' files (settings.documents.dir)."""
        return DocumentStore(self.settings.documents.dir)

    @property
    def pipeline(self) -> FacePipeline:
        if self._pipeline is None:
            with self._lock:
                if self._pipeline is None:
                    self._pipeline = self.pipeline_factory(self.settings)
                    logger.info("model pack %s loaded", self._pipeline.identity.key)
                    state = second_opinion_state(self.settings, self._pipeline)
                    logger.info(state.text)
                    self.metrics.second_opinion_enabled(state.on)
        return self._pipeline

    @property
    def gallery(self) -> GalleryCache:
        if self._gallery is None:
            identity = self.pipeline.identity
            self._gallery = GalleryCache(
                model_key=identity.key, dim=identity.dim, on_load=self.metrics.gallery_loaded
            )
        return self._gallery

    @property
    def second_gallery(self) -> GalleryCache | None:
        """The second model's templates (attendance/fusion.py), when the pipeline has one."""
        second = self.pipeline.second
        if second is None:
            return None
        if self._second_gallery is None:
            self._second_gallery = GalleryCache(
                model_key=second.identity.key, dim=second.identity.dim
            )
        return self._second_gallery

    @property
    def fusion(self) -> FusionRule | None:
        """The calibrated fusion of the pipeline's two models; None without a second model or
        without a calibration for the pair (then nothing is fused, as before issue 15)."""
        second = self.pipeline.second
        if second is None:
            return None
        return fusion_rule_for(self.pipeline.identity.key, second.identity.key)

    def warn_missing_second(self) -> None:
        """At start-up, with the second opinion on: a warning when some faces have no template
        of the second model (enrolled while it was off), since SFace alone decides for them."""
        second = self.pipeline.second
        if second is None or self.fusion is None:
            return
        with self.sessions() as session:
            missing = count_missing_second(
                session, primary_key=self.pipeline.identity.key, second_key=second.identity.key
            )
        if missing.faces:
            logger.warning(missing.warning())

    def score_stats(self, session: Session, *, model_key: str, purpose: str) -> ScoreStats | None:
        """How `model_key`'s templates of different people score against each other in the
        whole gallery of `purpose` (attendance.fusion.impostor_stats): what a kiosk's second
        opinion z-normalises with, since a room's few people are too few pairs. Only while
        this server fuses the pair itself (the same statistics its own second opinion uses),
        and only for its two models' keys: None otherwise. From the galleries this server
        already holds, once per gallery version (GalleryCache.stats)."""
        if self.fusion is None:
            return None
        for cache in (self.gallery, self.second_gallery):
            if cache is not None and cache.model_key == model_key:
                return cache.stats(cache.get(session, purpose=purpose), purpose=purpose)
        return None

    @property
    def master_key(self) -> MasterKey:
        """Secret ballots' master key; its file is read (or created) by the first that needs it."""
        if self._master_key is None:
            with self._lock:
                if self._master_key is None:
                    self._master_key = MasterKey.from_settings(self.settings)
        return self._master_key

    @property
    def policy(self) -> MatchPolicy:
        return match_policy(self.settings.match, model_key=self.pipeline.identity.key)

    @property
    def kiosk_policy(self) -> MatchPolicy:
        """The rule kiosks decide by (they look many times: a stricter rate per look)."""
        return kiosk_match_policy(self.settings, model_key=self.pipeline.identity.key)

    @property
    def recognizer(self) -> Recognizer:
        return Recognizer(
            pipeline=self.pipeline,
            gallery=self.gallery,
            policy=self.policy,
            top_k=self.settings.match.top_k,
            max_faces=self.settings.limits.max_faces_per_photo,
            timed=self.metrics.recognized,
            fusion=self.fusion,
            second_gallery=self.second_gallery,
            second_counted=self.metrics.second_opinion_counted,
            second_timed=self.metrics.second_opinion_timed,
        )
