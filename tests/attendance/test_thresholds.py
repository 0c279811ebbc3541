"""Thresholds that follow the number of people searched, from a model's calibration."""

from __future__ import annotations

import itertools
import json
from importlib import resources

import numpy as np
import pytest

from attendance.gallery import NO_PERSON, SearchResult
from attendance.matching import Decision, MatchPolicy, decide, match_policy
from attendance.review.service import needs_review
from attendance.settings import KioskSettings, MatchSettings
from attendance.thresholds import ImpostorScores, ThresholdRule, calibration_for

# One comparison with a stranger reaches 0.30 one time in a hundred, and ten times less
# often every 0.05 beyond: 0.35 at 1e-3, 0.40 at 1e-4, 0.45 at 1e-5 (the last grid score).
SYNTHETIC = ImpostorScores(
    model_key="test:1",
    scores=(0.30, 0.35, 0.40, 0.45),
    exceed=(1e-2, 1e-3, 1e-4, 1e-5),
    tail_slope=-20.0,
    comparisons=1_000_000,
)
DEFAULT_KEY = "sface:49f000ec501f+fb143eea0783:128:refine192"


def test_the_score_for_a_share_interpolates_on_the_grid_and_extrapolates_past_it() -> None:
    assert SYNTHETIC.score_at(1e-3) == pytest.approx(0.35)
    assert SYNTHETIC.score_at(10**-3.5) == pytest.approx(0.375)
    assert SYNTHETIC.score_at(1e-6) == pytest.approx(0.45 + 1 / 20)
    assert SYNTHETIC.score_at(0.5) == pytest.approx(0.30)


def test_a_larger_search_needs_a_higher_threshold_for_the_same_false_accepts() -> None:
    rule = ThresholdRule(fpir=0.01, calibration=SYNTHETIC)
    sizes = [1, 10, 100, 1000, 10_000]
    thresholds = [rule.for_size(n) for n in sizes]
    assert thresholds == sorted(thresholds) and len(set(thresholds)) == len(sizes)
    # One person: the per-comparison rate is the FPIR itself. A hundred: about 1e-4.
    assert thresholds[0] == pytest.approx(0.30, abs=1e-3)
    assert thresholds[2] == pytest.approx(0.40, abs=2e-3)


def test_a_fixed_threshold_holds_for_every_size_and_no_calibration_falls_back() -> None:
    fixed = ThresholdRule(fpir=0.01, calibration=SYNTHETIC, fixed=0.55)
    assert {fixed.for_size(n) for n in (1, 50, 5000)} == {0.55}
    assert not fixed.size_aware
    bare = ThresholdRule(fpir=0.01)
    assert bare.for_size(10) == bare.for_size(10_000) == bare.fallback


def test_the_shipped_calibration_gives_the_thresholds_measured_on_lfw() -> None:
    calibration = calibration_for(DEFAULT_KEY)
    assert calibration is not None
    one_percent = ThresholdRule(fpir=0.01, calibration=calibration)
    # FPIR 1% against the 826 people of lfw-dev was 0.476 when measured directly.
    assert one_percent.for_size(826) == pytest.approx(0.476, abs=0.01)
    assert one_percent.for_size(10) < 0.40 < one_percent.for_size(200) < 0.476
    assert calibration_for("another-model") is None


def test_every_shipped_calibration_descends_and_names_its_model() -> None:
    files = [
        f
        for f in resources.files("attendance.calibration").iterdir()
        # fusion-*.json: a fusion rule, its fused scores' calibration tested in
        # tests/attendance/test_fusion_calibration.py
        if f.name.endswith(".json") and not f.name.startswith("fusion-")
    ]
    assert files
    for entry in files:
        data = json.loads(entry.read_text(encoding="utf-8"))
        exceed = data["exceed"]
        assert data["model_key"] and data["tail_slope"] < 0
        assert len(exceed) == len(data["scores"]) > 10, entry.name
        assert all(a > b for a, b in itertools.pairwise(exceed)), entry.name
        assert all(a < b for a, b in itertools.pairwise(data["scores"])), entry.name


