"""The conclusion notice page: the draft's fields, and per agenda item what was decided and
said (as the notice will print it) next to the secretary's conclusion."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, SessionDep, need
from api.errors import status_for
from api.web.forms import parse_id
from api.web.render import lang_param, render
from attendance.checkin import meeting_attendance
from attendance.errors import DomainError, Invalid
from attendance.meetings import get_meeting
from attendance.notices.agenda_parts import item_parts
from attendance.notices.draft import (
    DRAFT_FIELDS,
    TEXT_FIELDS,
    DraftView,
    get_draft,
    save_draft,
)
from attendance.permissions import Permission, Principal

router = APIRouter(include_in_schema=False)

# What the form sends back as typed, to show again when a save is refused.
Typed = dict[str, str]
Many = Annotated[list[str], Form()]


async def draft_boxes(request: Request) -> Typed:
    """The form's box for each of the draft's fields (DRAFT_FIELDS), as typed; a box not
    sent is blank."""
    form = await request.form()
    boxes = {name: form.get(name, "") for name in DRAFT_FIELDS}
    return {name: value if isinstance(value, str) else "" for name, value in boxes.items()}


BoxesDep = Annotated[Typed, Depends(draft_boxes)]


@router.get(
    "/meetings/{meeting_id}/conclusions", dependencies=[need(Permission.READ_MEETINGS, page=True)]
)
def conclusions_page(
    meeting_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    draft = get_draft(session, meeting_id=meeting_id)
    return _page(request, session, staff, meeting_id, _typed(draft), draft)


@router.post(
    "/meetings/{meeting_id}/conclusions",
    dependencies=[need(Permission.MANAGE_DOCUMENTS, page=True)],
)
def save(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    boxes: BoxesDep,
    conclusion_item: Many = [],  # noqa: B006 (FastAPI copies a default; nothing shared)
    conclusion: Many = [],  # noqa: B006
) -> Response:
    """The whole form at once: a blank box clears its field (it prints as dots)."""
    typed = dict(boxes)
    typed.update({f"conclusion_{i}": text for i, text in zip(conclusion_item, conclusion)})
    try:
        if len(conclusion_item) != len(conclusion):
            raise Invalid(
                "Biểu mẫu gửi lên không đủ; hãy tải lại trang và lưu lại. "
                "The form arrived incomplete; reload the page and save again.",
            )
        chair_person_id = boxes["chair_person_id"]
        texts: dict[str, Any] = {name: boxes[name] for name in TEXT_FIELDS}
        save_draft(
            session,
            meeting_id=meeting_id,
            actor=staff.actor,
            issued_on=_date(boxes["issued_on"]),
            chair_person_id=parse_id(chair_person_id) if chair_person_id.strip() else None,
            conclusions={parse_id(i): text for i, text in zip(conclusion_item, conclusion)},
            **texts,
        )
    except DomainError as exc:
        session.rollback()
        return _page(request, session, staff, meeting_id, typed, None, exc)
    where = f"/meetings/{meeting_id}/conclusions?ok=notice_saved{lang_param(request)}"
    return RedirectResponse(where, status_code=303)


def _date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            f"Ngày ban hành không hợp lệ ({text[:20]!r}); hãy chọn ngày trên lịch. "
            "The date issued is not a valid date; pick one on the calendar.",
            code="INVALID_DATE",
        ) from None


def _typed(draft: DraftView) -> Typed:
    """The saved draft as the form's boxes show it."""
    typed = {name: getattr(draft, name) or "" for name in TEXT_FIELDS}
    typed["issued_on"] = draft.issued_on.isoformat() if draft.issued_on else ""
    typed["chair_person_id"] = str(draft.chair_person_id or "")
    typed.update({f"conclusion_{i}": text for i, text in (draft.conclusions or {}).items()})
    return typed


def _page(
    request: Request,
    session: Session,
    staff: Principal,
    meeting_id: int,
    typed: Typed,
    draft: DraftView | None,
    error: DomainError | None = None,
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    if draft is None:
        draft = get_draft(session, meeting_id=meeting_id)
    return render(
        request,
        "conclusions.html",
        staff=staff,
        status_code=status_for(error) if error else 200,
        error=error.message if error else None,
        meeting=meeting,
        form=typed,
        draft=draft,
        roster=[row.person for row in meeting_attendance(session, meeting_id=meeting_id)],
        # The notice's own parts: the page shows what the notice will say of each item.
        items=item_parts(session, meeting_id=meeting_id, conclusions={}),
    )
