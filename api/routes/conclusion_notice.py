"""The conclusion notice (thông báo kết luận): its draft, and the DOCX or PDF drafted from it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api.convert import local
from api.deps import ActorDep, ServicesDep, SessionDep, need
from api.download import download
from api.schemas_notice import (
    NoticeDraftRead,
    NoticeDraftWrite,
    NoticeItemRead,
    StanceGroupRead,
)
from attendance.notices.agenda_parts import ItemPart, item_parts
from attendance.notices.draft import DRAFT_FIELDS, DraftView, get_draft, save_draft
from attendance.notices.service import notice_file
from attendance.permissions import Permission

router = APIRouter(prefix="/meetings/{meeting_id}/conclusion-notice", tags=["conclusion notice"])


@router.get(
    "",
    dependencies=[need(Permission.EXPORT)],
    response_class=Response,
    responses={200: {"description": "The notice, as an attachment (DOCX or PDF)."}},
)
def notice(
    meeting_id: int,
    session: SessionDep,
    services: ServicesDep,
    format: Annotated[str, Query(description="docx or pdf")] = "docx",
) -> Response:
    """The notice drafted from the meeting's data and the saved draft: DOCX to edit in
    Word, PDF to read or print."""
    exported = notice_file(
        session, meeting_id=meeting_id, format=format, zone=services.settings.timezone
    )
    return download(exported)


@router.get("/draft", dependencies=[need(Permission.READ_MEETINGS)])
def read_draft(meeting_id: int, session: SessionDep, services: ServicesDep) -> NoticeDraftRead:
    """The saved draft, and each agenda item's opinions and poll results to write from."""
    draft = get_draft(session, meeting_id=meeting_id)
    return _draft_read(session, draft, services.settings.timezone)


@router.put("/draft", dependencies=[need(Permission.MANAGE_DOCUMENTS)])
def write_draft(
    meeting_id: int,
    body: NoticeDraftWrite,
    session: SessionDep,
    services: ServicesDep,
    actor: ActorDep,
) -> NoticeDraftRead:
    """Fields left out are kept; null clears one."""
    given: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
    draft = save_draft(session, meeting_id=meeting_id, actor=actor, **given)
    return _draft_read(session, draft, services.settings.timezone)


def _draft_read(session: Session, draft: DraftView, zone: str) -> NoticeDraftRead:
    items = item_parts(session, meeting_id=draft.meeting_id, conclusions=draft.conclusions or {})
    typed: dict[str, Any] = {name: getattr(draft, name) for name in DRAFT_FIELDS}
    return NoticeDraftRead(
        meeting_id=draft.meeting_id,
        **typed,
        conclusions=draft.conclusions or {},
        updated_at=None if draft.updated_at is None else local(draft.updated_at, zone),
        updated_by=draft.updated_by,
        items=[_item_read(item) for item in items],
    )


def _item_read(item: ItemPart) -> NoticeItemRead:
    return NoticeItemRead(
        agenda_item_id=item.agenda_item_id,
        number=item.number,
        title=item.title,
        opinion_count=item.opinion_count,
        stances=[
            StanceGroupRead(
                stance=g.stance,
                label=g.label,
                count=g.count,
                opinions=[{"text": o.text, "name": o.name} for o in g.opinions],
            )
            for g in item.stances
        ],
        polls=[{"title": p.title, "outcome": p.outcome, "rule": p.rule} for p in item.polls],
        conclusion=item.conclusion,
    )
