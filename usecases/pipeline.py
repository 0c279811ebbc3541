"""Loading the configured model pack: the server and the kiosk build it the same way."""

from __future__ import annotations

from collections.abc import Callable

from attendance.settings import Settings
from models.packs import FacePipeline, PackOptions, load_pack

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
        second_opinion=m.second_opinion,
    )


def load_pipeline(settings: Settings) -> FacePipeline:
    return load_pack(settings.models.pack, pack_options(settings))
