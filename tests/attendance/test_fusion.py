"""attendance/fusion.py on made-up numbers: the statistics, the close-call band, the fusion of
two models' scores and when the second model is asked. Every FusionRule here is built in the
test, so none depends on the calibration file that ships."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attendance import fusion
from attendance.fusion import (
    MIN_PAIRS,
    FusionRule,
    ScoreStats,
    SecondOpinion,
    fused_result,
    fused_scores,
    impostor_stats,
    on_primary_scale,
    second_scores,
    with_second_opinion,
)
from attendance.gallery import NO_PERSON, Gallery, SearchResult
from attendance.thresholds import ImpostorScores, calibration_for

SFACE = "sface:49f000ec501f+fb143eea0783:128:refine192"  # its calibration ships
PRIMARY_PRIOR = ScoreStats(mean=0.1, std=0.1, pairs=50_000)
SECOND_PRIOR = ScoreStats(mean=0.8, std=0.05, pairs=50_000)


def rule(**changes: float) -> FusionRule:
    """Band edges that are exact in binary, so the edge tests test the edge."""
    fields = {"band_below": 0.125, "band_above": 0.0625, "margin_band": 0.03125, "weight": 0.5}
    fields.update(changes)
    # Strangers' fused z-score: the share reaching z falls ten-fold every 1.25 above 1.
    grid = tuple(float(z) for z in np.arange(1.0, 7.01, 0.5))
    fused = ImpostorScores(
        model_key="fusion-test",
        scores=grid,
        exceed=tuple(0.1 * 10 ** (-(z - 1.0) / 1.25) for z in grid),
        tail_slope=-0.8,
        comparisons=1_000_000,
    )
    return FusionRule(
        primary_key=SFACE,
        second_key="second-test",
        weight=fields["weight"],
        primary_prior=PRIMARY_PRIOR,
        second_prior=SECOND_PRIOR,
        fused=fused,
        band_below=fields["band_below"],
        band_above=fields["band_above"],
        margin_band=fields["margin_band"],
    )


def unit_rows(n: int, dim: int = 8, seed: int = 1) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_impostor_stats_are_the_scores_between_different_people() -> None:
    rows = unit_rows(5)
    gallery = Gallery.of_people(rows, np.array([10, 11, 12, 13, 14]))
    stats = impostor_stats(gallery)
    assert stats is not None
    scores = [float(rows[i] @ rows[j]) for i in range(5) for j in range(i + 1, 5)]
    assert stats.pairs == 10
    assert stats.mean == pytest.approx(np.mean(scores), abs=1e-6)
    assert stats.std == pytest.approx(np.std(scores), abs=1e-6)


def test_impostor_stats_take_each_person_once_and_need_two_people() -> None:
    rows = unit_rows(3)
    # Two photos of person 7: one row of the gallery (their mean), one person.
    two_photos = Gallery.of_people(rows, np.array([7, 7, 8]))
    stats = impostor_stats(two_photos)
    assert stats is not None and stats.pairs == 1
    assert impostor_stats(Gallery.of_people(rows[:1], np.array([7]))) is None
    assert impostor_stats(Gallery.empty(8)) is None


def test_impostor_stats_sample_a_large_gallery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "SAMPLE_PEOPLE", 4)
    stats = impostor_stats(Gallery.of_people(unit_rows(9), np.arange(9)))
    assert stats is not None and stats.pairs == 6  # 4 people sampled of 9


def test_rule_stats_use_the_gallery_only_with_enough_pairs() -> None:
    r = rule()
    small = ScoreStats(mean=0.2, std=0.2, pairs=MIN_PAIRS - 1)
    large = ScoreStats(mean=0.2, std=0.2, pairs=MIN_PAIRS)
    assert r.stats(None, second=False) == PRIMARY_PRIOR
    assert r.stats(None, second=True) == SECOND_PRIOR
    assert r.stats(small, second=False) == PRIMARY_PRIOR
    assert r.stats(small, second=True) == SECOND_PRIOR
    assert r.stats(large, second=False) == large
    assert r.stats(large, second=True) == large


@pytest.mark.parametrize(
    ("mean", "std"), [(0.2, 0.0), (float("nan"), 0.2), (0.2, float("nan")), (0.2, float("inf"))]
)
def test_rule_stats_refuse_a_spread_that_cannot_normalise(mean: float, std: float) -> None:
    broken = ScoreStats(mean=mean, std=std, pairs=MIN_PAIRS * 10)
    assert rule().stats(broken, second=True) == SECOND_PRIOR


@pytest.mark.parametrize(
    ("best", "margin", "close"),
    [
        (0.375, None, True),  # threshold 0.5 - band_below: the lowest close score
        (0.374, None, False),
        (0.5, 0.3, True),
        (0.5624, 0.3, True),  # just under threshold + band_above
        (0.5625, None, False),  # clear of the band, no runner-up
        (0.5625, 0.09374, True),  # ... but hardly ahead of the runner-up
        (0.5625, 0.09375, False),  # policy margin + margin_band: ahead enough
        (0.9, 0.05, True),
        (float("-inf"), None, False),  # no candidate at all
        (float("nan"), None, False),
    ],
)
def test_is_close_at_the_band_edges(best: float, margin: float | None, close: bool) -> None:
    assert rule().is_close(best=best, margin=margin, threshold=0.5, policy_margin=0.0625) is close


def result_of(ids: list[list[int]], scores: list[list[float]]) -> SearchResult:
    return SearchResult(np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float32))


def test_second_scores_are_nan_for_candidates_without_a_second_template() -> None:
    second_rows = unit_rows(2, seed=3)
    gallery = Gallery.of_people(second_rows, np.array([1, 3]))  # person 2 has none
    result = result_of([[9, 9, 9], [1, 2, 3], [3, NO_PERSON, NO_PERSON]], [[0.9] * 3] * 3)
    query = unit_rows(2, seed=4)
    asked = second_scores(result, rows=[1, 2], embeddings=query, gallery=gallery)
    assert asked.rows == (1, 2)
    expect_1, expect_3 = query @ second_rows[0], query @ second_rows[1]
    np.testing.assert_allclose(asked.scores[0, [0, 2]], [expect_1[0], expect_3[0]], atol=1e-6)
    assert math.isnan(asked.scores[0, 1])
    assert asked.scores[1, 0] == pytest.approx(expect_3[1], abs=1e-6)
    assert np.isnan(asked.scores[1, 1:]).all()  # the padding is nobody's


def test_fused_result_reorders_and_keeps_the_unasked() -> None:
    r = rule()
    # Row 0 is asked: SFace prefers 1 over 2 barely; the second model prefers 2 clearly, and
    # person 3 has no second template. Row 1 is not asked.
    result = result_of([[1, 2, 3], [4, 5, NO_PERSON]], [[0.40, 0.38, 0.30], [0.7, 0.2, -np.inf]])
    asked = fusion.SecondScores(
        rows=(0,),
        person_ids=result.person_ids[[0]],
        scores=np.array([[0.80, 0.95, np.nan]], dtype=np.float32),
    )
    out = fused_result(
        result, asked, rule=r, primary_stats=PRIMARY_PRIOR, second_stats=SECOND_PRIOR
    )
    assert out.person_ids[0].tolist() == [2, 1, 3]
    primary = np.array([0.38, 0.40], dtype=np.float32)
    second = np.array([0.95, 0.80], dtype=np.float32)
    z = fused_scores(
        primary, second, primary_stats=PRIMARY_PRIOR, second_stats=SECOND_PRIOR, weight=0.5
    )
    np.testing.assert_allclose(z, [2.8 + 0.5 * 3.0, 3.0 + 0.0], atol=1e-5)
    np.testing.assert_allclose(out.scores[0, :2], on_primary_scale(z, rule=r), atol=1e-6)
    assert out.scores[0, 2] == pytest.approx(0.30)  # no second template: its SFace score
    np.testing.assert_array_equal(out.person_ids[1], result.person_ids[1])
    np.testing.assert_array_equal(out.scores[1], result.scores[1])


def test_on_primary_scale_is_the_primary_score_strangers_reach_as_rarely() -> None:
    r = rule()
    sface = calibration_for(SFACE)
    assert sface is not None
    for z in (1.5, 3.0, 4.5):
        share = r.fused.share_at(z)
        assert on_primary_scale(np.array([z], np.float32), rule=r)[0] == pytest.approx(
            sface.score_at(share), abs=1e-5
        )
    # Monotone: a higher fused score is never a lower primary one.
    lifted = on_primary_scale(np.linspace(0, 8, 33).astype(np.float32), rule=r)
    assert (np.diff(lifted) >= 0).all()


class Asker:
    """The embed callback: records the rows it is asked about, answers real unit vectors."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, rows: list[int]) -> np.ndarray:
        self.calls.append(list(rows))
        return unit_rows(len(rows), seed=5)


