"""Poll control for staff: agenda, create, open, close, the live tally, opinions received."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.convert_voting import opinion_read, poll_read, tally_read
from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.schemas_voting import (
    AgendaItemCreate,
    AgendaItemRead,
    OpinionRead,
    PollCreate,
    PollRead,
    TallyRead,
)
from attendance.agenda import add_agenda_item
from attendance.permissions import Permission
from attendance.voting.opinions import opinions
from attendance.voting.polls import PollSpec, close_poll, create_poll, get_poll, open_poll
from attendance.voting.tally import tally

router = APIRouter(prefix="/meetings/{meeting_id}", tags=["polls"])


@router.post(
    "/agenda", dependencies=[need(Permission.RUN_POLLS)], status_code=status.HTTP_201_CREATED
)
def add_item(meeting_id: int, body: AgendaItemCreate, session: SessionDep) -> AgendaItemRead:
    item = add_agenda_item(session, meeting_id=meeting_id, title=body.title)
    return AgendaItemRead(id=item.id, position=item.position, title=item.title)


@router.post(
    "/polls", dependencies=[need(Permission.RUN_POLLS)], status_code=status.HTTP_201_CREATED
)
def create(
    meeting_id: int, body: PollCreate, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> PollRead:
    poll = create_poll(
        session, meeting_id=meeting_id, spec=PollSpec(**body.model_dump()), actor=actor
    )
    return poll_read(poll, services.settings.timezone)


@router.post("/polls/{poll_id}/open", dependencies=[need(Permission.RUN_POLLS)])
def open_(
    meeting_id: int, poll_id: int, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> PollRead:
    poll = open_poll(session, meeting_id=meeting_id, poll_id=poll_id, actor=actor)
    return poll_read(poll, services.settings.timezone)


@router.post("/polls/{poll_id}/close", dependencies=[need(Permission.RUN_POLLS)])
def close(
    meeting_id: int, poll_id: int, session: SessionDep, services: ServicesDep, actor: ActorDep
) -> PollRead:
    poll = close_poll(
        session,
        meeting_id=meeting_id,
        poll_id=poll_id,
        actor=actor,
        master_key=services.master_key,
    )
    return poll_read(poll, services.settings.timezone)


@router.get("/polls/{poll_id}/tally", dependencies=[need(Permission.RUN_POLLS)])
def live_tally(meeting_id: int, poll_id: int, session: SessionDep) -> TallyRead:
    """Counts so far, quorum now, who has not voted (named polls): for the secretary only."""
    return tally_read(tally(session, get_poll(session, meeting_id=meeting_id, poll_id=poll_id)))


@router.get("/polls/{poll_id}/opinions", dependencies=[need(Permission.READ_MEETINGS)])
def poll_opinions(
    meeting_id: int, poll_id: int, session: SessionDep, services: ServicesDep
) -> list[OpinionRead]:
    zone = services.settings.timezone
    found = opinions(session, meeting_id=meeting_id, poll_id=poll_id)
    return [opinion_read(session, o, zone) for o in found]


@router.get("/agenda/{item_id}/opinions", dependencies=[need(Permission.READ_MEETINGS)])
def item_opinions(
    meeting_id: int, item_id: int, session: SessionDep, services: ServicesDep
) -> list[OpinionRead]:
    zone = services.settings.timezone
    found = opinions(session, meeting_id=meeting_id, agenda_item_id=item_id)
    return [opinion_read(session, o, zone) for o in found]
