"""People, rosters and check-in against a real SQLite database."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.checkin import Status, check_in, meeting_attendance
from attendance.errors import Conflict, Forbidden, Invalid, NotFound
from attendance.gallery_cache import GalleryCache
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AttendanceEvent, Person
from attendance.people import create_person, erase_templates, search_people
from attendance.templates import QualityFigures, add_template

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=200, brightness=150, yaw=0.1)


def people(session: Session, *names: str) -> list[Person]:
    return [create_person(session, full_name=n) for n in names]


def meeting_with(session: Session, members: list[Person], late_after: int = 15) -> int:
    meeting = create_meeting(
        session,
        title="Kỳ họp thứ 12 HĐND quận",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        late_after_minutes=late_after,
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in members])
    return meeting.id


def arrivals(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AttendanceEvent)) or 0)


def test_search_finds_vietnamese_names_without_diacritics_or_case(session: Session) -> None:
    people(session, "Nguyễn Văn An", "Đặng Thị Giang", "Trần Văn Bình")
    assert [p.full_name for p in search_people(session, query="nguyen van an")] == ["Nguyễn Văn An"]
    assert [p.full_name for p in search_people(session, query="DANG")] == ["Đặng Thị Giang"]
    assert len(search_people(session, query="van")) == 2


def test_search_ignores_tone_marks_vowel_marks_and_the_d_stroke(session: Session) -> None:
    people(
        session,
        "Lê Văn Ân",
        "Hoàng Ngọc Ẩn",
        "Nguyễn Văn An",
        "Phạm Minh Đức",
        "Đỗ Thị Dung",
        "Ngô Thanh Ưng",
        "Bùi Quang Ơn",
    )

    def found(query: str) -> set[str]:
        return {p.full_name for p in search_people(session, query=query)}

    assert found("van an") == {"Lê Văn Ân", "Nguyễn Văn An"}
    assert found("VĂN ẨN") == found("văn ân") == found("van an")  # any spelling, any case
    assert found("ngoc an") == {"Hoàng Ngọc Ẩn"}
    assert found("duc") == found("ĐỨC") == {"Phạm Minh Đức"}
    assert found("do dung") == {"Đỗ Thị Dung"}
    assert found("ung") == {"Ngô Thanh Ưng", "Đỗ Thị Dung"}  # "dung" holds "ung" too
    assert found("on quang") == {"Bùi Quang Ơn"}  # words in any order
    assert found(unicodedata.normalize("NFD", "Ngô Thanh")) == {"Ngô Thanh Ưng"}


def test_duplicate_person_code_is_refused(session: Session) -> None:
    create_person(session, full_name="Lê Văn Cường", code="DB-01")
    with pytest.raises(Conflict):
        create_person(session, full_name="Lê Văn Khác", code="DB-01")


def test_roster_with_unknown_person_changes_nothing(session: Session) -> None:
    (a,) = people(session, "Phạm Thị Dung")
    meeting_id = meeting_with(session, [a])
    with pytest.raises(NotFound):
        set_participants(session, meeting_id=meeting_id, person_ids=[a.id, 9999])


def test_same_key_twice_records_one_arrival(session: Session) -> None:
    (a,) = people(session, "Hoàng Văn Em")
    meeting_id = meeting_with(session, [a])
    first = check_in(
        session, meeting_id=meeting_id, person_id=a.id, source="k1", idempotency_key="x1", at=START
    )
    again = check_in(
        session, meeting_id=meeting_id, person_id=a.id, source="k1", idempotency_key="x1", at=START
    )
    assert first.created and not again.created and again.event.id == first.event.id
    assert arrivals(session) == 1


def test_second_sighting_with_a_new_key_is_a_no_op(session: Session) -> None:
    (a,) = people(session, "Hoàng Văn Em")
    meeting_id = meeting_with(session, [a])
    first = check_in(
        session, meeting_id=meeting_id, person_id=a.id, source="k1", idempotency_key="a", at=START
    )
    other = check_in(
        session, meeting_id=meeting_id, person_id=a.id, source="k2", idempotency_key="b", at=START
    )
    assert not other.created and other.event.id == first.event.id
    assert arrivals(session) == 1


def test_key_reused_for_another_person_is_a_conflict(session: Session) -> None:
    a, b = people(session, "Vũ Thị Hà", "Bùi Văn Ích")
    meeting_id = meeting_with(session, [a, b])
    check_in(
        session, meeting_id=meeting_id, person_id=a.id, source="k", idempotency_key="same", at=START
    )
    with pytest.raises(Conflict):
        check_in(session, meeting_id=meeting_id, person_id=b.id, source="k", idempotency_key="same")


def test_person_not_on_roster_cannot_check_in(session: Session) -> None:
    a, outsider = people(session, "Vũ Thị Hà", "Người Ngoài")
    meeting_id = meeting_with(session, [a])
    with pytest.raises(Forbidden) as refused:
        check_in(
            session, meeting_id=meeting_id, person_id=outsider.id, source="k", idempotency_key="o"
        )
    assert refused.value.code == "NOT_ON_ROSTER"
    assert arrivals(session) == 0


def test_status_is_present_until_the_late_mark_then_late_else_absent(session: Session) -> None:
    on_time, late, absent = people(session, "Đúng Giờ", "Đến Muộn", "Vắng Mặt")
    meeting_id = meeting_with(session, [on_time, late, absent], late_after=15)
    at_mark = START + timedelta(minutes=15)
    check_in(
        session,
        meeting_id=meeting_id,
        person_id=on_time.id,
        source="k",
        idempotency_key="1",
        at=at_mark,
    )
    check_in(
        session,
        meeting_id=meeting_id,
        person_id=late.id,
        source="k",
        idempotency_key="2",
        at=at_mark + timedelta(seconds=1),
    )
    rows = {r.person.full_name: r for r in meeting_attendance(session, meeting_id=meeting_id)}
    assert rows["Đúng Giờ"].status is Status.PRESENT and rows["Đúng Giờ"].first_seen_at == at_mark
    assert rows["Đến Muộn"].status is Status.LATE
    assert rows["Vắng Mặt"].status is Status.ABSENT and rows["Vắng Mặt"].first_seen_at is None


def test_attendance_lists_the_roster_in_vietnamese_name_order(session: Session) -> None:
    roster = people(
        session, "Nguyễn Văn Bình", "Lê Văn Ân", "Trần Thị Ánh", "Trần Văn An", "Đỗ Thị Dung"
    )
    meeting_id = meeting_with(session, roster)
    names = [r.person.full_name for r in meeting_attendance(session, meeting_id=meeting_id)]
    assert names == [
        "Trần Văn An",
        "Trần Thị Ánh",
        "Lê Văn Ân",
        "Nguyễn Văn Bình",
        "Đỗ Thị Dung",
    ]


def test_meeting_that_ends_before_it_starts_is_refused(session: Session) -> None:
    with pytest.raises(Invalid):
        create_meeting(session, title="Họp", starts_at=START, ends_at=START)


def test_gallery_cache_reloads_after_templates_change_and_after_erasure(session: Session) -> None:
    a, b = people(session, "Nguyễn Văn An", "Trần Thị Bình")
    cache = GalleryCache(model_key="fake:1", dim=4)
    assert len(cache.get(session)) == 0
    vector = np.array([1, 0, 0, 0], dtype=np.float32)
    add_template(
        session,
        person_id=a.id,
        model_key="fake:1",
        embedding=vector,
        quality=QUALITY,
        photo_sha256="p1",
    )
    add_template(
        session,
        person_id=b.id,
        model_key="fake:1",
        embedding=vector[::-1].copy(),
        quality=QUALITY,
        photo_sha256="p2",
    )
    add_template(
        session,
        person_id=b.id,
        model_key="other:2",
        embedding=vector,
        quality=QUALITY,
        photo_sha256="p3",
    )
    gallery = cache.get(session)
    assert len(gallery) == 2  # the other model's template is never loaded
    assert cache.get(session) is gallery  # unchanged version: no reload
    assert erase_templates(session, person_id=a.id) == 1
    assert list(cache.get(session).people) == [b.id]


def test_control_characters_in_names_are_refused_not_stored(session: Session) -> None:
    # PostgreSQL cannot store NUL; a name with one must be a clear 4xx, never a crash.
    with pytest.raises(Invalid):
        create_person(session, full_name="Nguyễn\x00Văn An")
    with pytest.raises(Invalid):
        create_meeting(
            session, title="Họp\x1b[31m", starts_at=START, ends_at=START + timedelta(hours=1)
        )
    assert search_people(session) == []
