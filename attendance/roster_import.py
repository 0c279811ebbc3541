"""A meeting's roster from a spreadsheet: which rows are known people, new, or invalid."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import DomainError
from attendance.meetings import get_meeting, set_participants
from attendance.names import name_sort_key
from attendance.orm import AttendanceEvent, Participant, Person
from attendance.people import create_person
from attendance.text import clean_text, normalise_name


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
    INVALID = "invalid"


@dataclass(frozen=True)
class PreviewRow:
    row: RosterRow
    status: RowStatus
    person: Person | None = None  # MATCHED: the existing person
    reason: str | None = None  # INVALID: why, in both languages


@dataclass(frozen=True)
class RosterPreview:
    rows: list[PreviewRow] = field(default_factory=list)

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)


@dataclass(frozen=True)
class RosterImported:
    created: int
    matched: int
    skipped: int
    person_ids: list[int]  # the whole roster afterwards
    removed: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # not in the file, but already arrived


@dataclass(frozen=True)
class RosterRemoval:
    """Who replacing the roster with a file takes off it, and who stays because they came."""

    removed: list[Person] = field(default_factory=list)
    kept: list[Person] = field(default_factory=list)


def preview_roster(session: Session, *, rows: list[RosterRow]) -> RosterPreview:
    """Match each row: by code first, then by the same name and unit; nothing is written."""
    people = list(session.scalars(select(Person)))
    by_code = {p.code: p for p in people if p.code}
    by_name: dict[tuple[str, str], list[Person]] = {}
    for p in people:
        by_name.setdefault(_name_key(p.full_name, p.unit or ""), []).append(p)
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
        key = _name_key(row.full_name, row.unit)
        person = by_code.get(row.code) if row.code else None
        if person is None:
            namesakes = [p for p in by_name.get(key, []) if not (row.code and p.code)]
            if len(namesakes) > 1:
                result.append(PreviewRow(row, RowStatus.INVALID, reason=_namesakes()))
                continue
            person = namesakes[0] if namesakes else None
        if person is not None:
            if person.id in seen_people:
                result.append(
                    PreviewRow(row, RowStatus.INVALID, reason=_repeat(seen_people[person.id]))
                )
                continue
            seen_people[person.id] = row.line
            result.append(PreviewRow(row, RowStatus.MATCHED, person=person))
        elif key in seen_new and not row.code:
            result.append(PreviewRow(row, RowStatus.INVALID, reason=_repeat(seen_new[key])))
        else:
            seen_new.setdefault(key, row.line)
            result.append(PreviewRow(row, RowStatus.NEW))
    return RosterPreview(result)


def roster_removal(session: Session, *, meeting_id: int, preview: RosterPreview) -> RosterRemoval:
    """What "replace" would do to the current roster; nothing is written."""
    listed = {r.person.id for r in preview.rows if r.status is RowStatus.MATCHED and r.person}
    leaving = set(_voting_rights(session, meeting_id=meeting_id)) - listed
    arrived = _arrived(session, meeting_id=meeting_id, person_ids=leaving)
    people = sorted(
        session.scalars(select(Person).where(Person.id.in_(leaving))) if leaving else [],
        key=lambda p: name_sort_key(p.full_name),
    )
    return RosterRemoval(
        removed=[p for p in people if p.id not in arrived],
        kept=[p for p in people if p.id in arrived],
    )


def import_roster(
    session: Session, *, meeting_id: int, rows: list[RosterRow], replace: bool = True
) -> RosterImported:
    """Create the new people and set the roster, all or nothing (invalid rows are skipped).

    `replace` takes off the roster whoever the file does not list, except people who already
    arrived: their arrival would otherwise show nowhere. Adding keeps everyone. Either way,
    people already on the roster keep their voting rights; new ones vote.
    """
    get_meeting(session, meeting_id=meeting_id)
    preview = preview_roster(session, rows=rows)
    ids: list[int] = []
    created = 0
    for entry in preview.rows:
        if entry.status is RowStatus.MATCHED:
            assert entry.person is not None
            ids.append(entry.person.id)
        elif entry.status is RowStatus.NEW:
            row = entry.row
            person = create_person(
                session, full_name=row.full_name, code=row.code, unit=row.unit, title=row.title
            )
            ids.append(person.id)
            created += 1
    voting = _voting_rights(session, meeting_id=meeting_id)
    leaving = set(voting) - set(ids) if replace else set()
    kept = _arrived(session, meeting_id=meeting_id, person_ids=leaving)
    wanted = sorted(set(ids) | kept | (set() if replace else set(voting)))
    set_participants(
        session,
        meeting_id=meeting_id,
        person_ids=wanted,
        non_voting_ids=[p for p in wanted if voting.get(p) is False],
    )
    return RosterImported(
        created=created,
        matched=preview.count(RowStatus.MATCHED),
        skipped=preview.count(RowStatus.INVALID),
        person_ids=wanted,
        removed=sorted(leaving - kept),
        kept=sorted(kept),
    )


def _voting_rights(session: Session, *, meeting_id: int) -> dict[int, bool]:
    rows = session.execute(
        select(Participant.person_id, Participant.voting_rights).where(
            Participant.meeting_id == meeting_id
        )
    )
    return {person_id: bool(votes) for person_id, votes in rows}


def _arrived(session: Session, *, meeting_id: int, person_ids: set[int]) -> set[int]:
    if not person_ids:
        return set()
    return set(
        session.scalars(
            select(AttendanceEvent.person_id)
            .where(
                AttendanceEvent.meeting_id == meeting_id,
                AttendanceEvent.person_id.in_(person_ids),
            )
            .distinct()
        )
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


def _name_key(name: str, unit: str) -> tuple[str, str]:
    # Case and spacing do not make two people; diacritics do (Đào and Dao are two names).
    return (normalise_name(name).casefold(), normalise_name(unit).casefold())


def _namesakes() -> str:
    return (
        "Có nhiều người cùng họ tên và đơn vị; hãy ghi mã đại biểu. "
        "Several people share this name and unit; add the delegate code."
    )


def _repeat(line: int) -> str:
    return f"Trùng với dòng {line}. Repeats row {line}."
