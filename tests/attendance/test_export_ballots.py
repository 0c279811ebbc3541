"""Named ballots in the XLSX and the PDF, in Vietnamese order; the PDF's wording and tables."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from attendance.checkin import Status, check_in
from attendance.exports.pdf import render_pdf
from attendance.exports.pdf_document import KEEP_ROWS, ReportPdf
from attendance.exports.report import (
    AttendanceSummary,
    ExportRow,
    MeetingReport,
    NamedBallot,
    PollSummary,
)
from attendance.exports.service import export_meeting
from attendance.meetings import create_meeting, set_participants
from attendance.orm import Person, utcnow
from attendance.people import create_person
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll

ZONE = "Asia/Ho_Chi_Minh"
MASTER_KEY = MasterKey(secret="a master key for the tests' secret polls only")
# Family name first as written; the raw strings sort Lê, Nguyễn, Phạm, Trần, Đỗ.
MEMBERS = ["Nguyễn Văn Bình", "Trần Văn An", "Lê Thị Ánh", "Đỗ Văn Ân", "Phạm Văn Cường"]
# Vietnamese order: given name first (An < Ánh < Ân < Bình < Cường).
ORDER = ["Trần Văn An", "Lê Thị Ánh", "Đỗ Văn Ân", "Nguyễn Văn Bình", "Phạm Văn Cường"]
MOTION = "Thông qua dự toán ngân sách năm 2027"
ELECTION = "Bầu tổ trưởng tổ đại biểu"
SECRET = "Bầu trưởng ban (bỏ phiếu kín)"


def _poll(session: Session, meeting_id: int, spec: PollSpec, votes: dict[str, str]) -> None:
    poll = create_poll(session, meeting_id=meeting_id, spec=spec, actor="admin")
    open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    people = {p.full_name: p.id for p in session.query(Person)}
    for name, label in votes.items():
        option = next(o.id for o in poll.options if o.label == label)
        cast_ballot(
            session,
            meeting_id=meeting_id,
            poll_id=poll.id,
            voter_id=people[name],
            option_ids=[option],
            channel="link",
            master_key=MASTER_KEY,
        )
    close_poll(
        session, meeting_id=meeting_id, poll_id=poll.id, actor="admin", master_key=MASTER_KEY
    )


@pytest.fixture
def meeting_id(session: Session) -> int:
    """Five members present; a named motion, a named election and a secret one, all closed."""
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session, title="Kỳ họp thứ 7", starts_at=start, ends_at=start + timedelta(hours=4)
    )
    people = [create_person(session, full_name=n) for n in MEMBERS]
    set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
    for p in people:
        check_in(
            session,
            meeting_id=meeting.id,
            person_id=p.id,
            source="kiosk",
            idempotency_key=f"in-{p.id}",
            at=start,
        )
    agree = dict.fromkeys(MEMBERS, "Đồng ý") | {"Lê Thị Ánh": "Không đồng ý"}
    _poll(session, meeting.id, PollSpec(title=MOTION), agree)
    candidates = ["Lê Văn Tám", "Phạm Thị Mười"]
    named = PollSpec(title=ELECTION, kind="election", options=candidates, majority="simple")
    _poll(session, meeting.id, named, dict.fromkeys(MEMBERS[:3], "Lê Văn Tám"))
    secret = PollSpec(
        title=SECRET,
        kind="election",
        options=["Võ Thị Sáu", "Hồ Văn Bảy"],
        secrecy="secret",
        majority="simple",
    )
    _poll(session, meeting.id, secret, dict.fromkeys(MEMBERS, "Hồ Văn Bảy"))
    return meeting.id


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in pages))


def test_xlsx_lists_who_chose_what_in_named_polls_in_vietnamese_order(
    session: Session, meeting_id: int
) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="xlsx", zone=ZONE)
    book = load_workbook(io.BytesIO(exported.content))
    rows = list(book["Phiếu ghi tên"].iter_rows(values_only=True))
    assert rows[0] == ("Nội dung biểu quyết", "STT", "Họ và tên", "Lựa chọn", "Người bỏ phiếu thay")
    motion = [r for r in rows[1:] if r[0] == MOTION]
    assert [r[2] for r in motion] == ORDER
    assert [r[1] for r in motion] == [1, 2, 3, 4, 5]
    assert {r[2]: r[3] for r in motion}["Lê Thị Ánh"] == "Không đồng ý"
    election = [r for r in rows[1:] if r[0] == ELECTION]
    assert [(r[2], r[3]) for r in election] == [
        ("Trần Văn An", "Lê Văn Tám"),
        ("Lê Thị Ánh", "Lê Văn Tám"),
        ("Nguyễn Văn Bình", "Lê Văn Tám"),
    ]
    # A secret poll's ballots are nobody's: not its title, not its candidates.
    cells = {str(c) for r in rows for c in r}
    assert SECRET not in cells and "Hồ Văn Bảy" not in cells


def test_pdf_holds_the_named_ballots_in_order_and_reads_cleanly(
    session: Session, meeting_id: int
) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="pdf", zone=ZONE)
    flat = " ".join(pdf_text(exported.content).split())
    results = flat.split("KẾT QUẢ BIỂU QUYẾT")[1].split("BIÊN BẢN")[0]
    motion = results.split(MOTION)[1].split(ELECTION)[0]
    assert "Phiếu ghi tên" in motion
    positions = [motion.find(name) for name in ORDER]
    assert -1 not in positions and positions == sorted(positions)
    secret = results.split(SECRET)[1]
    assert "Phiếu ghi tên" not in secret and "Người bỏ phiếu thay" not in secret
    assert "Độc lập – Tự do – Hạnh phúc" in flat  # en dashes, as the state writes it
    assert "Độc lập - Tự do" not in flat
    assert "::" not in flat and "Kết quả: Kết quả:" not in flat
    assert "Kết quả: trúng cử 1/1: Lê Văn Tám (3)" in flat
    assert "Kết quả: Thông qua, tán thành 4 trên 5" in flat


def _report(attendees: int, ballots: int) -> MeetingReport:
    start = datetime(2026, 12, 7, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    rows = tuple(
        ExportRow(i, f"Khách mời số {i:03d}", "Đại biểu", "Tổ 1", "08:00", Status.PRESENT, "")
        for i in range(1, attendees + 1)
    )
    named = tuple(NamedBallot(f"Người bỏ phiếu {i:03d}", "Đồng ý") for i in range(ballots))
    poll = PollSummary(MOTION, (("Đồng ý", ballots),), "Thông qua, tán thành", named)
    return MeetingReport(
        meeting_id=1,
        title="Hội nghị",
        room=None,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        rows=rows,
        summary=AttendanceSummary(expected=attendees, present=attendees, late=0, absent=0),
        polls=(poll,),
    )


@pytest.mark.parametrize(
    ("attendees", "ballots"),
    # 25 and 58 attendees left one row alone on the next page before (24 + 1, 24 + 33 + 1).
    [(25, 0), (58, 0), (40, 36)],
)
def test_no_page_holds_a_single_row_of_a_table_and_each_repeats_the_heading(
    attendees: int, ballots: int
) -> None:
    pages = [
        unicodedata.normalize("NFC", p.extract_text())
        for p in PdfReader(io.BytesIO(render_pdf(_report(attendees, ballots)))).pages
    ]
    for number, text in enumerate(pages, 1):
        for marker, heading in (("Khách mời số", "Giờ đến"), ("Người bỏ phiếu 0", "Lựa chọn")):
            count = len(re.findall(marker, text))
            assert count != 1, f"page {number} holds a single row ({marker})"
            if count:
                assert heading in text, f"page {number} lacks the table's heading"
    rows = sum(len(re.findall("Khách mời số", text)) for text in pages)
    assert rows == attendees


@pytest.mark.parametrize("y", [30.0, 150.0, 240.0, 262.0, 270.0])
@pytest.mark.parametrize("count", [1, 2, 3, 33, 34, 35, 66, 67, 68])
def test_rows_are_laid_out_so_no_page_takes_fewer_than_two(y: float, count: int) -> None:
    pdf = ReportPdf(title="x")
    pdf.add_page()
    pdf.set_y(y)
    fresh, parts = pdf._paginate([7.5] + [7.5] * count)
    assert [i for part in parts for i in part] == list(range(1, count + 1))
    assert all(len(part) >= min(KEEP_ROWS, count) for part in parts), parts
    # A new page only when the heading and the first rows (three, or all if fewer) do not fit.
    first = min(count, 2 * KEEP_ROWS - 1)
    assert fresh == (pdf.page_break_trigger - y < 7.5 * (1 + first) + 0.2 * first)
