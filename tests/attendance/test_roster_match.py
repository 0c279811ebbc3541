"""Roster matching finds people enrolled without a unit, and asks when it cannot tell."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from attendance.errors import Invalid
from attendance.meetings import create_meeting, roster_ids, set_participants
from attendance.people import create_person, get_person, search_people
from attendance.roster_import import (
    NEW,
    Change,
    RosterRow,
    RowStatus,
    import_roster,
    preview_roster,
    roster_removal,
)

GIAO_DUC = "Sở Giáo dục và Đào tạo"
ISSUE_ROW = RosterRow(2, "Nguyễn Văn An", title="Giám đốc Sở", unit=GIAO_DUC)


def _meeting(session: Session) -> int:
    return create_meeting(
        session,
        title="Họp giao ban",
        starts_at=datetime(2026, 3, 2, 1, tzinfo=timezone.utc),
        ends_at=datetime(2026, 3, 2, 3, tzinfo=timezone.utc),
    ).id


def test_the_issue_row_finds_the_person_enrolled_from_photos_and_gives_title_and_unit(
    session: Session,
) -> None:
    enrolled = create_person(session, full_name="Nguyễn Văn An")  # a photo folder sets no unit
    [row] = preview_roster(session, rows=[ISSUE_ROW]).rows
    assert (row.status, row.person) == (RowStatus.MATCHED, enrolled)
    assert row.changes == (
        Change("title", None, "Giám đốc Sở"),
        Change("unit", None, GIAO_DUC),
    )
    meeting_id = _meeting(session)
    result = import_roster(session, meeting_id=meeting_id, rows=[ISSUE_ROW])
    assert (result.created, result.matched, result.updated) == (0, 1, [enrolled.id])
    assert [p.id for p in search_people(session)] == [enrolled.id]  # no second An
    person = get_person(session, person_id=enrolled.id)
    assert (person.title, person.unit) == ("Giám đốc Sở", GIAO_DUC)
    assert roster_ids(session, meeting_id=meeting_id) == {enrolled.id}


def test_a_row_without_a_unit_matches_the_namesake_who_has_one(session: Session) -> None:
    known = create_person(session, full_name="Trần Thị Bình", unit="Phòng Tư pháp", title="Phó")
    [row] = preview_roster(session, rows=[RosterRow(2, "Trần Thị Bình")]).rows
    assert (row.status, row.person, row.changes) == (RowStatus.MATCHED, known, ())


def test_an_empty_cell_changes_nothing_and_a_missing_code_is_added(session: Session) -> None:
    known = create_person(session, full_name="Lê Hoàng Cường", title="Trưởng phòng")
    rows = [RosterRow(2, "Lê Hoàng Cường", unit="phòng nội vụ", code="DB-7")]
    [row] = preview_roster(session, rows=rows).rows
    assert row.changes == (Change("unit", None, "phòng nội vụ"), Change("code", None, "DB-7"))
    import_roster(session, meeting_id=_meeting(session), rows=rows)
    person = get_person(session, person_id=known.id)
    assert (person.title, person.unit, person.code) == ("Trưởng phòng", "phòng nội vụ", "DB-7")


def test_two_namesakes_who_could_be_meant_make_the_row_ask(session: Session) -> None:
    first = create_person(session, full_name="Nguyễn Văn An")
    second = create_person(session, full_name="Nguyễn Văn An", unit=GIAO_DUC)
    [row] = preview_roster(session, rows=[ISSUE_ROW]).rows
    assert row.status is RowStatus.ASK and row.person is None
    assert [c.person.id for c in row.candidates] == [first.id, second.id]
    assert row.candidates[0].changes == (
        Change("title", None, "Giám đốc Sở"),
        Change("unit", None, GIAO_DUC),
    )
    assert "Several known people could be meant" in (row.reason or "")


def test_a_row_that_asks_is_never_imported_without_a_choice(session: Session) -> None:
    create_person(session, full_name="Nguyễn Văn An")
    create_person(session, full_name="Nguyễn Văn An")
    meeting_id = _meeting(session)
    rows = [ISSUE_ROW, RosterRow(3, "Trần Thị Bình")]
    with pytest.raises(Invalid) as refused:
        import_roster(session, meeting_id=meeting_id, rows=rows)
    assert refused.value.code == "ROSTER_CHOICE_REQUIRED" and "rows 2" in refused.value.message
    assert len(search_people(session)) == 2 and roster_ids(session, meeting_id=meeting_id) == set()


def test_the_secretarys_choice_settles_the_row(session: Session) -> None:
    first = create_person(session, full_name="Nguyễn Văn An")
    second = create_person(session, full_name="Nguyễn Văn An")
    meeting_id = _meeting(session)
    result = import_roster(session, meeting_id=meeting_id, rows=[ISSUE_ROW], choices={2: second.id})
    assert (result.created, result.person_ids) == (0, [second.id])
    assert get_person(session, person_id=second.id).unit == GIAO_DUC
    assert get_person(session, person_id=first.id).unit is None
    # Now the second is exactly the row (name, unit, title): another title still asks.
    deputy = RosterRow(2, "Nguyễn Văn An", title="Phó Giám đốc Sở", unit=GIAO_DUC)
    again = import_roster(session, meeting_id=meeting_id, rows=[deputy], choices={2: NEW})
    assert again.created == 1 and len(search_people(session)) == 3


def test_a_unit_that_differs_from_the_only_namesake_asks_to_confirm(session: Session) -> None:
    moved = create_person(session, full_name="Nguyễn Văn An", unit="Sở Y tế")
    [row] = preview_roster(session, rows=[ISSUE_ROW]).rows
    assert row.status is RowStatus.ASK
    assert [c.person.id for c in row.candidates] == [moved.id]
    assert Change("unit", "Sở Y tế", GIAO_DUC) in row.candidates[0].changes
    assert "another unit" in (row.reason or "")
    [chosen] = preview_roster(session, rows=[ISSUE_ROW], choices={2: moved.id}).rows
    assert (chosen.status, chosen.person) == (RowStatus.MATCHED, moved)


def test_a_choice_of_someone_not_offered_is_refused(session: Session) -> None:
    create_person(session, full_name="Nguyễn Văn An")
    create_person(session, full_name="Nguyễn Văn An")
    stranger = create_person(session, full_name="Trần Thị Bình")
    with pytest.raises(Invalid) as refused:
        preview_roster(session, rows=[ISSUE_ROW], choices={2: stranger.id})
    assert refused.value.code == "ROSTER_CHOICE"


def test_a_person_chosen_twice_is_a_repeated_row(session: Session) -> None:
    first = create_person(session, full_name="Nguyễn Văn An")
    create_person(session, full_name="Nguyễn Văn An")
    rows = [ISSUE_ROW, RosterRow(3, "Nguyễn Văn An", unit="Sở Y tế")]
    preview = preview_roster(session, rows=rows, choices={2: first.id, 3: first.id})
    assert [r.status for r in preview.rows] == [RowStatus.MATCHED, RowStatus.INVALID]
    assert preview.rows[1].reason == "Trùng với dòng 2. Repeats row 2."


def test_a_person_with_another_code_is_not_matched_by_name(session: Session) -> None:
    create_person(session, full_name="Nguyễn Văn An", code="DB-1")
    [row] = preview_roster(session, rows=[RosterRow(2, "Nguyễn Văn An", code="DB-2")]).rows
    assert row.status is RowStatus.NEW


def test_replacing_does_not_count_a_rows_candidates_as_removed(session: Session) -> None:
    first = create_person(session, full_name="Nguyễn Văn An")
    second = create_person(session, full_name="Nguyễn Văn An")
    meeting_id = _meeting(session)
    set_participants(session, meeting_id=meeting_id, person_ids=[first.id, second.id])
    preview = preview_roster(session, rows=[ISSUE_ROW])
    assert roster_removal(session, meeting_id=meeting_id, preview=preview).removed == []


def test_the_one_namesake_with_the_rows_unit_and_title_is_matched_without_asking(
    session: Session,
) -> None:
    create_person(session, full_name="Trần Thị Bình")  # enrolled from photos: no unit
    exact = create_person(
        session, full_name="Trần Thị Bình", title="Phó Chủ tịch", unit="UBND Quận 1"
    )
    row = RosterRow(2, "Trần  Thị Bình", title="phó chủ tịch", unit="UBND quận 1")
    [judged] = preview_roster(session, rows=[row]).rows
    assert (judged.status, judged.person, judged.changes) == (RowStatus.MATCHED, exact, ())


def test_namesakes_still_ask_when_the_row_is_not_exactly_one_of_them(session: Session) -> None:
    create_person(session, full_name="Trần Thị Bình")
    create_person(session, full_name="Trần Thị Bình", title="Phó Chủ tịch", unit="UBND Quận 1")
    create_person(session, full_name="Trần Thị Bình", title="Phó Chủ tịch", unit="UBND Quận 3")
    other_title = RosterRow(2, "Trần Thị Bình", title="Chủ tịch", unit="UBND Quận 1")
    no_unit = RosterRow(3, "Trần Thị Bình", title="Phó Chủ tịch")
    judged = preview_roster(session, rows=[other_title, no_unit]).rows
    assert [r.status for r in judged] == [RowStatus.ASK, RowStatus.ASK]
    create_person(session, full_name="Trần Thị Bình", title="Phó Chủ tịch", unit="UBND Quận 1")
    exact_twice = RosterRow(2, "Trần Thị Bình", title="Phó Chủ tịch", unit="UBND Quận 1")
    [judged_twice] = preview_roster(session, rows=[exact_twice]).rows
    assert judged_twice.status is RowStatus.ASK  # two people are exactly the row
