"""Importing a meeting's roster from a spreadsheet: upload, preview, confirm."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from starlette.responses import RedirectResponse, Response

from api.deps import PrincipalDep, ServicesDep, SessionDep, need
from api.errors import status_for
from api.upload import read_upload
from api.web.forms import Text
from api.web.render import render
from attendance.errors import DomainError, Invalid
from attendance.meetings import get_meeting
from attendance.permissions import Permission
from attendance.roster import open_poll_title
from attendance.roster_import import (
    NEW,
    RosterRow,
    RowStatus,
    import_roster,
    preview_roster,
    roster_removal,
)
from enrollment.roster import MAX_ROWS, parse_roster
from models.images import ImageRejected, format_bytes

router = APIRouter(include_in_schema=False)
CHOICE = "choice-"  # a row that asks: "choice-<line>" = a person id, or "new"


async def choice_fields(request: Request) -> dict[str, str]:
    """The confirm form's "choice-<line>" radios (their names depend on the file's rows)."""
    form = await request.form()
    return {k: v for k, v in form.items() if k.startswith(CHOICE) and isinstance(v, str)}


ChoicesDep = Annotated[dict[str, str], Depends(choice_fields)]


@router.get("/meetings/{meeting_id}/roster", dependencies=[need(Permission.EDIT_ROSTER, page=True)])
def import_page(
    meeting_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    return render(request, "roster_import.html", staff=staff, meeting=meeting)


@router.post(
    "/meetings/{meeting_id}/roster/preview", dependencies=[need(Permission.EDIT_ROSTER, page=True)]
)
def preview(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    meeting = get_meeting(session, meeting_id=meeting_id)
    try:
        data = read_upload(file, max_bytes=services.settings.limits.max_upload_bytes)
        rows = parse_roster(data)
    except (DomainError, ImageRejected) as exc:
        return render(
            request,
            "roster_import.html",
            staff=staff,
            meeting=meeting,
            status_code=status_for(exc),
            error=_message(exc, services.settings.limits.max_upload_bytes),
        )
    result = preview_roster(session, rows=rows)
    return render(
        request,
        "roster_preview.html",
        staff=staff,
        meeting=meeting,
        preview=result,
        matched=result.count(RowStatus.MATCHED),
        new=result.count(RowStatus.NEW),
        ask=result.count(RowStatus.ASK),
        invalid=result.count(RowStatus.INVALID),
        removal=roster_removal(session, meeting_id=meeting_id, preview=result),
        # Confirming waits until the poll closes when it would change who may vote: said now.
        open_poll=open_poll_title(session, meeting_id=meeting_id),
        # For the audit log's entry of the import, with the rows.
        file_name=(file.filename or "") if file is not None else "",
        # The parsed rows travel back with the confirmation and are judged again then:
        # nothing is stored between the two steps, and any worker can take the second.
        rows_json=json.dumps([asdict(r) for r in rows], ensure_ascii=False),
    )


@router.post(
    "/meetings/{meeting_id}/roster/confirm", dependencies=[need(Permission.EDIT_ROSTER, page=True)]
)
def confirm(
    meeting_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    choices: ChoicesDep,
    rows: Text = "",
    mode: Text = "replace",
    file_name: Text = "",
) -> Response:
    try:
        replace = _replace(mode)
        parsed = _rows(rows)
        result = import_roster(
            session,
            meeting_id=meeting_id,
            rows=parsed,
            replace=replace,
            choices=_choices(choices),
            actor=staff.actor,
            file_name=file_name,
        )
    except DomainError as exc:
        session.rollback()
        meeting = get_meeting(session, meeting_id=meeting_id)
        return render(
            request,
            "roster_import.html",
            staff=staff,
            meeting=meeting,
            status_code=status_for(exc),
            error=exc.message,
        )
    done = "imported_kept" if result.kept else "imported"
    return RedirectResponse(f"/meetings/{meeting_id}?ok={done}", status_code=303)


def _replace(mode: str) -> bool:
    if mode not in ("replace", "add"):
        # Guessing would be worse than asking: a wrong guess empties or bloats the roster.
        raise Invalid(
            "Cách nhập không hợp lệ; hãy chọn thay thế hoặc thêm vào danh sách. "
            "Unknown import mode; choose to replace or to add to the roster.",
            code="ROSTER_MODE",
        )
    return mode == "replace"


def _choices(fields: dict[str, str]) -> dict[int, int | None]:
    try:
        return {
            int(name.removeprefix(CHOICE)): NEW if value == "new" else int(value)
            for name, value in fields.items()
        }
    except ValueError:
        raise Invalid(
            "Lựa chọn người không hợp lệ; hãy tải tệp lên lại. "
            "A choice of person is not valid; upload the file again.",
            code="ROSTER_CHOICE",
        ) from None


def _rows(text: str) -> list[RosterRow]:
    try:
        items = json.loads(text)
        if not isinstance(items, list) or len(items) > MAX_ROWS:
            raise ValueError("not a list of rows")
        return [
            RosterRow(
                line=int(item["line"]),
                full_name=str(item["full_name"]),
                title=str(item.get("title") or ""),
                unit=str(item.get("unit") or ""),
                code=str(item.get("code") or ""),
            )
            for item in items
        ]
    # OverflowError: {"line": Infinity}; RecursionError: "[[[[...]]]]" nested too deep.
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError):
        raise Invalid(
            "Dữ liệu xác nhận bị hỏng; hãy tải tệp lên lại. "
            "The confirmation data is damaged; upload the file again.",
            code="ROSTER_UNREADABLE",
        ) from None


def _message(exc: DomainError | ImageRejected, max_bytes: int) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if status_for(exc) == 413:
        size = format_bytes(max_bytes)
        return f"Tệp vượt quá {size}. The file exceeds {size}."
    return "Chưa chọn tệp. No file was chosen."
