"""The conclusion notice drafted from a meeting: its content, the DOCX (python-docx reads it
back) and the PDF (pypdf reads it back) hold the same attendance, polls, opinions and
conclusions; an empty meeting still gives a notice."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, timedelta

from docx import Document
from notice_support import (
    ABSENT_NO_REASON,
    ABSENT_WITH_REASON,
    AGREE_TEXT,
    CHAIR,
    CONCLUSIONS,
    ITEMS,
    MASTER_KEY,
    NAMED_MOTION,
    OBJECT_TEXT,
    OBSERVER,
    OTHER_TEXT,
    PRESENT,
    REASON,
    SECRET_MOTION,
    TITLE,
    ZONE,
    notice_meeting,
)
from pypdf import PdfReader
from sqlalchemy.orm import Session

from attendance.meetings import create_meeting
from attendance.notices.content import DOTS, notice_content, place_and_date
from attendance.notices.docx_file import render_docx
from attendance.notices.pdf_file import render_notice_pdf
from attendance.orm import utcnow
from attendance.voting.opinions import give_opinion
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll


def docx_text(data: bytes) -> str:
    """Every paragraph, the tables' cells included (the header and footer are tables)."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def pdf_words(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    text = unicodedata.normalize("NFC", " ".join(page.extract_text() for page in pages))
    return " ".join(text.split())


def expected_phrases() -> list[str]:
    return [
        "THÔNG BÁO",
        # The title begins "Họp": the word is not said twice ("tại cuộc họp Họp giao ban").
        f"Kết luận của đồng chí {CHAIR} tại cuộc họp {TITLE.removeprefix('Họp ')}",
        "Số: 125/TB-UBND",
        "Long Biên, ngày 07 tháng 12 năm 2026",
        "Số đại biểu được triệu tập: 5; có mặt: 3; vắng mặt: 2; khách mời (không biểu quyết): 1.",
        "Danh sách có mặt (3):",
        "Khách mời, không biểu quyết (1, có mặt 1):",
        f"- {OBSERVER};",
        f"{ABSENT_WITH_REASON} \u2013 vắng có lý do: {REASON}",
        f"{ABSENT_NO_REASON} \u2013 không có lý do",
        "Ý kiến của đại biểu: 3 ý kiến (Đồng ý: 1; Không đồng ý: 1; Ý kiến khác: 1).",
        f"{CHAIR}: {AGREE_TEXT}",
        f"{PRESENT[1]}: {OBJECT_TEXT}",
        OTHER_TEXT,
        f"Kết quả biểu quyết \u201c{NAMED_MOTION}\u201d: Thông qua, tán thành 3 trên 3",
        f"Kết quả biểu quyết \u201c{SECRET_MOTION}\u201d: Không thông qua, tán thành 1 trên 3",
        "Nguyên tắc: quá nửa, tính trên số đại biểu có mặt",
        f"Kết luận: {CONCLUSIONS[0]}",
        f"Kết luận: {CONCLUSIONS[1]}",
        "- Thường trực Quận ủy;",
        "- Lưu: VT.",
        "CHÁNH VĂN PHÒNG",
        "Đỗ Thị Lan",
    ]


def test_the_content_counts_attendance_opinions_and_polls_per_item(session: Session) -> None:
    made = notice_meeting(session)
    content = notice_content(session, meeting_id=made.meeting_id, tz=ZONE)
    assert (content.invited, content.present, content.absent, content.guests) == (5, 3, 2, 1)
    assert [p.name for p in content.attendees if p.observer] == [OBSERVER]
    reasons = {p.name: p.absence_reason for p in content.absentees}
    assert reasons == {ABSENT_WITH_REASON: REASON, ABSENT_NO_REASON: None}
    first, second = content.items
    assert (first.title, second.title) == ITEMS
    assert [(g.stance, g.count) for g in first.stances] == [
        ("agree", 1),
        ("object", 1),
        ("other", 1),
    ]
    assert second.opinion_count == 0
    assert [p.title for p in first.polls] == [NAMED_MOTION]
    assert first.polls[0].outcome.startswith("Thông qua")
    assert second.polls[0].outcome.startswith("Không thông qua")
    assert "bỏ phiếu kín" in second.polls[0].outcome and second.polls[0].secret
    assert (first.conclusion, second.conclusion) == CONCLUSIONS


