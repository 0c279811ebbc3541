"""A meeting's roster from a spreadsheet: known people updated, new ones created, one go.

Which rows are which is decided in attendance/roster_match.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Invalid
from attendance.meetings import get_meeting
from attendance.names import name_sort_key
from attendance.orm import Person
from attendance.people import create_person, update_person
from attendance.roster import roster_rights
from attendance.roster_match import (
    NEW,
    Candidate,
    Change,
    PreviewRow,
    RosterPreview,
    RosterRow,
    RowStatus,
    changes_for,
    preview_roster,
)
from attendance.roster_replace import apply_roster, arrived_among, named
from attendance.text import normalise_name

MAX_FILE_NAME = 255

__all__ = [
    "NEW",
    "Candidate",
    "Change",
    "PreviewRow",
    "RosterImported",
    "RosterPreview",
    "RosterRemoval",
    "RosterRow",
    "RowStatus",
    "changes_for",
    "import_roster",
    "preview_roster",
    "roster_removal",
]


@dataclass(frozen=True)
class RosterImported:
    created: int
    matched: int
    skipped: int
    person_ids: list[int]  # the whole roster afterwards
    updated: list[int] = field(default_factory=list)  # matched people given the file's details
    removed: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # not in the file, but already arrived


@dataclass(frozen=True)
class RosterRemoval:
    """Who replacing the roster with a file takes off it, and who stays because they came."""

    removed: list[Person] = field(default_factory=list)
    kept: list[Person] = field(default_factory=list)


def roster_removal(session: Session, *, meeting_id: int, preview: RosterPreview) -> RosterRemoval:
    """What "replace" would do to the current roster; nothing is written. A row that asks
    keeps its candidates listed: whether it does is the secretary's choice."""
    listed = {r.person.id for r in preview.rows if r.status is RowStatus.MATCHED and r.person}
    listed |= {c.person.id for r in preview.rows for c in r.candidates}
    leaving = set(roster_rights(session, meeting_id=meeting_id)) - listed
    arrived = arrived_among(session, meeting_id=meeting_id, person_ids=leaving)
    people = sorted(
        session.scalars(select(Person).where(Person.id.in_(leaving))) if leaving else [],
        key=lambda p: name_sort_key(p.full_name),
    )
    return RosterRemoval(
        removed=[p for p in people if p.id not in arrived],
        kept=[p for p in people if p.id in arrived],
    )


def import_roster(
    session: Session,
    *,
    meeting_id: int,
    rows: list[RosterRow],
    replace: bool = True,
    choices: dict[int, int | None] | None = None,
    actor: str = "system",
    file_name: str = "",
) -> RosterImported:
    """Create the new people, give matched ones the file's title and unit (and a code they
    lack), and set the roster, all or nothing (invalid rows are skipped). Every row that
    asks needs its choice (`choices`: line -> person id, or `NEW`), else nothing is written.

    `replace` takes off the roster whoever the file does not list, except people who already
    arrived: their arrival would otherwise show nowhere. Adding keeps everyone. Either way,
    people already on the roster keep their voting rights; new ones vote, except students.
    The import goes to the audit log: by `actor`, from `file_name`, how, and what it changed.
    """
    get_meeting(session, meeting_id=meeting_id)
    preview = preview_roster(session, rows=rows, choices=choices)
    open_rows = [r.row.line for r in preview.rows if r.status is RowStatus.ASK]
    if open_rows:
        lines = ", ".join(str(line) for line in open_rows[:20])
        raise Invalid(
            f"Cần chọn người cho các dòng {lines}. Pick who is meant in rows {lines}.",
            code="ROSTER_CHOICE_REQUIRED",
        )
    ids: list[int] = []
    updated: list[int] = []
    created = 0
    for entry in preview.rows:
        if entry.status is RowStatus.MATCHED:
            assert entry.person is not None
            ids.append(entry.person.id)
            if entry.changes:
                _apply_changes(session, entry.person, entry.changes)
                updated.append(entry.person.id)
        elif entry.status is RowStatus.NEW:
            row = entry.row
            person = create_person(
                session, full_name=row.full_name, code=row.code, unit=row.unit, title=row.title
            )
            ids.append(person.id)
            created += 1
    voting = roster_rights(session, meeting_id=meeting_id)
    leaving = set(voting) - set(ids) if replace else set()
    kept = arrived_among(session, meeting_id=meeting_id, person_ids=leaving)
    wanted = sorted(set(ids) | kept | (set() if replace else set(voting)))
    # A student brought onto a meeting's roster by their code listens; they do not vote.
    students = {e.person.id for e in preview.rows if e.student and e.person}
    apply_roster(
        session,
        meeting_id=meeting_id,
        person_ids=wanted,
        non_voting_ids=[
            p for p in wanted if voting.get(p) is False or (p in students and p not in voting)
        ],
    )
    imported = RosterImported(
        created=created,
        matched=preview.count(RowStatus.MATCHED),
        skipped=preview.count(RowStatus.INVALID),
        person_ids=wanted,
        updated=updated,
        removed=sorted(leaving - kept),
        kept=sorted(kept),
    )
    _audit(session, meeting_id, imported, actor=actor, replace=replace, file_name=file_name)
    return imported


def _audit(
    session: Session,
    meeting_id: int,
    imported: RosterImported,
    *,
    actor: str,
    replace: bool,
    file_name: str,
) -> None:
    # A file's name is the caller's text: control and direction characters dropped, cut to
    # length; never a reason to refuse the import itself.
    name = normalise_name("".join(c for c in file_name if c.isprintable()))[:MAX_FILE_NAME]
    audit.record(
        session,
        actor=actor,
        action="roster_imported",
        meeting_id=meeting_id,
        detail={
            "mode": "replace" if replace else "add",
            "file_name": name or None,
            "created": imported.created,
            "matched": imported.matched,
            "updated": len(imported.updated),
            "removed": len(imported.removed),
            "kept": len(imported.kept),
            "skipped": imported.skipped,
            "roster": len(imported.person_ids),
            "people": {
                "removed": named(session, imported.removed),
                "kept": named(session, imported.kept),
                "updated": named(session, imported.updated),
            },
        },
    )


def _apply_changes(session: Session, person: Person, changes: tuple[Change, ...]) -> None:
    values = {"title": person.title, "unit": person.unit, "code": person.code}
    values.update({change.field: change.new for change in changes})
    update_person(session, person_id=person.id, full_name=person.full_name, **values)
