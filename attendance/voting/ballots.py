"""Casting a ballot: one per eligible member, present at that moment, while the poll is open."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Forbidden, Invalid, NotFound
from attendance.meetings import require_on_roster, roster_name
from attendance.orm import AttendanceEvent, Participant, utcnow
from attendance.people import get_person
from attendance.presence import presence_event, require_present
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import get_poll, not_in_state
from attendance.voting.secret_ballots import check_master_key, store_secret_ballot
from attendance.voting.tables import BallotRecord, NamedChoice, Poll, Proxy

logger = logging.getLogger(__name__)

CHANNELS = ("link", "face")


@dataclass(frozen=True)
class BallotReceipt:
    record: BallotRecord
    changed: bool  # an earlier ballot was replaced (polls that allow changing)


def cast_ballot(
    session: Session,
    *,
    meeting_id: int,
    poll_id: int,
    voter_id: int,
    option_ids: list[int],
    channel: str,
    on_behalf_of: int | None = None,
    master_key: MasterKey | None = None,
) -> BallotReceipt:
    """`voter_id` is who is casting; `on_behalf_of` the absent member whose proxy they hold.
    A secret poll's ballot is sealed under a key that `master_key` wraps (needed for those)."""
    poll = get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
    if poll.state != "open":
        raise not_in_state(poll, wanted="open")
    if channel not in CHANNELS:
        raise Invalid(f"Kênh bỏ phiếu không hợp lệ: {channel}. Unknown channel: {channel}.")
    if poll.secrecy == "secret":
        check_master_key(poll, master_key)
    member_id = voter_id if on_behalf_of is None else on_behalf_of
    eligibility, member_name = _eligibility(session, poll, voter_id=voter_id, member_id=member_id)
    chosen = _valid_options(poll, option_ids)
    previous = session.scalars(
        select(BallotRecord).where(
            BallotRecord.poll_id == poll.id, BallotRecord.person_id == member_id
        )
    ).first()
    if previous is not None and not (
        poll.allow_change and voter_id in (member_id, previous.cast_by_id)
    ):
        # A proxy holder never overwrites the member's own ballot, nor another's.
        raise _already_voted(member_name)
    # The ballot meets the closing of the poll on the poll's row: once it is closed, this
    # matches nothing, whatever was read above.
    bumped = session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.state == "open")
        .values(ballots_cast=Poll.ballots_cast + (0 if previous else 1))
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not bumped:
        if session.scalar(select(Poll.id).where(Poll.id == poll.id)) is None:
            raise NotFound(  # its meeting was deleted meanwhile
                f"Không còn biểu quyết số {poll.id}. Poll {poll.id} no longer exists.",
                code="NOT_FOUND",
            )
        session.refresh(poll, ["state", "ballots_cast"])
        raise not_in_state(poll, wanted="open")
    session.refresh(poll, ["state", "ballots_cast"])
    if previous is not None:  # named polls only: a secret ballot cannot be found again
        session.execute(delete(NamedChoice).where(NamedChoice.voter_id == previous.id))
        previous.cast_by_id, previous.channel, previous.at = voter_id, channel, utcnow()
        previous.eligibility_event_id = eligibility.id
        record = previous
    else:
        record = BallotRecord(
            poll_id=poll.id,
            person_id=member_id,
            cast_by_id=voter_id,
            eligibility_event_id=eligibility.id,
            channel=channel,
        )
        session.add(record)
    try:
        session.flush()
    except IntegrityError as exc:  # the same member's other ballot won a race
        raise _already_voted(member_name) from exc  # no query: the transaction is spent
    if poll.secrecy == "secret":
        # Sealed, not counted: a counter that moved in the same commit as this voter's row
        # would tell a reader of the database's log what they chose.
        store_secret_ballot(session, poll=poll, option_ids=chosen, master_key=master_key)
    else:
        session.add_all(NamedChoice(voter_id=record.id, option_id=o) for o in chosen)
    session.flush()
    detail: dict[str, object] = {"cast_by": voter_id, "channel": channel}
    if poll.secrecy == "named":
        detail["options"] = chosen
    audit.record(
        session,
        actor=f"person:{voter_id}",
        action="ballot_changed" if previous else "ballot_cast",
        meeting_id=meeting_id,
        subject=f"poll:{poll.id}:person:{member_id}",
        detail=detail,
    )
    logger.info("ballot in poll %s (%s)", poll.id, poll.secrecy)
    return BallotReceipt(record, changed=previous is not None)


