"""Meetings, their rosters and attendance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from api.convert import as_utc, local, meeting_read, person_read
from api.deps import ActorDep, PrincipalDep, ServicesDep, SessionDep, need
from api.download import download
from api.schemas import (
    AttendanceRead,
    MeetingCreate,
    MeetingDeletedRead,
    MeetingRead,
    ParticipantCreate,
    ParticipantRead,
    ParticipantsRead,
    ParticipantsUpdate,
    ParticipantUpdate,
    PersonBrief,
)
from attendance.checkin import meeting_attendance
from attendance.errors import Invalid
from attendance.exports.service import export_meeting
from attendance.meeting_removal import delete_meeting
from attendance.meetings import create_meeting, get_meeting, list_meetings
from attendance.orm import Participant
from attendance.people import get_person
from attendance.permissions import Permission, require_person_in_view, visible_meetings
from attendance.roster import (
    absence_reasons,
    add_participant,
    remove_participant,
    set_absence_reason,
    set_voting_rights,
)
from attendance.roster_replace import replace_roster

router = APIRouter(prefix="/meetings", tags=["meetings"])


@router.post(
    "", dependencies=[need(Permission.MANAGE_MEETINGS)], status_code=status.HTTP_201_CREATED
)
def create(body: MeetingCreate, session: SessionDep, services: ServicesDep) -> MeetingRead:
    zone = services.settings.timezone
    meeting = create_meeting(
        session,
        title=body.title,
        starts_at=as_utc(body.starts_at, zone),
        ends_at=as_utc(body.ends_at, zone),
        room=body.room,
        late_after_minutes=body.late_after_minutes,
    )
    return meeting_read(meeting, zone)


@router.get("", dependencies=[need(Permission.READ_MEETINGS, lists=True)])
def index(
    session: SessionDep, services: ServicesDep, principal: PrincipalDep, lessons: bool = True
) -> list[MeetingRead]:
    """Every meeting; a teacher or viewer sees only those they are assigned to. A class's
    lessons are meetings too: `?lessons=false` leaves them out."""
    only = visible_meetings(session, principal)
    zone = services.settings.timezone
    found = list_meetings(session, only=only, lessons=lessons)
    return [meeting_read(m, zone) for m in found]


@router.get("/{meeting_id}", dependencies=[need(Permission.READ_MEETINGS)])
def read(meeting_id: int, session: SessionDep, services: ServicesDep) -> MeetingRead:
    return meeting_read(get_meeting(session, meeting_id=meeting_id), services.settings.timezone)


@router.delete("/{meeting_id}", dependencies=[need(Permission.MANAGE_MEETINGS)])
def remove(
    meeting_id: int,
    session: SessionDep,
    actor: ActorDep,
    services: ServicesDep,
    discard_open_polls: Annotated[
        bool, Query(description="Delete even while a poll is open; its ballots are lost.")
    ] = False,
) -> MeetingDeletedRead:
    """Delete the meeting with its roster, check-ins, polls, ballots, opinions, proxies,
    voting and board links, review items and documents (their files too); 409 while a poll
    is open, unless discard_open_polls. People and their faces stay; the audit log records
    it."""
    title = get_meeting(session, meeting_id=meeting_id).title
    gone = delete_meeting(
        session,
        meeting_id=meeting_id,
        actor=actor,
        discard_open_polls=discard_open_polls,
        documents_root=services.documents.root,
    )
    return MeetingDeletedRead(
        meeting_id=meeting_id,
        title=title,
        participants=gone.participants,
        events=gone.events,
        polls=gone.polls,
        ballots=gone.ballots,
        opinions=gone.opinions,
        proxies=gone.proxies,
        voting_passes=gone.voting_passes,
        board_links=gone.board_links,
        review_items=gone.review_items,
        agenda_items=gone.agenda_items,
        open_polls_discarded=list(gone.open_polls),
    )


@router.get("/{meeting_id}/participants", dependencies=[need(Permission.READ_MEETINGS)])
def roster(meeting_id: int, session: SessionDep) -> list[ParticipantRead]:
    """The roster with each one's voting rights and absence reason, in Vietnamese name order."""
    rows = meeting_attendance(session, meeting_id=meeting_id)
    reasons = absence_reasons(session, meeting_id=meeting_id)
    return [
        ParticipantRead(
            meeting_id=meeting_id,
            person=PersonBrief(id=row.person.id, full_name=row.person.full_name),
            voting_rights=row.voting,
            absence_reason=reasons.get(row.person.id),
        )
        for row in rows
    ]


