"""The second opinion in server-side recognition (usecases/recognition.py), on real models and
real LFW photos: dlib is asked about the close call only, its fused score lands on the SFace
scale, and with the second opinion off nothing differs from SFace alone."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pytest
from second_opinion_support import (
    CLEAR,
    CLOSE,
    HAVE_LFW,
    NO_LFW,
    enroll_both,
    lfw_enrolment,
    made_rule,
    side_by_side,
)
from sqlalchemy.orm import Session

from attendance.fusion import fused_scores, fusion_rule_for, on_primary_scale
from attendance.gallery_cache import GalleryCache
from attendance.matching import Decision, match_policy
from attendance.recognition import IdentifiedFace
from attendance.settings import MatchSettings, ModelSettings, Settings
from models import dlib_embedder
from models.images import DecodedImage
from models.packs import FacePipeline
from usecases.pipeline import second_opinion_state
from usecases.recognition import Recognizer, recognize

pytestmark = [pytest.mark.skipif(not HAVE_LFW, reason=NO_LFW), pytest.mark.slow]


@pytest.fixture
def both(second_pipeline: FacePipeline) -> FacePipeline:
    pipeline = second_pipeline
    if pipeline.second is None:
        pytest.skip("dlib-bin and face-recognition-models are not installed (the accurate extra)")
    return pipeline


@dataclass
class Counts:
    searches: list[tuple[int, int]] = field(default_factory=list)  # (asked, searched)
    second_calls: list[float] = field(default_factory=list)  # seconds of each dlib call


def recognizer(pipeline: FacePipeline, counts: Counts, *, fused: bool = True) -> Recognizer:
    """As api/services.py builds it, with the rule of tests/api/second_opinion_support.py."""
    second = pipeline.second
    return Recognizer(
        pipeline=pipeline,
        gallery=GalleryCache(model_key=pipeline.identity.key, dim=pipeline.identity.dim),
        policy=match_policy(MatchSettings(), model_key=pipeline.identity.key),
        fusion=made_rule(pipeline.identity.key, second.identity.key) if second and fused else None,
        second_gallery=(
            GalleryCache(model_key=second.identity.key, dim=second.identity.dim) if second else None
        ),
        second_counted=lambda asked, searched: counts.searches.append((asked, searched)),
        second_timed=counts.second_calls.append,
    )


def run(session: Session, found: Recognizer, pixels: np.ndarray) -> list[IdentifiedFace]:
    image = DecodedImage(pixels=pixels, scale=1.0)
    faces = recognize(session, recognizer=found, image=image, meeting_id=None)
    return sorted(faces, key=lambda f: f.box[0])  # left to right: the photos' order


def test_only_the_close_call_is_asked_and_its_score_is_fused(
    session: Session, both: FacePipeline
) -> None:
    ids = enroll_both(session, both)
    counts = Counts()
    photo = side_by_side(CLOSE, CLEAR)
    close, clear = run(session, recognizer(both, counts), photo)
    plain_close, plain_clear = run(session, recognizer(both, Counts(), fused=False), photo)

    assert counts.searches == [(1, 2)]  # two faces searched, one asked about
    assert len(counts.second_calls) == 1
    # The clear match is SFace's alone, to the last digit.
    assert clear.decision == plain_clear.decision
    assert clear.decision.decision is Decision.MATCH
    assert clear.person is not None and clear.person.id == ids["Tariq_Aziz"]
    # The close call: below the threshold for SFace alone, by little.
    threshold = plain_close.decision.threshold
    assert plain_close.candidate is not None and plain_close.candidate.id == ids["Saddam_Hussein"]
    assert threshold is not None and plain_close.decision.similarity is not None
    assert threshold - 0.08 <= plain_close.decision.similarity < threshold
    # Fused: the same candidate, scored as the fusion says, on SFace's scale.
    assert close.candidate is not None and close.candidate.id == ids["Saddam_Hussein"]
    assert close.decision.similarity == pytest.approx(expected_fused(both, photo), abs=1e-4)
    # dlib agrees with SFace about him (0.90, two spreads above strangers): more sure.
    assert close.decision.similarity > plain_close.decision.similarity
    matched = close.decision.similarity >= threshold
    assert (close.decision.decision is Decision.MATCH) is matched


def expected_fused(pipeline: FacePipeline, photo: np.ndarray) -> float:
    """The close face's fused score, from the enrolled embeddings themselves."""
    assert pipeline.second is not None
    enrolment = lfw_enrolment(pipeline)
    row = enrolment.names.index("Saddam_Hussein")
    face = min(pipeline.detect(photo), key=lambda f: f.box[0])
    primary = float(pipeline.embed(photo, [face])[0] @ enrolment.primary[row])
    second = float(pipeline.embed_second(photo, [face])[0] @ enrolment.second[row])
    rule = made_rule(pipeline.identity.key, pipeline.second.identity.key)
    z = fused_scores(
        np.array([primary], np.float32),
        np.array([second], np.float32),
        primary_stats=rule.primary_prior,  # 40 people: 780 pairs, fewer than MIN_PAIRS
        second_stats=rule.second_prior,
        weight=rule.weight,
    )
    return float(on_primary_scale(z, rule=rule)[0])


def test_a_clear_photo_never_runs_the_second_model(session: Session, both: FacePipeline) -> None:
    ids = enroll_both(session, both)
    counts = Counts()
    (face,) = run(session, recognizer(both, counts), side_by_side(CLEAR))
    assert counts.searches == [(0, 1)]
    assert counts.second_calls == []
    assert face.person is not None and face.person.id == ids["Tariq_Aziz"]


def test_second_opinion_off_is_sface_alone(session: Session, both: FacePipeline) -> None:
    """ATTEND_MODELS__SECOND_OPINION=off loads no second model (models/packs.load_second):
    no fusion, nothing counted, every score SFace's."""
    enroll_both(session, both)
    off = replace(both, second=None)
    settings = Settings(db_url="sqlite://", models=ModelSettings(second_opinion="off"))
    state = second_opinion_state(settings, off)
    assert not state.on and "ATTEND_MODELS__SECOND_OPINION=off" in state.text
    counts = Counts()
    found = recognizer(off, counts)
    assert not found.has_second_opinion
    photo = side_by_side(CLOSE, CLEAR)
    faces = run(session, found, photo)
    plain = run(session, recognizer(both, Counts(), fused=False), photo)
    assert counts == Counts()
    assert [f.decision for f in faces] == [f.decision for f in plain]
    assert faces[0].decision.decision is not Decision.MATCH  # SFace alone misses him


def test_second_opinion_state_says_what_is_on(both: FacePipeline) -> None:
    assert both.second is not None
    settings = Settings(db_url="sqlite://")
    state = second_opinion_state(settings, both)
    if fusion_rule_for(both.identity.key, both.second.identity.key) is None:
        assert not state.on and "no fusion calibration" in state.text
    else:
        assert state.on and both.second.identity.key in state.text
        assert "public domain" in state.text and "Boost" in state.text


def test_second_opinion_state_says_what_to_install(
    both: FacePipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dlib_embedder, "available", lambda: False)
    state = second_opinion_state(Settings(db_url="sqlite://"), replace(both, second=None))
    assert not state.on
    assert "packages not installed: pip install -e '.[accurate]'" in state.text
    assert state.text.startswith("ý kiến thứ hai: tắt")  # Vietnamese first
