"""Loading the configured model pack: the server and the kiosk build it the same way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from attendance.fusion import fusion_rule_for
from attendance.settings import Settings
from models import dlib_embedder
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
        second_opinion=m.second_opinion,
    )


def load_pipeline(settings: Settings) -> FacePipeline:
    """The configured pack; its second model is let go when no fusion rule ships for the
    pair (e.g. after ATTEND_MODELS__REFINE_SIZE or __FLIP changed the SFace identity):
    nothing would read its scores, so enrollment must not store its templates either.
    Decided here, as models/ does not know attendance/'s calibrations."""
    pipeline = load_pack(settings.models.pack, pack_options(settings))
    second = pipeline.second
    if second is not None and fusion_rule_for(pipeline.identity.key, second.identity.key) is None:
        pipeline.second = None  # its ~170 MB are freed with the last reference
        log = logger.warning if settings.models.second_opinion == "on" else logger.info
        log(
            "second model %s not used: no fusion calibration for %s + %s "
            "(enrollment stores no second templates)",
            second.identity.key,
            pipeline.identity.key,
            second.identity.key,
        )
    return pipeline


@dataclass(frozen=True)
class SecondOpinionState:
    """Whether server-side recognition asks a second model about close calls, and why not."""

    on: bool
    text: str  # Vietnamese first, then English: the CLI prints it, the log records it


def second_opinion_state(settings: Settings, pipeline: FacePipeline) -> SecondOpinionState:
    """What `attendance models verify` and the server's start-up log say about the cascade
    (attendance/fusion.py): on with its identity and licence, or off and why."""
    second = pipeline.second
    if second is None:
        if settings.models.second_opinion == "off":
            why = (
                "tắt bởi ATTEND_MODELS__SECOND_OPINION=off / "
                "turned off by ATTEND_MODELS__SECOND_OPINION=off"
            )
        elif not dlib_embedder.available():
            why = f"chưa cài các gói / packages not installed: {dlib_embedder.INSTALL_HINT}"
        elif settings.models.pack != "sface":
            why = (
                f"gói {settings.models.pack} không có ý kiến thứ hai (chỉ gói sface) / "
                f"the {settings.models.pack} pack has none (only the sface pack)"
            )
        else:
            # dlib did not load (why_missing says why), or load_pipeline dropped it: no fusion
            # calibration for this variant of the pack (its log says which).
            reason = dlib_embedder.why_missing() or (
                f"chưa có hiệu chuẩn hợp nhất cho {pipeline.identity.key} + dlib / "
                f"no fusion calibration for {pipeline.identity.key} + dlib"
            )
            why = f"mô hình thứ hai không dùng được / the second model is not in use: {reason}"
        return SecondOpinionState(False, f"ý kiến thứ hai: tắt / second opinion: off: {why}")
    rule = fusion_rule_for(pipeline.identity.key, second.identity.key)
    if rule is None:
        return SecondOpinionState(
            False,
            "ý kiến thứ hai: tắt, chưa có hiệu chuẩn hợp nhất cho cặp mô hình này / "
            "second opinion: off, no fusion calibration for "
            f"{pipeline.identity.key} + {second.identity.key}",
        )
    return SecondOpinionState(
        True,
        f"ý kiến thứ hai: bật / second opinion: on: {second.identity.key} "
        f"({rule.key}, band -{rule.band_below:g}/+{rule.band_above:g}); "
        f"{dlib_embedder.LICENCE_NOTE}",
    )
