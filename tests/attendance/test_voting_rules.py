"""Majority and quorum rules on their boundaries: exactly half, exactly two thirds, ties."""

from __future__ import annotations

from fractions import Fraction

import pytest

from attendance.errors import Invalid
from attendance.voting.outcome import Counts, OptionCount, Outcome, decide
from attendance.voting.rules import Quorum, parse_fraction


def motion(yes: int, no: int, abstain: int, *, members: int = 10, present: int = 10) -> Counts:
    return Counts(
        options=[
            OptionCount(1, "Đồng ý", "yes", yes),
            OptionCount(2, "Không đồng ý", "no", no),
            OptionCount(3, "Không biểu quyết", "abstain", abstain),
        ],
        ballots=yes + no + abstain,
        abstained=abstain,
        members=members,
        present=present,
    )


def run(
    counts: Counts,
    *,
    base: str = "members",
    majority: str = "absolute",
    fraction: Fraction = Fraction(1, 2),
    abstentions_in_base: bool = True,
    quorum: Fraction = Fraction(1, 2),
    kind: str = "motion",
    seats: int = 1,
) -> Outcome:
    return decide(
        kind=kind,
        base=base,
        majority=majority,
        fraction=fraction,
        abstentions_in_base=abstentions_in_base,
        seats=seats,
        counts=counts,
        quorum=Quorum(members=counts.members, present=counts.present, fraction=quorum),
    )


def test_absolute_majority_fails_at_exactly_half_and_passes_one_above() -> None:
    assert run(motion(5, 5, 0)).passed is False
    assert run(motion(6, 4, 0)).passed is True
    assert run(motion(6, 4, 0)).needed == 6


def test_two_thirds_passes_at_exactly_two_thirds() -> None:
    assert run(motion(6, 3, 0, members=9), majority="two_thirds").passed is True
    assert run(motion(5, 4, 0, members=9), majority="two_thirds").passed is False
    # 2/3 of 10 is 6.67: seven votes are needed.
    assert run(motion(6, 4, 0), majority="two_thirds").passed is False
    assert run(motion(7, 3, 0), majority="two_thirds").passed is True


def test_simple_majority_needs_more_for_than_against() -> None:
    assert run(motion(3, 3, 4), majority="simple").passed is False
    assert run(motion(4, 3, 3), majority="simple").passed is True
    assert run(motion(4, 3, 3), majority="simple").needed is None


def test_custom_fraction_is_at_least_that_share_of_the_base() -> None:
    three_fifths = Fraction(3, 5)
    assert run(motion(6, 4, 0), majority="custom", fraction=three_fifths).passed is True
    assert run(motion(5, 5, 0), majority="custom", fraction=three_fifths).passed is False


def test_abstentions_in_and_out_of_a_cast_base() -> None:
    counts = motion(5, 2, 3)
    inside = run(counts, base="cast", abstentions_in_base=True)
    outside = run(counts, base="cast", abstentions_in_base=False)
    assert (inside.base, inside.passed) == (10, False)  # 5 of 10 is not more than half
    assert (outside.base, outside.passed) == (7, True)  # 5 of 7 is
    assert "không tính phiếu trắng" in outside.reason_vi


def test_present_base_counts_members_present() -> None:
    counts = motion(4, 1, 1, members=20, present=7)
    third = Fraction(1, 3)
    assert run(counts, base="present", quorum=third).base == 7
    assert run(counts, base="present", quorum=third).passed is True  # 4 of 7
    assert run(counts, base="members", quorum=third).passed is False  # 4 of 20


def test_quorum_fails_below_and_holds_at_the_fraction() -> None:
    at = run(motion(5, 0, 0, members=10, present=5), base="cast")
    below = run(motion(4, 0, 0, members=10, present=4), base="cast")
    assert at.passed is True
    assert below.passed is False
    assert "không đủ số lượng" in below.reason_vi
    assert "quorum not met" in below.reason_en
    two_thirds = Quorum(members=10, present=6, fraction=Fraction(2, 3))
    assert (two_thirds.required, two_thirds.met) == (7, False)


def test_reason_states_the_numbers() -> None:
    outcome = run(motion(6, 3, 1))
    assert outcome.reason_vi == (
        "Thông qua: tán thành 6 trên 10 (tổng số đại biểu), cần ít nhất 6 phiếu."
    )
    assert outcome.reason_en == "Passed: for 6 of 10 (all members), needs at least 6 votes."


def candidates(*votes: int, members: int = 10) -> Counts:
    options = [OptionCount(i + 1, f"Ứng viên {i + 1}", "choice", v) for i, v in enumerate(votes)]
    return Counts(options, ballots=members, abstained=0, members=members, present=members)


def test_election_fills_seats_by_votes_above_the_threshold() -> None:
    outcome = run(candidates(8, 7, 3), kind="election", seats=2, base="cast")
    assert outcome.passed is True
    assert outcome.winners == [1, 2]


def test_election_tie_for_the_last_seat_elects_neither() -> None:
    outcome = run(candidates(8, 6, 6), kind="election", seats=2, base="cast")
    assert outcome.passed is False
    assert outcome.winners == [1]
    assert "bỏ phiếu lại" in outcome.reason_vi


def test_candidate_below_absolute_majority_is_not_elected() -> None:
    outcome = run(candidates(6, 5, 5), kind="election", seats=2, base="cast")
    assert outcome.winners == [1]
    assert outcome.passed is False


def test_custom_options_with_a_simple_majority_pick_the_most_votes_and_refuse_ties() -> None:
    assert run(candidates(4, 3, 3), majority="simple").winners == [1]
    tie = run(candidates(4, 4, 2), majority="simple")
    assert (tie.passed, tie.winners) == (False, [])


def test_opinion_collection_decides_nothing() -> None:
    counts = Counts([], ballots=0, abstained=0, members=10, present=10)
    assert run(counts, kind="opinion").passed is None


@pytest.mark.parametrize(
    ("text", "value"), [("2/3", Fraction(2, 3)), ("0.6", Fraction(3, 5)), ("60%", Fraction(3, 5))]
)
def test_fractions_are_read_as_written(text: str, value: Fraction) -> None:
    assert parse_fraction(text, field="quorum") == value


@pytest.mark.parametrize("text", ["", "abc", "3/2", "-1/2", "1/0"])
def test_bad_fractions_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(Invalid):
        parse_fraction(text, field="quorum")


def test_nothing_passes_on_no_votes_even_when_the_base_is_empty() -> None:
    everyone_abstained = motion(0, 0, 3)
    for majority in ("absolute", "two_thirds", "custom"):
        outcome = run(everyone_abstained, base="cast", majority=majority, abstentions_in_base=False)
        assert (outcome.base, outcome.passed, outcome.needed) == (0, False, 1)
    assert run(motion(0, 0, 0), base="cast", majority="two_thirds").passed is False


def test_a_zero_majority_fraction_is_refused_but_a_zero_quorum_is_allowed() -> None:
    assert parse_fraction("0", field="quorum") == 0
    with pytest.raises(Invalid):
        parse_fraction("0", field="majority_fraction", allow_zero=False)
    with pytest.raises(Invalid):
        parse_fraction("1e-99999999", field="quorum")
