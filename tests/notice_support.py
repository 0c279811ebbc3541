"""A meeting for the conclusion notice's tests: a roster (one absent with a reason, one absent
without, one observer), check-ins, two agenda items, a named motion passed, a secret one not,
opinions with stances, and a draft with conclusions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from attendance.agenda import add_agenda_item
from attendance.checkin import check_in
from attendance.meetings import create_meeting, set_participants
from attendance.notices.draft import save_draft
from attendance.orm import Participant, utcnow
from attendance.people import create_person
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.opinions import give_opinion
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll

MASTER_KEY = MasterKey(secret="a master key for the conclusion notice's tests only")
ZONE = "Asia/Ho_Chi_Minh"
TITLE = "Họp giao ban UBND quận Long Biên tháng 12"
CHAIR = "Nguyễn Văn An"
PRESENT = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu")
ABSENT_WITH_REASON = "Phạm Đức Dũng"
REASON = "Đi công tác tại Đà Nẵng"
ABSENT_NO_REASON = "Hoàng Thị Hà"
OBSERVER = "Vũ Quốc Khánh"
ITEMS = ("Kế hoạch phát triển kinh tế - xã hội năm 2027", "Công tác cán bộ")
NAMED_MOTION = "Thông qua kế hoạch năm 2027"
SECRET_MOTION = "Điều động cán bộ phường Bồ Đề"
CONCLUSIONS = (
    "Giao Phòng Tài chính - Kế hoạch hoàn thiện dự thảo trước ngày 20/12/2026.",
    "Thống nhất lùi việc điều động sang quý I năm 2027.",
)
AGREE_TEXT = "Nhất trí với dự thảo kế hoạch."
OBJECT_TEXT = "Chỉ tiêu thu ngân sách quá cao so với năm 2026."
OTHER_TEXT = "Cần bổ sung phần đánh giá rủi ro."


@dataclass(frozen=True)
class NoticeMeeting:
    meeting_id: int
    item_ids: tuple[int, int]
    people: dict[str, int]


def notice_meeting(session: Session) -> NoticeMeeting:
    start = utcnow() - timedelta(hours=1)
    meeting = create_meeting(
        session,
        title=TITLE,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        room="Phòng họp tầng 3",
    )
    names = (*PRESENT, ABSENT_WITH_REASON, ABSENT_NO_REASON, OBSERVER)
    people = {name: create_person(session, full_name=name).id for name in names}
    set_participants(
        session,
        meeting_id=meeting.id,
        person_ids=list(people.values()),
        non_voting_ids=[people[OBSERVER]],
    )
    participant = session.get(Participant, (meeting.id, people[ABSENT_WITH_REASON]))
    assert participant is not None
    participant.absence_reason = REASON
    for name in (*PRESENT, OBSERVER):
        check_in(
            session,
            meeting_id=meeting.id,
            person_id=people[name],
            source="kiosk",
            idempotency_key=f"in-{people[name]}",
            at=start,
        )
    items = tuple(add_agenda_item(session, meeting_id=meeting.id, title=t).id for t in ITEMS)
    said = ((CHAIR, AGREE_TEXT, "agree"), (PRESENT[1], OBJECT_TEXT, "object"))
    for name, text, stance in said:
        opinion = give_opinion(
            session,
            meeting_id=meeting.id,
            person_id=people[name],
            text=text,
            agenda_item_id=items[0],
        )
        opinion.stance = stance
    give_opinion(  # no stance said: counted as other
        session,
        meeting_id=meeting.id,
        person_id=people[PRESENT[2]],
        text=OTHER_TEXT,
        agenda_item_id=items[0],
    )
    _vote(session, meeting.id, items[0], NAMED_MOTION, "named", people, ("Đồng ý",) * 3)
    votes = ("Đồng ý", "Không đồng ý", "Không đồng ý")
    _vote(session, meeting.id, items[1], SECRET_MOTION, "secret", people, votes)
    save_draft(
        session,
        meeting_id=meeting.id,
        actor="user:thuky",
        parent_body="UBND THÀNH PHỐ HÀ NỘI",
        issuing_body="Ủy ban nhân dân quận Long Biên",
        number="125/TB-UBND",
        place="Long Biên",
        issued_on=date(2026, 12, 7),
        chair_person_id=people[CHAIR],
        signer_title="Chánh Văn phòng",
        signer_name="Đỗ Thị Lan",
        recipients="Thường trực Quận ủy;\nCác phòng, ban thuộc quận;\nLưu: VT.",
        conclusions=dict(zip(items, CONCLUSIONS, strict=True)),
    )
    session.flush()
    return NoticeMeeting(meeting.id, (items[0], items[1]), people)


def _vote(
    session: Session,
    meeting_id: int,
    item_id: int,
    title: str,
    secrecy: str,
    people: dict[str, int],
    choices: tuple[str, ...],
) -> None:
    # Three of the five voting members present: "present" as the base, a majority of it.
    spec = PollSpec(title=title, secrecy=secrecy, base="present", agenda_item_id=item_id)
    poll = create_poll(session, meeting_id=meeting_id, spec=spec, actor="admin")
    open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    for name, label in zip(PRESENT, choices, strict=True):
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