def test_the_docx_is_an_a4_word_document_holding_the_meeting(session: Session) -> None:
    made = notice_meeting(session)
    data = render_docx(notice_content(session, meeting_id=made.meeting_id, tz=ZONE))
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    # Stored in twentieths of a point: A4 to the tenth of a millimetre.
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
    assert document.styles["Normal"].font.name == "Times New Roman"  # type: ignore[attr-defined]
    header = document.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN" in header[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    text = docx_text(data)
    for phrase in expected_phrases():
        assert phrase in text, phrase
    # The vote counts in a real table, not only in the sentence.
    counts = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Đồng ý", "3"] in counts and ["Không đồng ý", "2"] in counts
    assert ["Được triệu tập", "Có mặt", "Vắng mặt", "Khách mời"] in counts
    footer = document.tables[-1].rows[0].cells
    assert footer[0].text.startswith("Nơi nhận:") and "Đỗ Thị Lan" in footer[1].text


def test_the_pdf_holds_the_same_words(session: Session) -> None:
    made = notice_meeting(session)
    data = render_notice_pdf(notice_content(session, meeting_id=made.meeting_id, tz=ZONE))
    text = pdf_words(data)
    for phrase in expected_phrases():
        assert phrase in text, phrase


def test_an_empty_meeting_still_gives_a_notice_with_blanks_to_fill(session: Session) -> None:
    start = utcnow() + timedelta(days=1)
    meeting = create_meeting(
        session, title="Họp chưa có ai", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    content = notice_content(session, meeting_id=meeting.id, tz=ZONE)
    assert (content.invited, content.present, content.absent) == (0, 0, 0)
    assert content.items == () and content.issuing_body == DOTS
    assert content.recipients == ("- Như trên;", "- Lưu: VT.")
    text = docx_text(render_docx(content))
    assert f"Kết luận của {DOTS} tại cuộc họp chưa có ai" in text
    assert f"ngày {DOTS} tháng {DOTS} năm {DOTS}" in text
    assert "Số đại biểu được triệu tập: 0; có mặt: 0; vắng mặt: 0." in text
    assert "tại cuộc họp chưa có ai" in pdf_words(render_notice_pdf(content))


def test_the_date_line_pads_the_day_and_the_first_two_months() -> None:
    assert place_and_date("Long Biên", date(2026, 2, 5)) == "Long Biên, ngày 05 tháng 02 năm 2026"
    assert place_and_date("Hà Nội", date(2026, 11, 30)) == "Hà Nội, ngày 30 tháng 11 năm 2026"


def test_what_belongs_to_no_item_comes_last_and_anonymous_opinions_stay_unnamed(
    session: Session,
) -> None:
    made = notice_meeting(session)
    spec = PollSpec(title="Góp ý chung", kind="opinion", secrecy="secret", quorum="0")
    poll = create_poll(session, meeting_id=made.meeting_id, spec=spec, actor="admin")
    open_poll(session, meeting_id=made.meeting_id, poll_id=poll.id, actor="admin")
    typed = "Đề nghị **in đậm** -- và __gạch__ giữ nguyên"  # printed as typed, no markdown
    opinion = give_opinion(
        session,
        meeting_id=made.meeting_id,
        person_id=made.people[CHAIR],
        text=typed,
        poll_id=poll.id,
    )
    opinion.stance = "object"
    close_poll(
        session, meeting_id=made.meeting_id, poll_id=poll.id, actor="admin", master_key=MASTER_KEY
    )
    content = notice_content(session, meeting_id=made.meeting_id, tz=ZONE)
    other = content.items[-1]
    assert (other.number, other.title, other.agenda_item_id) == (3, "Nội dung khác", None)
    assert other.polls == ()  # an opinion collection is counted with the opinions, not a vote
    assert [(o.name, o.text) for o in other.stances[1].opinions] == [("", typed)]
    for text in (docx_text(render_docx(content)), pdf_words(render_notice_pdf(content))):
        assert f"- {typed}" in text
        assert f"{CHAIR}: {typed}" not in text
