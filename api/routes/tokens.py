"""Personal API tokens: made with the account's username and password (HTTP Basic, and only
that), then listed and revoked with a token or the pages' cookie."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from api.deps import ActorDep, PrincipalDep, ServicesDep, SessionDep, by_password, need
from api.schemas_accounts import PersonalTokenCreate, PersonalTokenCreated, PersonalTokenRead
from api.sign_ins import check_password
from attendance.errors import Forbidden, Unauthorized
from attendance.orm import MAX_ID
from attendance.permissions import Permission, Principal, may, refused
from attendance.staff.personal_tokens import (
    create_personal_token,
    list_personal_tokens,
    revoke_personal_token,
    token_label,
)

# POST is mounted outside /api/v1's bearer-token guard: its credential is the password.
basic = APIRouter(prefix="/tokens", tags=["tokens"])
router = APIRouter(prefix="/tokens", tags=["tokens"])


def basic_credentials(request: Request) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        if scheme.lower() != "basic":
            raise ValueError(scheme)
        username, colon, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        if not colon or not username:
            raise ValueError("no username")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthorized(
            "Cần tên đăng nhập và mật khẩu của tài khoản (Authorization: Basic). "
            "The account's username and password are required (Authorization: Basic).",
        ) from exc
    return username, password


@basic.post("", dependencies=[by_password()], status_code=status.HTTP_201_CREATED)
def create(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    body: PersonalTokenCreate | None = None,
) -> PersonalTokenCreated:
    username, password = basic_credentials(request)
    account = check_password(request, services, session, username=username, password=password)
    row, secret = create_personal_token(session, account=account, name=body.name if body else None)
    return PersonalTokenCreated(
        id=row.id, token=secret, name=token_label(row), created_at=row.created_at
    )


@router.get("", dependencies=[need(Permission.OWN_ACCOUNT)])
def index(
    principal: PrincipalDep,
    session: SessionDep,
    account_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[PersonalTokenRead]:
    """The caller's own tokens; an admin may name another account."""
    scope = _owner_scope(principal)
    if scope is not None and account_id is not None and account_id != scope:
        raise refused()
    owner = account_id or principal.account_id
    if owner is None:
        return []  # the bootstrap admin token belongs to no account
    return [PersonalTokenRead.of(row) for row in list_personal_tokens(session, account_id=owner)]


@router.delete("/{token_id}", dependencies=[need(Permission.OWN_ACCOUNT)])
def revoke(
    token_id: int, principal: PrincipalDep, session: SessionDep, actor: ActorDep
) -> PersonalTokenRead:
    """Revoke one of the caller's tokens; an admin, any account's."""
    row = revoke_personal_token(
        session, token_id=token_id, actor=actor, account_id=_owner_scope(principal)
    )
    return PersonalTokenRead.of(row)


def _owner_scope(principal: Principal) -> int | None:
    """Whose tokens the caller may see and revoke: their account's; None (any) for whoever
    manages accounts."""
    if may(principal.role, Permission.MANAGE_ACCOUNTS):
        return None
    if principal.account_id is None:
        raise Forbidden(
            "Chỉ tài khoản nhân viên mới có mã cá nhân. Only staff accounts have personal tokens."
        )
    return principal.account_id
