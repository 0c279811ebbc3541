"""Exports read back: XLSX with openpyxl, CSV as Excel reads it, PDF text with pypdf."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from attendance.checkin import check_in, meeting_attendance
from attendance.errors import Invalid, NotFound
from attendance.exports.report import COLUMNS, PollSummary
from attendance.exports.service import ascii_slug, export_meeting, parse_format
from attendance.meetings import create_meeting, set_participants
from attendance.people import create_person
from attendance.presence import check_out

ZONE = "Asia/Ho_Chi_Minh"
START = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội
TITLE = "Kỳ họp thứ 12 Hội đồng nhân dân phường Bến Thành"
# (name, title, unit, minutes after the start they arrived, or None when absent)
DELEGATES = [
    ("Nguyễn Văn Bình", "Chủ tịch", "UBND phường", 0),
    ("Lê Văn Ân", "Đại biểu", "Tổ dân phố số 3", 5),
    ("Trần Thị Ánh", "Phó Chủ tịch", "HĐND phường", 20),
    ("Đỗ Thị Dung", "Đại biểu", "Hội Phụ nữ", None),
    ("Hoàng Ngọc Ẩn", "Đại biểu", "Đoàn Thanh niên", 16),
    ("Trần Văn An", "Thư ký", "Văn phòng HĐND", 1),
    ("Ngô Thanh Ưng", "Đại biểu", "Hội Cựu chiến binh", None),
]
# Given name first, then the alphabet a < ă < â ... d < đ ... u < ư.
ORDER = [
    "Trần Văn An",
    "Trần Thị Ánh",
    "Lê Văn Ân",
    "Hoàng Ngọc Ẩn",
    "Nguyễn Văn Bình",
    "Đỗ Thị Dung",
    "Ngô Thanh Ưng",
]
POLL = PollSummary(
    title="Thông qua Nghị quyết về dự toán ngân sách năm 2026",
    counts=(("Đồng ý", 4), ("Không đồng ý", 1), ("Không biểu quyết", 0)),
    outcome="Thông qua (4/5 đại biểu có mặt đồng ý)",
)


@pytest.fixture
def meeting_id(session: Session) -> int:
    meeting = create_meeting(
        session,
        title=TITLE,
        room="Hội trường tầng 2",
        starts_at=START,
        ends_at=START + timedelta(hours=3),
        late_after_minutes=15,
    )
    people = [create_person(session, full_name=n, title=t, unit=u) for n, t, u, _ in DELEGATES]
    set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
    for person, (_, _, _, minutes) in zip(people, DELEGATES):
        if minutes is not None:
            check_in(
                session,
                meeting_id=meeting.id,
                person_id=person.id,
                source="kiosk-cửa-A",
                idempotency_key=f"k-{person.id}",
                at=START + timedelta(minutes=minutes, seconds=30),
            )
    return meeting.id


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_xlsx_reads_back_with_a_formatted_header_and_rows_in_vietnamese_order(
    session: Session, meeting_id: int
) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="xlsx", zone=ZONE)
    assert exported.media_type.endswith("spreadsheetml.sheet")
    assert exported.filename == f"{TITLE} 2026-03-02.xlsx"
    assert (
        exported.ascii_filename
        == "ky-hop-thu-12-hoi-dong-nhan-dan-phuong-ben-thanh-2026-03-02.xlsx"
    )
    book = load_workbook(io.BytesIO(exported.content))
    sheet = book["Điểm danh"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [r[1] for r in rows[1:]] == ORDER
    assert [r[0] for r in rows[1:]] == list(range(1, 8))
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Trần Văn An"][2:] == (
        "Thư ký",
        "Văn phòng HĐND",
        "08:01",
        "Có mặt",
        None,
        "Đại biểu",
    )
    assert by_name["Trần Thị Ánh"][4:7] == ("08:20", "Đi muộn", "Muộn 20 phút")
    assert by_name["Đỗ Thị Dung"][4:6] == (None, "Vắng mặt")
    summary = dict(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary["Cuộc họp"] == TITLE
    assert (summary["Có mặt đúng giờ"], summary["Đi muộn"], summary["Vắng mặt"]) == (3, 2, 2)


def test_csv_has_a_bom_and_the_same_rows(session: Session, meeting_id: int) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="CSV", zone=ZONE)
    assert exported.content.startswith(b"\xef\xbb\xbf")
    assert exported.media_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert [r[1] for r in rows[1:]] == ORDER
    assert rows[4] == [
        "4",
        "Hoàng Ngọc Ẩn",
        "Đại biểu",
        "Đoàn Thanh niên",
        "08:16",
        "Đi muộn",
        "Muộn 16 phút",
        "Đại biểu",
    ]


def test_text_that_looks_like_a_formula_stays_text(session: Session, meeting_id: int) -> None:
    person = create_person(session, full_name="Lý Thị Bê", unit='=HYPERLINK("http://x")')
    roster = [*range(1, len(DELEGATES) + 1), person.id]
    set_participants(session, meeting_id=meeting_id, person_ids=roster)
    as_csv = export_meeting(session, meeting_id=meeting_id, format="csv", zone=ZONE)
    assert "'=HYPERLINK" in as_csv.content.decode("utf-8-sig")
    as_xlsx = export_meeting(session, meeting_id=meeting_id, format="xlsx", zone=ZONE)
    sheet = load_workbook(io.BytesIO(as_xlsx.content))["Điểm danh"]
    cell = next(c for c in sheet["D"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"


def test_pdf_text_round_trips_vietnamese_exactly(session: Session, meeting_id: int) -> None:
    exported = export_meeting(
        session, meeting_id=meeting_id, format="pdf", zone=ZONE, polls=(POLL,)
    )
    assert exported.media_type == "application/pdf"
    assert exported.content.startswith(b"%PDF-")
    assert b"BeVietnamPro" in exported.content  # the font travels inside the file
    text = pdf_text(exported.content)
    assert unicodedata.is_normalized("NFC", text)
    flat = " ".join(text.split())
    for expected in [
        TITLE,
        "Hội trường tầng 2",
        "TỔNG HỢP ĐIỂM DANH",
        "DANH SÁCH ĐẠI BIỂU CÓ MẶT",
        "KẾT QUẢ BIỂU QUYẾT",
        POLL.title,
        "Không đồng ý",
        "Kết quả: Thông qua (4/5 đại biểu có mặt đồng ý)",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",  # en dashes
        "BIÊN BẢN",
        "bắt đầu lúc 08 giờ 00 phút, ngày 02 tháng 3 năm 2026",
        "Có mặt: 5/7 đại biểu (đúng giờ: 3, đi muộn: 2)",
        "Vắng mặt: 2 (Đỗ Thị Dung, Ngô Thanh Ưng).",
        "CHỦ TỌA",
        "THƯ KÝ",
    ]:
        assert expected in flat, expected
    present_list = flat.split("DANH SÁCH ĐẠI BIỂU CÓ MẶT")[1].split("KẾT QUẢ BIỂU QUYẾT")[0]
    positions = [
        present_list.find(name) for name in ORDER if name not in ("Đỗ Thị Dung", "Ngô Thanh Ưng")
    ]
    assert -1 not in positions and positions == sorted(positions)
    assert "Đỗ Thị Dung" not in present_list and "Ngô Thanh Ưng" not in present_list


def test_pdf_without_polls_says_so(session: Session, meeting_id: int) -> None:
    exported = export_meeting(session, meeting_id=meeting_id, format="pdf", zone=ZONE)
    flat = " ".join(pdf_text(exported.content).split())
    assert flat.count("Không có biểu quyết") == 2  # the results section and the minutes


def test_unknown_format_and_unknown_meeting_are_domain_errors(
    session: Session, meeting_id: int
) -> None:
    with pytest.raises(Invalid) as error:
        export_meeting(session, meeting_id=meeting_id, format="docx", zone=ZONE)
    assert error.value.code == "UNKNOWN_EXPORT_FORMAT"
    assert "không được hỗ trợ" in error.value.message and "not supported" in error.value.message
    with pytest.raises(NotFound):
        export_meeting(session, meeting_id=meeting_id + 1, format="pdf", zone=ZONE)
    assert parse_format(" PDF ").value == "pdf"


def test_ascii_file_name_drops_marks_and_unsafe_characters() -> None:
    assert ascii_slug("Họp giao ban: Đảng ủy / Quý I") == "hop-giao-ban-dang-uy-quy-i"
    assert ascii_slug("会议") == "export"


def test_notes_carry_departures_and_the_reasons_given_by_hand(
    session: Session, meeting_id: int
) -> None:
    rows = meeting_attendance(session, meeting_id=meeting_id)
    present = next(r for r in rows if r.first_seen_at is not None)
    check_out(
        session,
        meeting_id=meeting_id,
        person_id=present.person.id,
        reason="Đi công tác đột xuất",
        actor="thư ký",
        idempotency_key="out-1",
        at=START + timedelta(hours=1, minutes=5),
    )
    exported = export_meeting(session, meeting_id=meeting_id, format="csv", zone=ZONE)
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    [row] = [r for r in table if r[1] == present.person.full_name]
    assert "Ra về lúc 09:05" in row[6] and "Đi công tác đột xuất" in row[6]
