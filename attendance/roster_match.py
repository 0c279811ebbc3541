"""Roster rows against the people already known: matched, new, to be asked about, or invalid.

A row is matched by its code first; else by the same name where the unit agrees, or where one
side has no unit (a file adding the unit or title a person enrolled from photos lacks). When
more than one known person could be meant, the one whose unit and title are exactly the row's
is matched; if none or several are, or the only namesake works elsewhere, the row asks: the
secretary picks the person or "new" (`choices`), and nothing is guessed.

A student (someone with a `students` row, or on a class) is matched by their code only (the
person's code or their student code), never by name: an official who shares a child's name is
someone else. A roster file never changes a student's code, title or unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import DomainError, Invalid
from attendance.orm import Person
from attendance.schools.tables import ClassStudent, Student
from attendance.text import clean_text, normalise_name

NEW = None  # a choice: the row is a new person


@dataclass(frozen=True)
class RosterRow:
    line: int  # the spreadsheet's own row number, as the secretary sees it
    full_name: str
    title: str = ""
    unit: str = ""
    code: str = ""


class RowStatus(str, Enum):
    MATCHED = "matched"
    NEW = "new"
    ASK = "ask"  # more than one person could be meant, or the unit differs: the secretary picks
    INVALID = "invalid"


@dataclass(frozen=True)
class Change:
    """What the file sets on a known person: `field` is "title", "unit" or "code"."""

    field: str
    old: str | None
    new: str


@dataclass(frozen=True)
class Candidate:
    person: Person
    changes: tuple[Change, ...] = ()  # what choosing this person would change


@dataclass(frozen=True)
class PreviewRow:
    row: RosterRow
    status: RowStatus
    person: Person | None = None  # MATCHED: the existing person
    reason: str | None = None  # INVALID: why; ASK: what to decide (both languages)
    changes: tuple[Change, ...] = ()  # MATCHED: the title, unit or code the file brings
    candidates: tuple[Candidate, ...] = ()  # ASK: who could be meant
    student: bool = False  # MATCHED: the person is a student (matched by their code)


@dataclass(frozen=True)
class RosterPreview:
    rows: list[PreviewRow] = field(default_factory=list)

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)


def preview_roster(
    session: Session, *, rows: list[RosterRow], choices: dict[int, int | None] | None = None
) -> RosterPreview:
    """Judge each row; nothing is written. `choices` (spreadsheet line -> person id, or
    `NEW`) settles the rows that ask; a choice that names nobody the row offered is refused."""
    people = list(session.scalars(select(Person)))
    students = student_ids(session)
    by_id = {p.id: p for p in people}
    by_code = {
        code: by_id[pid]
        for pid, code in session.execute(select(Student.person_id, Student.student_code))
        if code and pid in by_id
    }
    by_code.update({p.code: p for p in people if p.code})
    by_name: dict[str, list[Person]] = {}
    for p in people:
        if p.id not in students:  # a student is never matched by name alone
            by_name.setdefault(_fold(p.full_name), []).append(p)
    choices = choices or {}
    seen_codes: dict[str, int] = {}
    seen_people: dict[int, int] = {}
    seen_new: dict[tuple[str, str], int] = {}
    result = []
    for row in rows:
        problem = _problem(row)
        if problem is None and row.code:
            if row.code in seen_codes:
                problem = (
                    f"Mã {row.code} trùng với dòng {seen_codes[row.code]}. "
                    f"Code {row.code} repeats row {seen_codes[row.code]}."
                )
            seen_codes.setdefault(row.code, row.line)
        if problem is not None:
            result.append(PreviewRow(row, RowStatus.INVALID, reason=problem))
            continue
        judged = _judge(row, by_code.get(row.code) if row.code else None, by_name, students)
        if judged.status is RowStatus.ASK and row.line in choices:
            judged = _chosen(judged, choices[row.line])
        if judged.person is not None:  # matched
            person_id = judged.person.id
            if person_id in seen_people:
                judged = PreviewRow(row, RowStatus.INVALID, reason=_repeat(seen_people[person_id]))
            else:
                seen_people[person_id] = row.line
        elif judged.status is RowStatus.NEW:
            key = (_fold(row.full_name), _fold(row.unit))
            if key in seen_new and not row.code:
                judged = PreviewRow(row, RowStatus.INVALID, reason=_repeat(seen_new[key]))
            else:
                seen_new.setdefault(key, row.line)
        result.append(judged)
    return RosterPreview(result)


def changes_for(row: RosterRow, person: Person) -> tuple[Change, ...]:
    """The title and unit the file gives a known person, and a code they lack; an empty
    cell changes nothing (the file did not say)."""
    changes = []
    for name, new, old in (("title", row.title, person.title), ("unit", row.unit, person.unit)):
        value = normalise_name(new)
        if value and _fold(value) != _fold(old or ""):
            changes.append(Change(name, old, value))
    code = normalise_name(row.code)
    if code and not person.code:
        changes.append(Change("code", None, code))
    return tuple(changes)


def student_ids(session: Session) -> set[int]:
    """Everyone who is a student: a `students` row, or on a class."""
    ids = set(session.scalars(select(Student.person_id)))
    return ids | set(session.scalars(select(ClassStudent.person_id)))


def _judge(
    row: RosterRow, by_code: Person | None, by_name: dict[str, list[Person]], students: set[int]
) -> PreviewRow:
    if by_code is not None and by_code.id in students:  # their code, nothing of theirs changed
        return PreviewRow(row, RowStatus.MATCHED, by_code, student=True)
    if by_code is not None:
        return PreviewRow(row, RowStatus.MATCHED, by_code, changes=changes_for(row, by_code))
    # A person with another code is someone else; the same code would have matched above.
    namesakes = [p for p in by_name.get(_fold(row.full_name), []) if not (row.code and p.code)]
    unit = _fold(row.unit)
    agree = [p for p in namesakes if not unit or not p.unit or _fold(p.unit) == unit]
    if len(agree) == 1:
        return PreviewRow(row, RowStatus.MATCHED, agree[0], changes=changes_for(row, agree[0]))
    # Several could be meant, but one is exactly the row (name, unit and title): that one.
    exact = [p for p in agree if _same_unit_and_title(row, p)]
    if len(exact) == 1:
        return PreviewRow(row, RowStatus.MATCHED, exact[0], changes=changes_for(row, exact[0]))
    if agree:
        return _ask(row, agree, _several())
    if namesakes:  # everyone of that name works elsewhere: moved, or a namesake?
        return _ask(row, namesakes, _unit_differs())
    return PreviewRow(row, RowStatus.NEW)


def _same_unit_and_title(row: RosterRow, person: Person) -> bool:
    """The row names this person's unit (not empty) and title as they are recorded."""
    unit = _fold(row.unit)
    title = _fold(row.title) == _fold(person.title or "")
    return bool(unit) and unit == _fold(person.unit or "") and title


