"""Voting routes for delegates (a personal pass) and voting stations (face-verified casting)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.convert_voting import (
    ballot_read,
    brief,
    opinion_read,
    own_ballot_read,
    poll_read,
    result_read,
)
from api.deps import PrincipalDep, ServicesDep, need
from api.recognize import decode
from api.schemas import PersonBrief
from api.schemas_voting import (
    AgendaItemRead,
    BallotCreate,
    BallotRead,
    OpinionCreate,
    OpinionRead,
    PollRead,
    ResultRead,
    VoterRead,
)
from api.services import Services
from api.upload import read_upload
from attendance.agenda import agenda
from attendance.errors import Forbidden, Invalid
from attendance.meetings import get_meeting
from attendance.people import get_person
from attendance.permissions import Permission, Principal
from attendance.voting.ballots import cast_ballot
from attendance.voting.opinions import give_opinion
from attendance.voting.own_ballots import own_ballots
from attendance.voting.polls import get_poll, list_polls
from attendance.voting.standing import voter_standing
from usecases.voting import cast_face_ballot

router = APIRouter(prefix="/meetings/{meeting_id}", tags=["voting"])
voter = APIRouter(tags=["voting"])


@voter.get("/voter", dependencies=[need(None, voting_link=True)])
def whoami(caller: PrincipalDep, services: ServicesDep) -> VoterRead:
    """Who a voting link belongs to, for the delegate's page (it holds only the link)."""
    voter_id = _voter_only(caller)
    assert caller.voter is not None
    with services.sessions() as session:
        meeting = get_meeting(session, meeting_id=caller.voter.meeting_id)
        now = voter_standing(session, meeting_id=meeting.id, person_id=voter_id)
        return VoterRead(
            meeting_id=meeting.id,
            meeting_title=meeting.title,
            person=brief(session, voter_id),
            may_vote=now.may_vote,
            voting_status=now.standing.value,
            may_give_opinions=now.may_give_opinions,
            proxies_for=[PersonBrief(id=p.id, full_name=p.full_name) for p in now.proxies_for],
        )


def _authorise(session: Session, caller: Principal, meeting_id: int) -> None:
    """A pass opens its own meeting only (staff were let through by `need`, never a kiosk)."""
    get_meeting(session, meeting_id=meeting_id)
    if caller.voter is not None and caller.voter.meeting_id != meeting_id:
        raise Forbidden(
            "Liên kết bỏ phiếu này dành cho một cuộc họp khác. "
            "This voting link belongs to another meeting.",
        )


def _voter_only(caller: Principal) -> int:
    if caller.voter is None:
        raise Forbidden(
            "Cần liên kết bỏ phiếu cá nhân của đại biểu, hoặc gửi ảnh khuôn mặt. "
            "A delegate's personal voting link is needed, or send a face image.",
            code="VOTER_REQUIRED",
        )
    return caller.voter.person_id


@router.get("/polls", dependencies=[need(Permission.READ_MEETINGS, voting_link=True)])
def polls(meeting_id: int, caller: PrincipalDep, services: ServicesDep) -> list[PollRead]:
    with services.sessions() as session:
        _authorise(session, caller, meeting_id)
        zone = services.settings.timezone
        listed = list_polls(session, meeting_id=meeting_id)
        found = [poll_read(p, zone) for p in listed]
        if caller.voter is not None:
            voter_id = caller.voter.person_id
            standing = voter_standing(session, meeting_id=meeting_id, person_id=voter_id)
            voter = get_person(session, person_id=voter_id)
            own = own_ballots(session, polls=listed, voter=voter, standing=standing)
            for read in found:
                mine = own[read.id]  # the delegate's own ballot first, then each grantor's
                read.you_voted = mine[0].voted
                read.your_ballots = [own_ballot_read(b) for b in mine]
        return found


@router.get("/polls/{poll_id}", dependencies=[need(Permission.READ_MEETINGS, voting_link=True)])
def poll(meeting_id: int, poll_id: int, caller: PrincipalDep, services: ServicesDep) -> PollRead:
    with services.sessions() as session:
        _authorise(session, caller, meeting_id)
        found = get_poll(session, meeting_id=meeting_id, poll_id=poll_id)
        return poll_read(found, services.settings.timezone)


@router.get(
    "/polls/{poll_id}/results", dependencies=[need(Permission.READ_MEETINGS, voting_link=True)]
)
def results(
    meeting_id: int, poll_id: int, caller: PrincipalDep, services: ServicesDep
) -> ResultRead:
    """Published when the poll closes, as counted then; 409 before that."""
    with services.sessions() as session:
        _authorise(session, caller, meeting_id)
        return result_read(get_poll(session, meeting_id=meeting_id, poll_id=poll_id))


@router.get("/agenda", dependencies=[need(Permission.READ_MEETINGS, voting_link=True)])
def agenda_items(
    meeting_id: int, caller: PrincipalDep, services: ServicesDep
) -> list[AgendaItemRead]:
    with services.sessions() as session:
        _authorise(session, caller, meeting_id)
        return [
            AgendaItemRead(id=i.id, position=i.position, title=i.title)
            for i in agenda(session, meeting_id=meeting_id)
        ]