def opinion(asker: Asker, counts: list[tuple[int, int]]) -> SecondOpinion:
    return SecondOpinion(
        rule=rule(),
        gallery=Gallery.of_people(unit_rows(3, seed=6), np.array([1, 2, 3])),
        embed=asker,
        primary_stats=PRIMARY_PRIOR,
        second_stats=SECOND_PRIOR,
        counted=lambda asked, searched: counts.append((asked, searched)),
    )


def test_with_second_opinion_asks_about_the_close_rows_only() -> None:
    asker, counts = Asker(), []
    result = result_of(
        [[1, 2], [2, 3], [3, 1], [1, NO_PERSON]],
        [[0.90, 0.10], [0.45, 0.20], [0.20, 0.10], [0.70, -np.inf]],
    )
    # Thresholds 0.5: row 0 clear, row 1 in the band, row 2 far below, row 3 clear alone.
    out = with_second_opinion(
        result, thresholds=[0.5] * 4, policy_margin=0.0625, second=opinion(asker, counts)
    )
    assert asker.calls == [[1]]
    assert counts == [(1, 4)]
    for row in (0, 2, 3):
        np.testing.assert_array_equal(out.scores[row], result.scores[row])
    assert not np.array_equal(out.scores[1], result.scores[1])


def test_with_second_opinion_never_embeds_when_nothing_is_close() -> None:
    asker, counts = Asker(), []
    result = result_of([[1, 2], [3, 1]], [[0.90, 0.10], [0.20, 0.10]])
    out = with_second_opinion(
        result, thresholds=[0.5, 0.5], policy_margin=0.0625, second=opinion(asker, counts)
    )
    assert out is result
    assert asker.calls == []
    assert counts == [(0, 2)]


def test_a_photo_of_many_close_calls_asks_about_the_largest_few_only() -> None:
    """Twenty faces all in the band (rows come largest face first): the second model is asked
    about the first MAX_ASKED, in one call; the rest keep SFace's scores, counted not asked."""
    asker, counts = Asker(), []
    faces = 20
    result = result_of([[1, 2]] * faces, [[0.45, 0.20]] * faces)
    out = with_second_opinion(
        result, thresholds=[0.5] * faces, policy_margin=0.0625, second=opinion(asker, counts)
    )
    assert fusion.MAX_ASKED == 8
    assert asker.calls == [list(range(fusion.MAX_ASKED))]
    assert counts == [(fusion.MAX_ASKED, faces)]
    for row in range(fusion.MAX_ASKED, faces):
        np.testing.assert_array_equal(out.scores[row], result.scores[row])
    assert not np.array_equal(out.scores[0], result.scores[0])
