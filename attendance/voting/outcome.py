"""Turn a closed poll's counts into passed or not, and why, in numbers (Vietnamese, English)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from attendance.voting.rules import BASE_TEXT, Quorum, Threshold, base_size, threshold


@dataclass(frozen=True)
class OptionCount:
    option_id: int
    label: str
    role: str  # yes | no | abstain | choice
    votes: int


@dataclass(frozen=True)
class Outcome:
    passed: bool | None  # None: an opinion collection decides nothing
    reason_vi: str
    reason_en: str
    base: int
    needed: int | None  # the smallest count that passes; None for a simple majority
    winners: list[int] = field(default_factory=list)  # option ids adopted or elected


@dataclass(frozen=True)
class Counts:
    options: list[OptionCount]
    ballots: int
    abstained: int
    members: int
    present: int


def decide(
    *,
    kind: str,
    base: str,
    majority: str,
    fraction: Fraction,
    abstentions_in_base: bool,
    seats: int,
    counts: Counts,
    quorum: Quorum,
) -> Outcome:
    size = base_size(
        base,
        cast=counts.ballots,
        present=counts.present,
        members=counts.members,
        abstained=counts.abstained,
        abstentions_in=abstentions_in_base,
    )
    rule = threshold(majority, fraction, size)
    needed = None if rule is None else rule.minimum()
    if kind == "opinion":
        return Outcome(
            None, "Lấy ý kiến, không biểu quyết.", "Opinion collection, no vote.", size, None
        )
    if not quorum.met:
        vi, en = quorum.text()
        return Outcome(False, f"Không thông qua: {vi}.", f"Not passed: {en}.", size, needed)
    base_vi, base_en = BASE_TEXT[base]
    of_vi = f"trên {size} ({base_vi}{'' if abstentions_in_base else ', không tính phiếu trắng'})"
    of_en = f"of {size} ({base_en}{'' if abstentions_in_base else ', abstentions excluded'})"
    yes = [o for o in counts.options if o.role == "yes"]
    if yes:
        return _motion(yes[0], counts, rule, needed, size, of_vi, of_en)
    return _choices(kind, counts, rule, needed, size, seats, of_vi, of_en)


def _motion(
    yes: OptionCount,
    counts: Counts,
    rule: Threshold | None,
    needed: int | None,
    size: int,
    of_vi: str,
    of_en: str,
) -> Outcome:
    no = sum(o.votes for o in counts.options if o.role == "no")
    if rule is None:
        passed = yes.votes > no
        sign = ">" if passed else "≤"
        vi = f"tán thành {yes.votes} {sign} không tán thành {no} (đa số tương đối)"
        en = f"for {yes.votes} {sign} against {no} (simple majority)"
    else:
        passed = rule.met(yes.votes)
        need_vi, need_en = rule.text()
        vi = f"tán thành {yes.votes} {of_vi}, {need_vi}"
        en = f"for {yes.votes} {of_en}, {need_en}"
    if passed:
        return Outcome(True, f"Thông qua: {vi}.", f"Passed: {en}.", size, needed, [yes.option_id])
    return Outcome(False, f"Không thông qua: {vi}.", f"Not passed: {en}.", size, needed)


def _choices(
    kind: str,
    counts: Counts,
    rule: Threshold | None,
    needed: int | None,
    size: int,
    seats: int,
    of_vi: str,
    of_en: str,
) -> Outcome:
    seats = seats if kind == "election" else 1
    ranked = sorted(
        (o for o in counts.options if o.role == "choice" and o.votes > 0),
        key=lambda o: -o.votes,
    )
    qualified = [o for o in ranked if rule is None or rule.met(o.votes)]
    winners = qualified[:seats]
    tied = [o for o in qualified[seats:] if winners and o.votes == winners[-1].votes]
    if tied:  # a tie across the last seat: none of the tied is chosen, another round decides
        last = winners[-1].votes
        winners = [o for o in winners if o.votes > last]
    need_vi, need_en = rule.text() if rule else ("nhiều phiếu nhất", "the most votes")
    names = ", ".join(f"{o.label} ({o.votes})" for o in winners) or "—"
    tie_vi = "; có phiếu bằng nhau, cần bỏ phiếu lại" if tied else ""
    tie_en = "; tied votes, another round is needed" if tied else ""
    passed = len(winners) == seats
    verb_vi = "trúng cử" if kind == "election" else "được chọn"
    verb_en = "elected" if kind == "election" else "chosen"
    vi = f"{verb_vi} {len(winners)}/{seats}: {names} ({need_vi}, {of_vi}){tie_vi}"
    en = f"{verb_en} {len(winners)}/{seats}: {names} ({need_en}, {of_en}){tie_en}"
    head_vi, head_en = ("Kết quả", "Result") if passed else ("Chưa đủ", "Not complete")
    return Outcome(
        passed,
        f"{head_vi}: {vi}.",
        f"{head_en}: {en}.",
        size,
        needed,
        [o.option_id for o in winners],
    )
