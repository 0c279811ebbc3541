"""Majority and quorum rules as pure arithmetic: a poll's counts in, passed or not and why out.

Definitions (the result explains them in numbers each time):
- base: ballots cast, voting members present (in person or by proxy), or all voting members;
  with `abstentions_in_base` off, ballots that abstained are taken out of the base.
- majority: "simple" needs more for than against (the base does not matter); "absolute"
  more than half of the base; "two_thirds" at least two thirds of it; "custom" at least the
  given fraction of it. For options and elections the count of each option is compared.
- quorum: at least the given fraction of all voting members present (in person or by proxy).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from attendance.errors import Invalid

BASES = ("cast", "present", "members")
MAJORITIES = ("simple", "absolute", "two_thirds", "custom")
BASE_TEXT = {
    "cast": ("số phiếu biểu quyết", "ballots cast"),
    "present": ("số đại biểu có mặt", "members present"),
    "members": ("tổng số đại biểu", "all members"),
}


# Plain forms only: Fraction() also reads exponents, and "1e-99999999" takes minutes.
_FRACTION = re.compile(r"(\d{1,4})/(\d{1,4})|(\d{1,4}(?:\.\d{1,4})?)(%?)")


def parse_fraction(value: str, *, field: str, allow_zero: bool = True) -> Fraction:
    """'2/3', '0.6' or '60%' -> a fraction in [0, 1] ((0, 1] without `allow_zero`)."""
    match = _FRACTION.fullmatch(value.strip())
    if match is None or match.group(2) == "0":
        raise Invalid(
            f"'{value[:20]}' không phải là một tỉ lệ (ví dụ 2/3 hoặc 0.6). "
            f"'{value[:20]}' is not a fraction (e.g. 2/3 or 0.6) for {field}.",
            code="INVALID_FRACTION",
        )
    top, bottom, decimal, percent = match.groups()
    if top is not None:
        fraction = Fraction(int(top), int(bottom))
    else:
        fraction = Fraction(decimal) / (100 if percent else 1)
    if not (0 if allow_zero else Fraction(1, 10_000)) <= fraction <= 1:
        lowest = "0" if allow_zero else "lớn hơn 0"
        raise Invalid(
            f"Tỉ lệ {field} phải từ {lowest} đến 1. {field} must be between "
            f"{'0' if allow_zero else 'above 0'} and 1.",
            code="INVALID_FRACTION",
        )
    return fraction


@dataclass(frozen=True)
class Threshold:
    """How many votes an option needs: more than `votes`, or at least it."""

    votes: Fraction
    strict: bool

    def met(self, count: int) -> bool:
        return count >= self.minimum()

    def minimum(self) -> int:
        """The smallest whole count that meets it; never zero: nothing passes on no votes."""
        least = math.floor(self.votes) + 1 if self.strict else math.ceil(self.votes)
        return max(1, least)

    def text(self) -> tuple[str, str]:
        n = self.minimum()
        return f"cần ít nhất {n} phiếu", f"needs at least {n} votes"


def threshold(majority: str, fraction: Fraction, base: int) -> Threshold | None:
    """None for the simple majority, which compares options rather than a share of the base."""
    if majority == "simple":
        return None
    if majority == "absolute":
        return Threshold(Fraction(base, 2), strict=True)
    if majority == "two_thirds":
        return Threshold(Fraction(2 * base, 3), strict=False)
    return Threshold(fraction * base, strict=False)


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int  # in person or represented by a present proxy holder
    fraction: Fraction

    @property
    def required(self) -> int:
        return math.ceil(self.fraction * self.members)

    @property
    def met(self) -> bool:
        return self.present >= self.required

    def text(self) -> tuple[str, str]:
        word_vi = "đủ" if self.met else "không đủ"
        word_en = "met" if self.met else "not met"
        return (
            f"có mặt {self.present}/{self.members} đại biểu, cần {self.required}: "
            f"{word_vi} số lượng",
            f"{self.present} of {self.members} members present, {self.required} needed: "
            f"quorum {word_en}",
        )


def base_size(
    base: str, *, cast: int, present: int, members: int, abstained: int, abstentions_in: bool
) -> int:
    size = {"cast": cast, "present": present, "members": members}[base]
    return size if abstentions_in else max(0, size - abstained)