def _already_voted(full_name: str) -> Conflict:
    return Conflict(
        f"{full_name} đã bỏ phiếu cho nội dung này. This member has already voted in this poll.",
        code="ALREADY_VOTED",
    )


def _eligibility(
    session: Session, poll: Poll, *, voter_id: int, member_id: int
) -> tuple[AttendanceEvent, str]:
    """The presence event that lets this vote count, and the member's name; refusals say why."""
    voter = get_person(session, person_id=voter_id)
    member = get_person(session, person_id=member_id) if member_id != voter_id else voter
    require_on_roster(session, meeting_id=poll.meeting_id, person=voter)
    rights = dict(
        session.execute(
            select(Participant.person_id, Participant.voting_rights).where(
                Participant.meeting_id == poll.meeting_id,
                Participant.person_id.in_({voter_id, member_id}),
            )
        ).all()
    )
    if member_id not in rights or not rights[member_id]:
        raise Forbidden(
            f"{roster_name(session, meeting_id=poll.meeting_id, person=member)} không có quyền "
            "biểu quyết trong cuộc họp này. "
            "This member has no vote in this meeting.",
            code="NO_VOTING_RIGHTS",
        )
    if member_id != voter_id:
        proxy = session.scalars(
            select(Proxy).where(
                Proxy.meeting_id == poll.meeting_id,
                Proxy.grantor_id == member_id,
                Proxy.holder_id == voter_id,
            )
        ).first()
        if proxy is None:
            raise Forbidden(
                f"{voter.full_name} không được {member.full_name} ủy quyền. "
                "This person holds no proxy from that member.",
                code="NO_PROXY",
            )
        if presence_event(session, meeting_id=poll.meeting_id, person_id=member_id, at=utcnow()):
            raise Forbidden(
                f"{member.full_name} đang có mặt và tự bỏ phiếu; ủy quyền chỉ dùng khi vắng. "
                "That member is present and votes in person; a proxy is for absence only.",
                code="GRANTOR_PRESENT",
            )
    event = require_present(
        session,
        meeting_id=poll.meeting_id,
        person=voter,
        at=utcnow(),
        message=f"{voter.full_name} chưa điểm danh hoặc đã ra về: chỉ người có mặt mới được bỏ "
        "phiếu. Only members present in the room may vote (checked in, not checked out).",
    )
    return event, member.full_name


def _valid_options(poll: Poll, option_ids: list[int]) -> list[int]:
    known = {o.id for o in poll.options}
    chosen = sorted(set(option_ids))
    if poll.kind == "opinion":
        raise Invalid(
            "Nội dung lấy ý kiến không nhận phiếu, hãy gửi ý kiến. "
            "An opinion collection takes opinions, not ballots.",
            code="INVALID_OPTION",
        )
    if not chosen or len(chosen) != len(option_ids) or not set(chosen) <= known:
        raise Invalid(
            "Phương án không hợp lệ: hãy chọn trong các phương án của nội dung này, mỗi phương "
            "án một lần. Invalid option: choose among this poll's options, each at most once.",
            code="INVALID_OPTION",
        )
    if len(chosen) > poll.max_choices:
        raise Invalid(
            f"Chỉ được chọn tối đa {poll.max_choices} phương án. "
            f"At most {poll.max_choices} "
            f"{'choice is' if poll.max_choices == 1 else 'choices are'} allowed.",
            code="INVALID_OPTION",
        )
    return chosen