@router.post(
    "/polls/{poll_id}/ballots",
    dependencies=[need(Permission.RUN_POLLS, voting_link=True)],
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": BallotCreate.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "option_ids": {"type": "string", "examples": ["12", "12,13"]},
                            "on_behalf_of": {"type": "integer"},
                        },
                        "required": ["file", "option_ids"],
                    }
                },
            }
        }
    },
)
async def ballots(
    meeting_id: int, poll_id: int, request: Request, caller: PrincipalDep, services: ServicesDep
) -> BallotRead:
    """JSON with a delegate's voting link as the bearer token; or multipart with a face image
    (staff only, at a voting station): the face must be a present member, as at the door."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        file = upload if isinstance(upload, UploadFile) else None
        # `-F option_ids=1 -F option_ids=2` and `-F option_ids=1,2` mean the same.
        chosen = ",".join(str(v) for v in form.getlist("option_ids"))
        body = BallotCreate(
            option_ids=_ids(chosen),
            on_behalf_of=_optional_id(str(form.get("on_behalf_of") or "")),
        )
        try:
            return await run_in_threadpool(
                _face_ballot, services, caller, meeting_id, poll_id, file, body
            )
        finally:
            await form.close()
    try:
        body = BallotCreate.model_validate_json(await request.body())
    except ValueError as exc:
        raise Invalid(
            f"Phiếu không hợp lệ. The ballot is not valid: {exc}", code="INVALID_OPTION"
        ) from exc
    return await run_in_threadpool(_link_ballot, services, caller, meeting_id, poll_id, body)


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise Invalid(
            "option_ids phải là các số cách nhau bởi dấu phẩy. "
            "option_ids must be numbers separated by commas.",
            code="INVALID_OPTION",
        ) from exc
    if not ids:
        raise Invalid("Chưa chọn phương án. No option was chosen.", code="INVALID_OPTION")
    return ids


def _optional_id(text: str) -> int | None:
    return _ids(text)[0] if text.strip() else None


def _link_ballot(
    services: Services, caller: Principal, meeting_id: int, poll_id: int, body: BallotCreate
) -> BallotRead:
    with services.sessions() as session, session.begin():
        _authorise(session, caller, meeting_id)
        receipt = cast_ballot(
            session,
            meeting_id=meeting_id,
            poll_id=poll_id,
            voter_id=_voter_only(caller),
            option_ids=body.option_ids,
            channel="link",
            on_behalf_of=body.on_behalf_of,
            master_key=services.master_key,
        )
        return ballot_read(session, receipt, services.settings.timezone)


def _face_ballot(
    services: Services,
    caller: Principal,
    meeting_id: int,
    poll_id: int,
    file: UploadFile | None,
    body: BallotCreate,
) -> BallotRead:
    if caller.voter is not None:
        raise Forbidden(
            "Bỏ phiếu bằng khuôn mặt chỉ thực hiện tại máy bỏ phiếu của cuộc họp. "
            "Face-verified ballots are taken by the meeting's voting station only.",
        )
    data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
    image = decode(services, data)
    with services.sessions() as session, session.begin():
        _authorise(session, caller, meeting_id)
        receipt = cast_face_ballot(
            session,
            recognizer=services.recognizer,
            image=image,
            meeting_id=meeting_id,
            poll_id=poll_id,
            option_ids=body.option_ids,
            on_behalf_of=body.on_behalf_of,
            master_key=services.master_key,
        )
        return ballot_read(session, receipt, services.settings.timezone)


@router.post(
    "/polls/{poll_id}/opinions",
    dependencies=[need(None, voting_link=True)],
    status_code=status.HTTP_201_CREATED,
)
def poll_opinion(
    meeting_id: int, poll_id: int, body: OpinionCreate, caller: PrincipalDep, services: ServicesDep
) -> OpinionRead:
    return _opinion(services, caller, meeting_id, body, poll_id=poll_id)


@router.post(
    "/agenda/{item_id}/opinions",
    dependencies=[need(None, voting_link=True)],
    status_code=status.HTTP_201_CREATED,
)
def item_opinion(
    meeting_id: int, item_id: int, body: OpinionCreate, caller: PrincipalDep, services: ServicesDep
) -> OpinionRead:
    return _opinion(services, caller, meeting_id, body, agenda_item_id=item_id)


def _opinion(
    services: Services,
    caller: Principal,
    meeting_id: int,
    body: OpinionCreate,
    *,
    poll_id: int | None = None,
    agenda_item_id: int | None = None,
) -> OpinionRead:
    with services.sessions() as session, session.begin():
        _authorise(session, caller, meeting_id)
        opinion = give_opinion(
            session,
            meeting_id=meeting_id,
            person_id=_voter_only(caller),
            text=body.text,
            poll_id=poll_id,
            agenda_item_id=agenda_item_id,
            stance=body.stance,
        )
        return opinion_read(session, opinion, services.settings.timezone)
