"""The accounts page for admins (/accounts: list, create, role, disable, new password) and
everyone's own (/account: change the password, revoke personal tokens)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from api.cookies import set_session_cookie
from api.deps import PrincipalDep, ServicesDep, SessionDep, client_address, need
from api.errors import status_for
from api.sign_ins import check_password
from api.web.forms import Text
from api.web.render import lang_param, render
from api.web.texts import t_both
from attendance.errors import DomainError, Invalid, TooManyAttempts, Unauthorized
from attendance.permissions import Permission, Principal
from attendance.staff.accounts import (
    account_label,
    create_account,
    get_account,
    list_accounts,
    update_account,
)
from attendance.staff.personal_tokens import list_personal_tokens, revoke_personal_token
from attendance.staff.sessions import sign_in_account
from attendance.tokens import ACCOUNT_ROLES

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

ADMIN_PAGE = [need(Permission.MANAGE_ACCOUNTS, page=True)]
OWN_PAGE = [need(Permission.OWN_ACCOUNT, page=True)]
SWITCH = {"1": True, "0": False}


@router.get("/accounts", dependencies=ADMIN_PAGE)
def accounts_page(request: Request, session: SessionDep, staff: PrincipalDep) -> Response:
    return _accounts(request, session, staff)


@router.post("/accounts", dependencies=ADMIN_PAGE)
def create_account_form(
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    username: Text = "",
    display_name: Text = "",
    role: Text = "",
    password: Text = "",
) -> Response:
    try:
        create_account(
            session,
            username=username,
            display_name=display_name,
            role=role,
            password=password,
            actor=staff.actor,
        )
    except DomainError as exc:
        session.rollback()
        form = {"username": username[:64], "display_name": display_name[:200], "role": role}
        return _accounts(request, session, staff, failure=exc, form=form)
    return RedirectResponse(f"/accounts?ok=created{lang_param(request)}", status_code=303)


@router.post("/accounts/{account_id}", dependencies=ADMIN_PAGE)
def change_account_form(
    account_id: int,
    request: Request,
    session: SessionDep,
    staff: PrincipalDep,
    role: Text = "",
    disabled: Text = "",
    password: Text = "",
) -> Response:
    try:
        update_account(
            session,
            account_id=account_id,
            actor=staff.actor,
            role=role or None,
            disabled=SWITCH.get(disabled),
            password=password or None,
        )
    except DomainError as exc:
        session.rollback()
        return _accounts(request, session, staff, failure=exc)
    return RedirectResponse(f"/accounts?ok=saved{lang_param(request)}", status_code=303)


@router.get("/account", dependencies=OWN_PAGE)
def my_account_page(request: Request, session: SessionDep, staff: PrincipalDep) -> Response:
    return _mine(request, session, staff)


@router.post("/account/password", dependencies=OWN_PAGE)
def change_my_password(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    staff: PrincipalDep,
    current_password: Text = "",
    new_password: Text = "",
    new_password_again: Text = "",
) -> Response:
    if staff.account_id is None:
        return _mine(request, session, staff)
    account = get_account(session, account_id=staff.account_id)
    try:
        if new_password != new_password_again:
            raise Invalid(t_both("passwords_differ"), code="WEAK_PASSWORD")
        try:
            check_password(
                request, services, session, username=account.username, password=current_password
            )
        except Unauthorized as exc:
            # A form's field is wrong, not a sign-in refused: the page says so (422) and
            # this browser stays signed in (counted by the throttle all the same).
            raise Invalid(
                "Mật khẩu hiện tại không đúng. The current password is not right.",
                code="WRONG_CURRENT_PASSWORD",
            ) from exc
        update_account(
            session, account_id=account.id, actor=account_label(account), password=new_password
        )
        # Every session of the account ended, this one too: this browser signs in afresh.
        key, _staff = sign_in_account(session, account=account, address=client_address(request))
    except DomainError as exc:
        session.rollback()
        return _mine(request, session, staff, failure=exc)
    response = RedirectResponse(
        f"/account?ok=password_changed{lang_param(request)}", status_code=303
    )
    set_session_cookie(request, response, key)
    return response


@router.post("/account/tokens/{token_id}/revoke", dependencies=OWN_PAGE)
def revoke_my_token(
    token_id: int, request: Request, session: SessionDep, staff: PrincipalDep
) -> Response:
    if staff.account_id is None:
        return _mine(request, session, staff)
    revoke_personal_token(
        session, token_id=token_id, actor=staff.actor, account_id=staff.account_id
    )
    return RedirectResponse(f"/account?ok=token_revoked{lang_param(request)}", status_code=303)


def _accounts(
    request: Request,
    session: Session,
    staff: Principal,
    *,
    failure: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    return _page(
        request,
        "accounts.html",
        staff,
        failure,
        accounts=list_accounts(session),
        roles=ACCOUNT_ROLES,
        form=form or {"username": "", "display_name": "", "role": ""},
    )


def _mine(
    request: Request, session: Session, staff: Principal, *, failure: DomainError | None = None
) -> Response:
    account = (
        None if staff.account_id is None else get_account(session, account_id=staff.account_id)
    )
    tokens = [] if account is None else list_personal_tokens(session, account_id=account.id)
    return _page(request, "account.html", staff, failure, account=account, tokens=tokens)


def _page(
    request: Request, template: str, staff: Principal, failure: DomainError | None, **context: Any
) -> Response:
    page = render(
        request,
        template,
        staff=staff,
        status_code=status_for(failure) if failure else 200,
        error=failure.message if failure else None,
        **context,
    )
    if isinstance(failure, TooManyAttempts):
        page.headers["Retry-After"] = str(failure.retry_after)
    return page
