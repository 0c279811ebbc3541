"""Response schemas of the voting routes, built from domain objects (times in local zone)."""

from __future__ import annotations

import io

import segno
from sqlalchemy.orm import Session

from api.convert import local
from api.schemas import PersonBrief
from api.schemas_voting import (
    AuditRead,
    AuditRefRead,
    BallotRead,
    OpinionRead,
    OptionRead,
    OwnBallotRead,
    PollRead,
    ProxyRead,
    ResultRead,
    TallyRead,
)
from attendance.audit_view import AuditLine, Named, source_text
from attendance.errors import Conflict
from attendance.orm import Person
from attendance.settings import Settings
from attendance.voting.ballots import BallotReceipt
from attendance.voting.own_ballots import OwnBallot
from attendance.voting.summary import stored_result
from attendance.voting.tables import Opinion, Poll, Proxy


def brief(session: Session, person_id: int) -> PersonBrief:
    person = session.get(Person, person_id)
    return PersonBrief(id=person_id, full_name=person.full_name if person else "?")


def _person(person: Person) -> PersonBrief:
    return PersonBrief(id=person.id, full_name=person.full_name)


def own_ballot_read(ballot: OwnBallot) -> OwnBallotRead:
    return OwnBallotRead(
        person=_person(ballot.person),
        for_self=ballot.for_self,
        voted=ballot.voted,
        cast_by=None if ballot.cast_by is None else _person(ballot.cast_by),
        option_ids=ballot.option_ids,
        may_cast=ballot.may_cast,
        grantor_present=ballot.grantor_present,
    )


def poll_read(poll: Poll, zone: str) -> PollRead:
    return PollRead(
        id=poll.id,
        meeting_id=poll.meeting_id,
        agenda_item_id=poll.agenda_item_id,
        title=poll.title,
        description=poll.description,
        kind=poll.kind,
        secrecy=poll.secrecy,
        base=poll.base,
        majority=poll.majority,
        majority_fraction=f"{poll.majority_num}/{poll.majority_den}",
        abstentions_in_base=poll.abstentions_in_base,
        quorum=f"{poll.quorum_num}/{poll.quorum_den}",
        max_choices=poll.max_choices,
        allow_change=poll.allow_change,
        state=poll.state,
        options=[OptionRead(id=o.id, label=o.label, role=o.role) for o in poll.options],
        ballots_cast=poll.ballots_cast,
        opened_at=None if poll.opened_at is None else local(poll.opened_at, zone),
        closed_at=None if poll.closed_at is None else local(poll.closed_at, zone),
    )


def result_read(poll: Poll) -> ResultRead:
    if poll.state != "closed" or poll.result is None:
        raise Conflict(
            f"Biểu quyết '{poll.title}' chưa kết thúc; kết quả công bố sau khi đóng. "
            "Results are published when the poll closes.",
            code="POLL_NOT_CLOSED",
        )
    return ResultRead.model_validate(
        {**(stored_result(poll) or {}), "poll_id": poll.id, "title": poll.title}
    )


def tally_read(tally: dict[str, object]) -> TallyRead:
    return TallyRead.model_validate(tally)


def ballot_read(session: Session, receipt: BallotReceipt, zone: str) -> BallotRead:
    record = receipt.record
    return BallotRead(
        poll_id=record.poll_id,
        person=brief(session, record.person_id),
        cast_by=brief(session, record.cast_by_id),
        channel=record.channel,
        at=local(record.at, zone),
        eligibility_event_id=record.eligibility_event_id,
        changed=receipt.changed,
    )


def opinion_read(session: Session, opinion: Opinion, zone: str) -> OpinionRead:
    return OpinionRead(
        id=opinion.id,
        poll_id=opinion.poll_id,
        agenda_item_id=opinion.agenda_item_id,
        person=None if opinion.person_id is None else brief(session, opinion.person_id),
        at=None if opinion.at is None else local(opinion.at, zone),
        text=opinion.text,
        stance=opinion.stance or "other",
    )


def proxy_read(session: Session, proxy: Proxy, zone: str) -> ProxyRead:
    return ProxyRead(
        grantor=brief(session, proxy.grantor_id),
        holder=brief(session, proxy.holder_id),
        note=proxy.note,
        created_at=local(proxy.created_at, zone),
    )


def audit_read(line: AuditLine, zone: str) -> AuditRead:
    entry = line.entry

    def ref(named: Named | None) -> AuditRefRead | None:
        if named is None:
            return None
        return AuditRefRead(id=named.id, name=named.name, gone=named.gone)

    def both(vi: str, en: str) -> str:
        return vi if vi == en else f"{vi} / {en}"

    words = None if line.source is None else both(*source_text(line.source))
    return AuditRead(
        id=entry.id,
        at=local(entry.at, zone),
        actor=entry.actor,
        action=entry.action,
        meeting_id=entry.meeting_id,
        subject=entry.subject,
        detail=line.detail,
        actor_person=ref(line.actor_person),
        person=ref(line.person),
        poll=ref(line.poll),
        agenda_item=ref(line.agenda_item),
        holder=ref(line.holder),
        source=line.source,
        source_text=words,
        choices=line.choices,
        actor_text=both(*line.actor_words) if any(line.actor_words) else entry.actor,
        meeting=ref(line.meeting),
        seq=entry.seq,
        account=ref(line.account),
    )


def voting_url(settings: Settings, token: str) -> str:
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    # After "#": browsers never send the fragment, so the link stays out of access logs.
    return f"{base.rstrip('/')}/vote#{token}"


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
    return buffer.getvalue().decode("utf-8")