@router.post(
    "/{meeting_id}/participants/{person_id}",
    dependencies=[need(Permission.EDIT_ROSTER)],
    status_code=status.HTTP_201_CREATED,
)
def add_one(
    meeting_id: int,
    person_id: int,
    session: SessionDep,
    actor: ActorDep,
    principal: PrincipalDep,
    body: ParticipantCreate | None = None,
) -> ParticipantRead:
    """Put one person on the roster (a voting member unless voting_rights is false);
    409 if they are on it already, or to add a vote while a poll is open. A teacher or
    viewer adds only people already on one of their meetings (or new ones)."""
    require_person_in_view(session, principal, person_id=person_id)
    votes = True if body is None else body.voting_rights
    added = add_participant(
        session, meeting_id=meeting_id, person_id=person_id, voting_rights=votes, actor=actor
    )
    return _participant(session, added)


@router.patch("/{meeting_id}/participants/{person_id}", dependencies=[need(Permission.EDIT_ROSTER)])
def change_participant(
    meeting_id: int,
    person_id: int,
    body: ParticipantUpdate,
    session: SessionDep,
    actor: ActorDep,
) -> ParticipantRead:
    """Voting member or observer (409 while a poll is open or while they are in a proxy), and
    why they stay away; a field left out is kept, a null absence_reason clears it."""
    given = body.model_fields_set
    if body.voting_rights is None and "absence_reason" not in given:
        raise Invalid(
            "Hãy gửi voting_rights hoặc absence_reason. Send voting_rights or absence_reason.",
            code="INVALID_REQUEST",
        )
    participant = None
    if body.voting_rights is not None:
        participant = set_voting_rights(
            session,
            meeting_id=meeting_id,
            person_id=person_id,
            voting_rights=body.voting_rights,
            actor=actor,
        )
    if "absence_reason" in given:
        participant = set_absence_reason(
            session,
            meeting_id=meeting_id,
            person_id=person_id,
            reason=body.absence_reason,
            actor=actor,
        )
    assert participant is not None
    return _participant(session, participant)


@router.delete(
    "/{meeting_id}/participants/{person_id}", dependencies=[need(Permission.EDIT_ROSTER)]
)
def remove_one(
    meeting_id: int, person_id: int, session: SessionDep, actor: ActorDep
) -> ParticipantRead:
    """Take one person off the roster (their voting link stops working, a proxy they gave
    goes); 409 once they have checked in."""
    removed = remove_participant(session, meeting_id=meeting_id, person_id=person_id, actor=actor)
    return _participant(session, removed)


def _participant(session: Session, participant: Participant) -> ParticipantRead:
    person = get_person(session, person_id=participant.person_id)
    return ParticipantRead(
        meeting_id=participant.meeting_id,
        person=PersonBrief(id=person.id, full_name=person.full_name),
        voting_rights=participant.voting_rights,
        absence_reason=participant.absence_reason,
    )


@router.put("/{meeting_id}/participants", dependencies=[need(Permission.EDIT_ROSTER)])
def participants(
    meeting_id: int, body: ParticipantsUpdate, session: SessionDep, actor: ActorDep
) -> ParticipantsRead:
    """Replace the roster. Nobody who has checked in is taken off (409 ALREADY_ARRIVED), who
    may vote cannot change while a poll is open (409 POLL_OPEN), and whoever leaves takes their
    proxies and voting links with them; audited as one entry."""
    change = replace_roster(
        session,
        meeting_id=meeting_id,
        person_ids=body.person_ids,
        non_voting_ids=body.non_voting_ids,
        actor=actor,
    )
    return ParticipantsRead(
        meeting_id=meeting_id,
        person_ids=change.person_ids,
        non_voting_ids=sorted(set(body.non_voting_ids)),
    )


@router.get("/{meeting_id}/attendance", dependencies=[need(Permission.READ_MEETINGS)])
def attendance(meeting_id: int, session: SessionDep, services: ServicesDep) -> list[AttendanceRead]:
    zone = services.settings.timezone
    return [
        AttendanceRead(
            person=person_read(row.person),
            status=row.status.value,
            first_seen_at=None if row.first_seen_at is None else local(row.first_seen_at, zone),
            source=row.source,
            left=row.left_at is not None,
            left_at=None if row.left_at is None else local(row.left_at, zone),
            voting_rights=row.voting,
        )
        for row in meeting_attendance(session, meeting_id=meeting_id)
    ]


@router.get(
    "/{meeting_id}/export",
    dependencies=[need(Permission.EXPORT)],
    response_class=Response,
    responses={200: {"description": "The file, as an attachment."}},
)
def export(
    meeting_id: int,
    format: Annotated[str, Query(description="xlsx, csv or pdf")],
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """The attendance list (XLSX, CSV) or the report with draft minutes (PDF)."""
    exported = export_meeting(
        session, meeting_id=meeting_id, format=format, zone=services.settings.timezone
    )
    return download(exported)
