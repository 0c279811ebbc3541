"""Signing in and out of the pages: a staff account's username and password, or the
bootstrap admin token (the first minutes, before there are accounts)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from api.cookies import clear_session_cookie, require_same_origin, session_key, set_session_cookie
from api.deps import ServicesDep, SessionDep, attempt, client_address
from api.errors import status_for
from api.sign_ins import check_password
from api.web.errors import without_secrets
from api.web.forms import Text
from api.web.render import render
from attendance.db import unit_of_work
from attendance.errors import DomainError, TooManyAttempts, Unauthorized
from attendance.staff.accounts import any_accounts
from attendance.staff.sessions import sign_in, sign_in_account, sign_out
from attendance.staff.sign_in_log import record_failed_sign_in
from attendance.throttle import SIGN_IN

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only a path on this site: an open redirect would make the sign-in page a phishing aid.
    if not target.startswith("/") or target.startswith("//") or target.startswith("/\\"):
        return "/meetings"
    return without_secrets(target)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/meetings", status_code=303)


@router.get("/signin")
def signin_page(request: Request, session: SessionDep) -> Response:
    target = _safe_next(request.query_params.get("next", "/meetings"))
    return render(
        request,
        "signin.html",
        staff=None,
        next=target,
        label="",
        username="",
        # Before the first account the admin token is the only way in: it comes first.
        has_accounts=any_accounts(session),
    )


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    username: Text = "",
    password: Text = "",
    token: Text = "",
    label: Text = "",
    next: Text = "",
) -> Response:
    require_same_origin(request)
    target = _safe_next(next)
    by_token = not username and not password
    try:
        if by_token:
            try:
                with attempt(request, services, SIGN_IN, credential=token, session=session):
                    key, _staff = sign_in(
                        session, token=token, label=label, address=client_address(request)
                    )
            except Unauthorized as exc:
                # Its own transaction: the request's is rolled back with the refusal.
                with unit_of_work(services.sessions) as log:
                    record_failed_sign_in(
                        log,
                        username="",
                        address=client_address(request),
                        reason=exc.code,
                        by="token",
                    )
                raise
        else:
            account = check_password(
                request, services, session, username=username, password=password
            )
            key, _staff = sign_in_account(session, account=account, address=client_address(request))
    except DomainError as exc:
        session.rollback()
        page = render(
            request,
            "signin.html",
            staff=None,
            status_code=status_for(exc),
            error=exc.message,
            next=target,
            label=label,
            username=username[:64],
            by_token=by_token,
            has_accounts=any_accounts(session),
        )
        if isinstance(exc, TooManyAttempts):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, key)
    return response


@router.post("/signout")
def signout(request: Request, session: SessionDep) -> Response:
    require_same_origin(request)
    sign_out(session, key=session_key(request), address=client_address(request))
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response)
    return response
