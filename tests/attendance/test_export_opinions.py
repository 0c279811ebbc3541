"""An opinion collection in the PDF: what was said (by whom on a named one), not a vote table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session
from test_export_ballots import MASTER_KEY, ZONE, pdf_text

from attendance.checkin import check_in
from attendance.exports.service import export_meeting
from attendance.meetings import create_meeting, set_participants
from attendance.orm import utcnow
from attendance.people import create_person
from attendance.voting.opinions import give_opinion
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll

NAMED = "Góp ý dự thảo quy chế làm việc"
SECRET = "Góp ý về công tác cán bộ"
EMPTY = "Góp ý lịch tiếp công dân"


def _collect(
    session: Session, meeting_id: int, title: str, secrecy: str, said: list[tuple[int, str]]
) -> None:
    spec = PollSpec(title=title, kind="opinion", secrecy=secrecy, quorum="0")
    poll = create_poll(session, meeting_id=meeting_id, spec=spec, actor="admin")
    open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    for person_id, text in said:
        give_opinion(
            session, meeting_id=meeting_id, person_id=person_id, text=text, poll_id=poll.id
        )
    close_poll(
        session, meeting_id=meeting_id, poll_id=poll.id, actor="admin", master_key=MASTER_KEY
    )


def test_the_pdf_shows_each_opinion_named_or_anonymous_and_no_vote_table(session: Session) -> None:
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session, title="Kỳ họp thứ 7", starts_at=start, ends_at=start + timedelta(hours=4)
    )
    an, binh = (create_person(session, full_name=n) for n in ("Nguyễn Văn An", "Trần Thị Bình"))
    set_participants(session, meeting_id=meeting.id, person_ids=[an.id, binh.id])
    for p in (an, binh):
        check_in(
            session,
            meeting_id=meeting.id,
            person_id=p.id,
            source="kiosk",
            idempotency_key=f"in-{p.id}",
            at=start,
        )
    _collect(
        session,
        meeting.id,
        NAMED,
        "named",
        [(an.id, "Đề nghị bổ sung điều 5"), (binh.id, "Nhất trí với dự thảo")],
    )
    _collect(session, meeting.id, SECRET, "secret", [(an.id, "Cần công khai tiêu chí")])
    _collect(session, meeting.id, EMPTY, "named", [])
    exported = export_meeting(session, meeting_id=meeting.id, format="pdf", zone=ZONE)
    flat = " ".join(pdf_text(exported.content).split())
    results = flat.split("KẾT QUẢ BIỂU QUYẾT")[1].split("BIÊN BẢN")[0]
    named = results.split(NAMED)[1].split(SECRET)[0]
    assert "Lấy ý kiến, không biểu quyết (ý kiến ghi tên, 2 ý kiến)" in named
    assert "Nguyễn Văn An Đề nghị bổ sung điều 5" in named
    assert "Trần Thị Bình Nhất trí với dự thảo" in named
    assert "Phương án" not in named and "Số phiếu" not in named  # no empty vote table
    secret = results.split(SECRET)[1].split(EMPTY)[0]
    assert "Cần công khai tiêu chí" in secret and "ý kiến không ghi tên, 1 ý kiến" in secret
    assert "Nguyễn Văn An" not in secret and "Người góp ý" not in secret  # nobody's opinion
    assert "Không có ý kiến nào." in results.split(EMPTY)[1]
    # The minutes too: each opinion on its own line, a secret one without its author.
    minutes = flat.split("BIÊN BẢN")[1]
    assert f"- {NAMED}: lấy ý kiến, không biểu quyết (ý kiến ghi tên, 2 ý kiến)." in minutes
    assert "+ Nguyễn Văn An: Đề nghị bổ sung điều 5" in minutes
    assert "+ Cần công khai tiêu chí" in minutes
    assert "biểu quyết công khai, 0 phiếu" not in flat