def _ask(row: RosterRow, people: list[Person], reason: str) -> PreviewRow:
    ordered = sorted(people, key=lambda p: p.id)
    candidates = tuple(Candidate(p, changes_for(row, p)) for p in ordered)
    return PreviewRow(row, RowStatus.ASK, reason=reason, candidates=candidates)


def _chosen(judged: PreviewRow, choice: int | None) -> PreviewRow:
    if choice is NEW:
        return PreviewRow(judged.row, RowStatus.NEW)
    for candidate in judged.candidates:
        if candidate.person.id == choice:
            return PreviewRow(
                judged.row, RowStatus.MATCHED, candidate.person, changes=candidate.changes
            )
    line = judged.row.line
    raise Invalid(
        f"Lựa chọn ở dòng {line} không phải người được đề xuất; hãy tải tệp lên lại. "
        f"The choice for row {line} is not one of the people offered; upload the file again.",
        code="ROSTER_CHOICE",
    )


def _problem(row: RosterRow) -> str | None:
    try:
        name = clean_text(row.full_name, field="full_name")
        for value, field_name in ((row.code, "code"), (row.unit, "unit"), (row.title, "title")):
            clean_text(value, field=field_name)
    except DomainError as exc:
        return exc.message
    if not name:
        return "Thiếu họ và tên. The full name is empty."
    limits = ((name, 200), (row.code, 64), (row.unit, 200), (row.title, 200))
    if any(len(value) > limit for value, limit in limits):
        return "Có ô quá dài. A cell is too long."
    return None


def _fold(text: str) -> str:
    # Case and spacing do not make two people; diacritics do (Đào and Dao are two names).
    return normalise_name(text).casefold()


def _several() -> str:
    return (
        "Có nhiều người cùng họ tên có thể là người này; hãy chọn đúng người hoặc người mới. "
        "Several known people could be meant; pick the right one, or a new person."
    )


def _unit_differs() -> str:
    return (
        "Đã có người cùng họ tên nhưng ở đơn vị khác; hãy xác nhận là cùng một người "
        "hay người mới. Someone of this name is known in another unit; confirm it is "
        "the same person, or a new one."
    )


def _repeat(line: int) -> str:
    return f"Trùng với dòng {line}. Repeats row {line}."