def one_face(*candidates: tuple[int, float]) -> SearchResult:
    ids = np.full((1, 4), NO_PERSON, np.int64)
    scores = np.full((1, 4), -np.inf, np.float32)
    for j, (person, score) in enumerate(sorted(candidates, key=lambda c: -c[1])):
        ids[0, j], scores[0, j] = person, score
    return SearchResult(ids, scores)


ROOM_POLICY = MatchPolicy(
    threshold=0.5, margin=0.05, rule=ThresholdRule(fpir=0.01, calibration=SYNTHETIC)
)


def test_a_roster_member_needs_the_rooms_threshold_and_anyone_else_the_whole_gallerys() -> None:
    roster = set(range(1, 11))  # ten invited among ten thousand enrolled
    room, everyone = (ROOM_POLICY.threshold_for(n) for n in (10, 10_000))
    assert room < 0.40 < everyone
    (member,) = decide(
        one_face((3, 0.40), (77, 0.1)), ROOM_POLICY, roster=roster, gallery_size=10_000
    )
    assert member.decision is Decision.MATCH and member.person_id == 3
    assert member.threshold == pytest.approx(room)
    (stranger,) = decide(
        one_face((77, 0.40), (3, 0.1)), ROOM_POLICY, roster=roster, gallery_size=10_000
    )
    assert stranger.decision is Decision.UNKNOWN and stranger.threshold == pytest.approx(everyone)


def test_someone_else_more_alike_than_the_invitee_makes_it_a_close_call() -> None:
    # The uninvited person is under the whole gallery's threshold, but more alike than the
    # invitee who clears the room's: a person decides, not the rule.
    (d,) = decide(one_face((3, 0.40), (77, 0.45)), ROOM_POLICY, roster={3, 4}, gallery_size=10_000)
    assert d.decision is Decision.AMBIGUOUS and d.candidate_id == 3


def test_the_grey_zone_follows_the_rooms_size_and_rate() -> None:
    # Under a size-aware threshold the review queue's zone reaches down to the threshold for
    # twice the rate, not a fixed 0.08: below a room's low threshold a fixed band caught 7% of
    # strangers (a tester's 500 faces against a roster of 14).
    roster = {3, 4}
    room, floor = ROOM_POLICY.threshold_for(2), ROOM_POLICY.review_floor_for(2)
    assert room - 0.08 < floor < room
    (inside,) = decide(
        one_face((3, (floor + room) / 2)), ROOM_POLICY, roster=roster, gallery_size=5000
    )
    assert inside.decision is Decision.UNKNOWN and inside.review_floor == pytest.approx(floor)
    assert needs_review(inside, threshold=0.5, roster=roster)
    (below,) = decide(one_face((3, floor - 0.005)), ROOM_POLICY, roster=roster, gallery_size=5000)
    assert not needs_review(below, threshold=0.5, roster=roster)
    # A fixed threshold keeps the fixed band.
    fixed = MatchPolicy(threshold=0.5, margin=0.05)
    assert fixed.review_floor_for(2) == pytest.approx(0.42)


def test_the_policy_from_settings_is_size_aware_unless_a_threshold_is_set() -> None:
    aware = match_policy(MatchSettings(), model_key=DEFAULT_KEY)
    assert aware.threshold_for(10) < aware.threshold_for(1000)
    fixed = match_policy(MatchSettings(threshold=0.6), model_key=DEFAULT_KEY)
    assert fixed.threshold_for(10) == fixed.threshold_for(1000) == 0.6
    unknown = match_policy(MatchSettings(), model_key="another-model")
    assert unknown.threshold_for(10) == unknown.threshold_for(1000) == pytest.approx(0.476)


def test_a_kiosk_which_looks_many_times_decides_at_a_stricter_rate() -> None:
    # A stranger walking past a kiosk is judged in tens of frames: KioskSettings.fpir (0.1%)
    # per look instead of a photo's 1% (docs/benchmarks.md, kiosk decisions).
    photo = match_policy(MatchSettings(), model_key=DEFAULT_KEY)
    kiosk = match_policy(MatchSettings(), model_key=DEFAULT_KEY, fpir=KioskSettings().fpir)
    for people in (5, 22, 200):
        assert kiosk.threshold_for(people) > photo.threshold_for(people) + 0.03
