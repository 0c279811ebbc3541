"""The conclusion notice's draft: partial saves, cleared fields, checks that refuse and write
nothing, conclusions per agenda item, the audit entry."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from attendance.agenda import add_agenda_item
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Invalid
from attendance.meetings import create_meeting, set_participants
from attendance.notices.draft import get_draft, save_draft, set_conclusion
from attendance.orm import AuditEntry, utcnow
from attendance.people import create_person

TRIALS = 10


def _meeting(session: Session) -> tuple[int, int, int]:
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session, title="Giao ban tháng 12", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    chair = create_person(session, full_name="Nguyễn Văn Chủ")
    set_participants(session, meeting_id=meeting.id, person_ids=[chair.id])
    item = add_agenda_item(session, meeting_id=meeting.id, title="Kế hoạch năm 2027")
    return meeting.id, chair.id, item.id


def test_a_new_meeting_has_a_blank_draft(session: Session) -> None:
    meeting_id, _, _ = _meeting(session)
    draft = get_draft(session, meeting_id=meeting_id)
    assert draft.number is None and draft.issued_on is None
    assert draft.conclusions == {} and draft.updated_by is None


def test_fields_left_out_are_kept_and_none_clears(session: Session) -> None:
    meeting_id, chair_id, item_id = _meeting(session)
    save_draft(
        session,
        meeting_id=meeting_id,
        actor="user:thuky",
        number="  125/TB-UBND ",
        place="Long Biên",
        issued_on=date(2026, 12, 7),
        chair_person_id=chair_id,
        recipients="- Như trên;\n\n- Lưu: VT.",
        conclusions={item_id: "Giao Phòng Tài chính  hoàn thiện."},
    )
    draft = save_draft(session, meeting_id=meeting_id, actor="user:thuky", place=None)
    assert draft.number == "125/TB-UBND"  # kept, trimmed
    assert draft.place is None  # cleared
    assert draft.issued_on == date(2026, 12, 7)
    assert draft.chair_person_id == chair_id
    assert draft.recipients == "- Như trên;\n- Lưu: VT."
    assert draft.conclusions == {item_id: "Giao Phòng Tài chính hoàn thiện."}
    assert draft.updated_by == "user:thuky"
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.meeting_id == meeting_id)
    ).all()
    assert actions.count("conclusion_notice_saved") == 2


def test_a_conclusion_is_set_and_removed_one_item_at_a_time(session: Session) -> None:
    meeting_id, _, item_id = _meeting(session)
    draft = set_conclusion(
        session, meeting_id=meeting_id, agenda_item_id=item_id, text="Thống nhất.", actor="a"
    )
    assert draft.conclusion(item_id) == "Thống nhất."
    draft = set_conclusion(
        session, meeting_id=meeting_id, agenda_item_id=item_id, text="  ", actor="a"
    )
    assert draft.conclusion(item_id) is None


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"number": "x" * 61}, "TOO_LONG", "Số văn bản quá dài"),
        ({"subject": "Kết luận\x00"}, "INVALID_TEXT", "ký tự điều khiển"),
        ({"chair_person_id": 999_999}, "INVALID", "không có trong danh sách"),
        ({"conclusions": {999_999: "Thống nhất"}}, "INVALID", "không có mục chương trình"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(
    session: Session, fields: dict[str, object], code: str, words: str
) -> None:
    meeting_id, _, _ = _meeting(session)
    with pytest.raises(Invalid) as refused:
        save_draft(session, meeting_id=meeting_id, actor="a", place="Long Biên", **fields)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert words in refused.value.message
    assert get_draft(session, meeting_id=meeting_id).place is None


def test_someone_off_the_roster_cannot_be_the_chair(session: Session) -> None:
    meeting_id, _, _ = _meeting(session)
    stranger = create_person(session, full_name="Lê Văn Ngoài")
    with pytest.raises(Invalid, match="not on this meeting's list"):
        save_draft(session, meeting_id=meeting_id, actor="a", chair_person_id=stranger.id)


def test_an_item_of_another_meeting_takes_no_conclusion(session: Session) -> None:
    meeting_id, _, _ = _meeting(session)
    _, _, other_item = _meeting(session)
    with pytest.raises(Invalid):
        set_conclusion(
            session, meeting_id=meeting_id, agenda_item_id=other_item, text="x", actor="a"
        )


def test_two_first_saves_at_once_both_go_through(database_url: str) -> None:
    """Two secretaries saving a meeting's first draft at the same moment: the second waits
    for the first (no duplicate insert of the draft's row, no 500), and both fields stay."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    for n in range(TRIALS):
        with unit_of_work(factory) as session:
            meeting_id, _, item_id = _meeting(session)
        works = ({"number": "1/TB"}, {"place": "Long Biên", "conclusions": {item_id: "Xong."}})
        errors = _save_together(factory, meeting_id, works)
        assert errors == [], (n, errors)
        with factory() as session:
            draft = get_draft(session, meeting_id=meeting_id)
        saved = (draft.number, draft.place, draft.conclusion(item_id))
        assert saved == ("1/TB", "Long Biên", "Xong."), n
    engine.dispose()


def _save_together(
    factory: sessionmaker[Session], meeting_id: int, works: tuple[dict[str, Any], ...]
) -> list[BaseException]:
    """Each save in its own thread and unit of work, released at once; what each raised."""
    barrier = threading.Barrier(len(works))
    errors: list[BaseException] = []

    def save(fields: dict[str, Any]) -> None:
        barrier.wait()
        try:
            with unit_of_work(factory) as session:
                save_draft(session, meeting_id=meeting_id, actor="tk", **fields)
        except Exception as exc:  # handed back to the test, which fails on it
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(w,)) for w in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
