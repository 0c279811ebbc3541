"""A meeting's roster file never takes a student for an official of the same name: a student
is matched by their code only, and the file changes nothing of theirs."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.meetings import create_meeting
from attendance.orm import Participant, Person
from attendance.people import create_person
from attendance.roster_import import RosterRow, RowStatus, import_roster, preview_roster
from attendance.schools import classes
from attendance.schools.students import set_student

OFFICIAL = RosterRow(2, "Trần Thị Bình", title="Phó Chủ tịch", unit="UBND Quận 1", code="DB-002")


def _meeting(session: Session) -> int:
    return create_meeting(
        session,
        title="Họp HĐND",
        starts_at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc),
        ends_at=datetime(2026, 3, 2, 3, tzinfo=timezone.utc),
    ).id


def _student(session: Session, *, code: str | None = "HS-7", on_class: bool = False) -> Person:
    child = create_person(session, full_name="Trần Thị Bình")
    if on_class:
        cls = classes.create_class(session, name="6A", school="THCS A", school_year="2026-2027")
        classes.set_students(session, class_id=cls.id, person_ids=[child.id])
    else:
        set_student(
            session,
            person_id=child.id,
            student_code=code,
            date_of_birth=date(2014, 5, 1),
            guardians=[],
            today=date(2026, 3, 1),
        )
    return child


def test_an_official_sharing_a_students_name_is_a_new_person(session: Session) -> None:
    child = _student(session)
    on_class = _student(session, on_class=True)
    meeting_id = _meeting(session)
    preview = preview_roster(session, rows=[OFFICIAL])
    assert preview.rows[0].status is RowStatus.NEW
    imported = import_roster(session, meeting_id=meeting_id, rows=[OFFICIAL])
    assert imported.created == 1 and child.id not in imported.person_ids
    for kid in (child, on_class):
        session.refresh(kid)
        assert (kid.title, kid.unit, kid.code) == (None, None, None)
    official = session.get(Person, imported.person_ids[0])
    assert official is not None and official.title == "Phó Chủ tịch"


def test_a_student_is_matched_by_their_code_marked_and_left_unchanged(session: Session) -> None:
    child = _student(session)
    meeting_id = _meeting(session)
    row = RosterRow(3, "Trần Thị Bình", title="Lớp trưởng", unit="Trường A", code="HS-7")
    preview = preview_roster(session, rows=[row])
    assert [(r.status, r.person, r.student, r.changes) for r in preview.rows] == [
        (RowStatus.MATCHED, child, True, ())
    ]
    import_roster(session, meeting_id=meeting_id, rows=[row])
    session.refresh(child)
    assert (child.title, child.unit, child.code) == (None, None, None)
    voting = session.scalar(
        select(Participant.voting_rights).where(
            Participant.meeting_id == meeting_id, Participant.person_id == child.id
        )
    )
    assert voting is False  # a student listens; they do not vote
