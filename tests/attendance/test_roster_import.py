"""Roster import: rows against the people already known, then the roster set in one go."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import check_in
from attendance.errors import NotFound
from attendance.meetings import create_meeting, roster_ids, set_participants
from attendance.orm import Participant
from attendance.people import create_person, search_people
from attendance.roster_import import (
    RosterRow,
    RowStatus,
    import_roster,
    preview_roster,
    roster_removal,
)


def _meeting(session: Session) -> int:
    return create_meeting(
        session,
        title="Họp",
        starts_at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc),
        ends_at=datetime(2026, 3, 2, 3, tzinfo=timezone.utc),
    ).id


def test_rows_match_by_code_first_then_by_name_and_unit(session: Session) -> None:
    an = create_person(session, full_name="Nguyễn Văn An", code="DB-1", unit="UBND Quận 1")
    binh = create_person(session, full_name="Trần Thị Bình", unit="Phòng Tư pháp")
    preview = preview_roster(
        session,
        rows=[
            RosterRow(2, "Nguyễn V. An (đổi tên)", code="DB-1"),
            RosterRow(3, "trần thị  bình", unit="phòng tư pháp"),
            RosterRow(4, "Tran Thi Binh", unit="Phòng Tư pháp"),  # diacritics make a new name
            RosterRow(5, "Lê Hoàng Cường", unit="Sở Nội vụ"),
        ],
    )
    assert [(r.status, r.person.id if r.person else None) for r in preview.rows] == [
        (RowStatus.MATCHED, an.id),
        (RowStatus.MATCHED, binh.id),
        (RowStatus.NEW, None),
        (RowStatus.NEW, None),
    ]


def test_empty_names_repeated_codes_and_repeated_people_are_invalid(session: Session) -> None:
    create_person(session, full_name="Nguyễn Văn An", code="DB-1")
    preview = preview_roster(
        session,
        rows=[
            RosterRow(2, "", code="X"),
            RosterRow(3, "Lê Văn C", code="DB-9"),
            RosterRow(4, "Lê Văn D", code="DB-9"),
            RosterRow(5, "Nguyễn Văn An", code="DB-1"),
            RosterRow(6, "Nguyễn Văn An", code="DB-1"),
            RosterRow(7, "Phạm E"),
            RosterRow(8, "Phạm E"),
        ],
    )
    statuses = [r.status for r in preview.rows]
    assert statuses == [
        RowStatus.INVALID,
        RowStatus.NEW,
        RowStatus.INVALID,
        RowStatus.MATCHED,
        RowStatus.INVALID,
        RowStatus.NEW,
        RowStatus.INVALID,
    ]
    reasons = [r.reason for r in preview.rows]
    assert reasons[0] == "Thiếu họ và tên. The full name is empty."
    assert reasons[2] == "Mã DB-9 trùng với dòng 3. Code DB-9 repeats row 3."


def test_two_known_namesakes_in_one_unit_make_the_row_ask(session: Session) -> None:
    first = create_person(session, full_name="Nguyễn Văn An", unit="Phường 1")
    second = create_person(session, full_name="Nguyễn Văn An", unit="Phường 1")
    [row] = preview_roster(session, rows=[RosterRow(2, "Nguyễn Văn An", unit="Phường 1")]).rows
    assert row.status is RowStatus.ASK
    assert [c.person.id for c in row.candidates] == [first.id, second.id]


def test_import_creates_the_new_people_and_sets_the_roster(session: Session) -> None:
    meeting_id = _meeting(session)
    known = create_person(session, full_name="Nguyễn Văn An", code="DB-1")
    rows = [RosterRow(2, "Nguyễn Văn An", code="DB-1"), RosterRow(3, "Trần Thị Bình", title="Phó")]
    result = import_roster(session, meeting_id=meeting_id, rows=[*rows, RosterRow(4, "")])
    assert (result.created, result.matched, result.skipped) == (1, 1, 1)
    assert roster_ids(session, meeting_id=meeting_id) == set(result.person_ids)
    assert known.id in result.person_ids
    again = import_roster(session, meeting_id=meeting_id, rows=rows)
    assert again.created == 0  # importing the same file twice creates nobody new


def test_import_can_add_to_the_current_roster(session: Session) -> None:
    meeting_id = _meeting(session)
    first = import_roster(session, meeting_id=meeting_id, rows=[RosterRow(2, "A")])
    second = import_roster(session, meeting_id=meeting_id, rows=[RosterRow(2, "B")], replace=False)
    assert set(first.person_ids) < set(second.person_ids)
    assert len(roster_ids(session, meeting_id=meeting_id)) == 2


def test_an_unknown_meeting_imports_nothing(session: Session) -> None:
    with pytest.raises(NotFound):
        import_roster(session, meeting_id=999, rows=[RosterRow(2, "A")])
    assert search_people(session) == []


def _votes(session: Session, meeting_id: int) -> dict[int, bool]:
    rows = session.execute(
        select(Participant.person_id, Participant.voting_rights).where(
            Participant.meeting_id == meeting_id
        )
    )
    return {person_id: bool(votes) for person_id, votes in rows}


def test_adding_rows_keeps_an_observer_without_a_vote(session: Session) -> None:
    meeting_id = _meeting(session)
    delegate = create_person(session, full_name="Nguyễn Văn An")
    observer = create_person(session, full_name="Trần Thị Bình")
    set_participants(
        session,
        meeting_id=meeting_id,
        person_ids=[delegate.id, observer.id],
        non_voting_ids=[observer.id],
    )
    result = import_roster(
        session, meeting_id=meeting_id, rows=[RosterRow(2, "Lê Hoàng Cường")], replace=False
    )
    [new_id] = set(result.person_ids) - {delegate.id, observer.id}
    assert _votes(session, meeting_id) == {delegate.id: True, observer.id: False, new_id: True}


def test_replacing_keeps_the_voting_rights_of_people_still_listed(session: Session) -> None:
    meeting_id = _meeting(session)
    observer = create_person(session, full_name="Trần Thị Bình", code="DB-2")
    set_participants(
        session, meeting_id=meeting_id, person_ids=[observer.id], non_voting_ids=[observer.id]
    )
    import_roster(session, meeting_id=meeting_id, rows=[RosterRow(2, "Trần Thị Bình", code="DB-2")])
    assert _votes(session, meeting_id) == {observer.id: False}


def test_replacing_never_removes_someone_who_already_arrived(session: Session) -> None:
    meeting_id = _meeting(session)
    came = create_person(session, full_name="Nguyễn Văn An")
    stayed_home = create_person(session, full_name="Trần Thị Bình")
    set_participants(session, meeting_id=meeting_id, person_ids=[came.id, stayed_home.id])
    at = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)  # the meeting's start
    check_in(
        session, meeting_id=meeting_id, person_id=came.id, source="k", idempotency_key="k", at=at
    )
    rows = [RosterRow(2, "Lê Hoàng Cường")]
    removal = roster_removal(
        session, meeting_id=meeting_id, preview=preview_roster(session, rows=rows)
    )
    assert ([p.id for p in removal.removed], [p.id for p in removal.kept]) == (
        [stayed_home.id],
        [came.id],
    )
    result = import_roster(session, meeting_id=meeting_id, rows=rows)
    assert (result.removed, result.kept) == ([stayed_home.id], [came.id])
    assert came.id in roster_ids(session, meeting_id=meeting_id)
    assert stayed_home.id not in roster_ids(session, meeting_id=meeting_id)
