"""Exports tell voting members (đại biểu) from guests (khách mời), and count them apart."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from attendance.checkin import check_in
from attendance.exports.report import COLUMNS
from attendance.exports.service import export_meeting
from attendance.meetings import create_meeting, set_participants
from attendance.orm import Person, utcnow
from attendance.people import create_person
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll

ZONE = "Asia/Ho_Chi_Minh"
MASTER_KEY = MasterKey(secret="a master key for the tests' secret polls only")
# (name, voting member?, arrived?)
ROSTER = [
    ("Nguyễn Văn An", True, True),
    ("Trần Thị Bình", True, True),
    ("Lê Văn Cường", True, True),
    ("Tạ Quang Huy", True, False),  # the one absent delegate
    ("Phan Văn Tài", False, False),  # a guest who did not come: never an absent delegate
    ("Hồ Thị Phóng Viên", False, True),  # a reporter, present: not a delegate present
]
MOTION = "Thông qua kế hoạch năm 2027"


@pytest.fixture
def meeting_id(session: Session) -> int:
    """Four voting members (three came), two guests (one came), a named motion closed."""
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session, title="Kỳ họp có khách", starts_at=start, ends_at=start + timedelta(hours=3)
    )
    people = {n: create_person(session, full_name=n) for n, _, _ in ROSTER}
    set_participants(
        session,
        meeting_id=meeting.id,
        person_ids=[p.id for p in people.values()],
        non_voting_ids=[people[n].id for n, votes, _ in ROSTER if not votes],
    )
    for name, _, came in ROSTER:
        if came:
            check_in(
                session,
                meeting_id=meeting.id,
                person_id=people[name].id,
                source="kiosk",
                idempotency_key=f"in-{name}",
                at=start + timedelta(minutes=1),
            )
    poll = create_poll(session, meeting_id=meeting.id, spec=PollSpec(title=MOTION), actor="a")
    open_poll(session, meeting_id=meeting.id, poll_id=poll.id, actor="a")
    agree = next(o.id for o in poll.options if o.label == "Đồng ý")
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        cast_ballot(
            session,
            meeting_id=meeting.id,
            poll_id=poll.id,
            voter_id=session.query(Person).filter_by(full_name=name).one().id,
            option_ids=[agree],
            channel="link",
            master_key=MASTER_KEY,
        )
    close_poll(session, meeting_id=meeting.id, poll_id=poll.id, actor="a", master_key=MASTER_KEY)
    return meeting.id


def _pdf_flat(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in pages))
    return " ".join(text.split())


def test_minutes_count_only_voting_members_and_list_guests_apart(
    session: Session, meeting_id: int
) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="pdf", zone=ZONE)
    flat = _pdf_flat(exported.content)
    minutes = flat.split("BIÊN BẢN")[1]
    assert "Số đại biểu được triệu tập: 4." in minutes
    assert "Có mặt: 3/4 đại biểu" in minutes
    assert "Vắng mặt: 1 (Tạ Quang Huy)." in minutes  # the guest who stayed away is not
    assert "Khách mời (không biểu quyết): 2 (Phan Văn Tài, Hồ Thị Phóng Viên); có mặt: 1." in (
        minutes
    )
    # The poll's base (all voting members) is the same 4 the minutes call.
    assert "trên 4 (tổng số đại biểu)" in flat
    present = flat.split("DANH SÁCH ĐẠI BIỂU CÓ MẶT")[1].split("DANH SÁCH KHÁCH MỜI")[0]
    assert "Nguyễn Văn An" in present and "Hồ Thị Phóng Viên" not in present
    guests = flat.split("DANH SÁCH KHÁCH MỜI")[1].split("KẾT QUẢ BIỂU QUYẾT")[0]
    assert "Hồ Thị Phóng Viên" in guests and "Phan Văn Tài" in guests
    assert "Nguyễn Văn An" not in guests
    summary = flat.split("TỔNG HỢP ĐIỂM DANH")[1].split("DANH SÁCH ĐẠI BIỂU CÓ MẶT")[0]
    assert "Đại biểu được triệu tập" in summary and " 4 3 3 0 1 0" in summary
    assert "Khách mời (không biểu quyết): 2, có mặt: 1." in summary


def test_xlsx_has_a_delegate_or_guest_column_and_counts_them_apart(
    session: Session, meeting_id: int
) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="xlsx", zone=ZONE)
    book = load_workbook(io.BytesIO(exported.content))
    rows = list(book["Điểm danh"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS and COLUMNS[-1] == "Thành phần"
    role = {r[1]: r[-1] for r in rows[1:]}
    assert role == {n: "Đại biểu" if votes else "Khách mời" for n, votes, _ in ROSTER}
    status = {r[1]: r[5] for r in rows[1:]}
    assert status["Phan Văn Tài"] == "Vắng mặt" and status["Hồ Thị Phóng Viên"] == "Có mặt"
    summary = dict(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary["Số đại biểu được triệu tập"] == 4
    assert summary["Đại biểu có mặt"] == 3
    assert summary["Vắng mặt"] == 1
    assert (summary["Số khách mời"], summary["Khách mời có mặt"]) == (2, 1)
    assert "Số đại biểu được mời" not in summary  # it counted guests among the delegates


def test_csv_has_the_same_column(session: Session, meeting_id: int) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="csv", zone=ZONE)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Thành phần"
    assert {r[1]: r[-1] for r in rows[1:]}["Phan Văn Tài"] == "Khách mời"
    assert {r[1]: r[-1] for r in rows[1:]}["Tạ Quang Huy"] == "Đại biểu"
