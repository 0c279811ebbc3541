"""Typed dependencies: the request's database session, the services, and `need`: the one
way a route or page says which permission it needs (attendance/permissions.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.cookies import require_same_origin, session_key
from api.services import Services
from attendance import permissions as kinds
from attendance.board_links import check_board_link
from attendance.db import unit_of_work
from attendance.errors import DomainError, Forbidden, Unauthorized
from attendance.orm import ApiToken
from attendance.permissions import Permission, Principal, authorize
from attendance.staff.sessions import staff_for
from attendance.staff.tables import StaffAccount
from attendance.throttle import BOARD_KEY, SESSION, TOKEN, VOTING_LINK
from attendance.tokens import KIOSK, authenticate
from attendance.voting.passes import PREFIX as PASS_PREFIX
from attendance.voting.passes import authenticate_pass

logger = logging.getLogger(__name__)


# The small dependencies are coroutines: FastAPI runs a plain function in its thread pool, a
# hop that costs more than the function on the check-in path (docs/benchmarks.md).
async def get_services(request: Request) -> Services:
    services: Services = request.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One unit of work per request: committed when the route returns, else rolled back."""
    with unit_of_work(services.sessions) as session:
        yield session


# scope="function": commit before the response is sent, so a failed commit is not a 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def client_address(request: Request) -> str:
    """The address failures are counted by. Behind a reverse proxy it is the proxy's (every
    client shares one count) unless uvicorn trusts its X-Forwarded-For (FORWARDED_ALLOW_IPS,
    docs/web.md)."""
    return request.client.host if request.client else "unknown"


@contextmanager
def attempt(
    request: Request,
    services: Services,
    kind: str,
    *,
    credential: str | None,
    failures: tuple[type[DomainError], ...] = (Unauthorized,),
    session: Session | None = None,
) -> Iterator[None]:
    """The guard around every check of a presented credential: refused (429) while this
    address has failed with too many different ones of this kind; a success counts nothing.
    `session`: the caller's, read with; rolled back when the credential is refused."""
    client = client_address(request)
    services.throttle.check(client=client, kind=kind, session=session)
    try:
        yield
    except failures:
        if session is not None:
            # The refused request's transaction is over: its connection goes back to the pool
            # before the failure takes one (holding one while awaiting another starves it).
            session.rollback()
        services.throttle.failed(client=client, kind=kind, credential=credential)
        raise


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def need(
    permission: Permission | None,
    *,
    page: bool = False,
    lists: bool = False,
    board_link: bool = False,
    voting_link: bool = False,
    student: bool = False,
) -> Any:
    """The one dependency every route and page declares: who is calling, if they may.

    A bearer token (an API route only) or the pages' session cookie (a cookie-borne write
    must come from our own pages), each failure counted by the throttle; then the permission
    table, and for a teacher or viewer the meeting of the path's `{meeting_id}` must be one
    they are assigned to, and the class of `{class_id}` one they teach (404 otherwise).
    `lists`: a list that shows them their own only. `student`: the path's `{person_id}` must
    be a student of a class a teacher teaches (404 otherwise).
    `board_link` / `voting_link`: that link also opens this route (they are not roles, and
    check their own meeting). `permission=None`: the link alone opens it. On a page, no
    sign-in sends the browser to /signin (the 401 of api/web/errors.page_error).
    """

    def dependency(request: Request, services: ServicesDep) -> Principal:
        meeting_id = _meeting_id(request)
        class_id = _path_id(request, "class_id")
        student_id = _path_id(request, "person_id") if student else None
        # One session (read only, rolled back at the end) for the credential and the
        # permission: a second one cost a connection check-out per request.
        with services.sessions() as session:
            if board_link and request.query_params.get("key"):
                principal = _board_link(request, services, session, meeting_id)
            else:
                principal = _credential(
                    request, services, session, page=page, voting_link=voting_link
                )
            if principal.kind == kinds.VOTING_LINK:
                pass  # the voting routes check its meeting (api/routes/voting.py)
            elif permission is None:
                raise Forbidden(
                    "Cần liên kết bỏ phiếu cá nhân của đại biểu. "
                    "A delegate's personal voting link is needed.",
                    code="VOTER_REQUIRED",
                )
            elif principal.kind != kinds.BOARD_LINK:
                authorize(
                    session,
                    principal,
                    permission,
                    meeting_id=meeting_id,
                    class_id=class_id,
                    student_id=student_id,
                    lists=lists,
                )
        request.state.principal = principal
        return principal

    # What this route declared, for whoever lists the routes (docs/permissions.md).
    dependency.declared = {  # type: ignore[attr-defined]
        "permission": permission,
        "lists": lists,
        "board_link": board_link,
        "voting_link": voting_link,
        "student": student,
    }
    return Depends(dependency)


def by_password() -> Any:
    """The mark of the one route whose credential is an account's password (HTTP Basic,
    checked by the route itself, throttled per account and address): it names no permission,
    as what it makes is the account's own token."""

    def dependency() -> None:
        return None

    dependency.declared = {  # type: ignore[attr-defined]
        "permission": PASSWORD,
        "lists": False,
        "board_link": False,
        "voting_link": False,
    }
    return Depends(dependency)


PASSWORD = "password"


def _meeting_id(request: Request) -> int | None:
    return _path_id(request, "meeting_id")


def _path_id(request: Request, name: str) -> int | None:
    raw = request.path_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return 0  # no such meeting: a scoped role gets the 404 it would get for any


def _credential(
    request: Request, services: Services, session: Session, *, page: bool, voting_link: bool
) -> Principal:
    token = None if page else bearer_token(request)
    key = session_key(request) if token is None else None
    if key is not None:
        with attempt(request, services, SESSION, credential=key, session=session):
            staff = staff_for(session, key=key)
        require_same_origin(request)
        return Principal(
            role=staff.role,
            actor=staff.actor,
            kind=kinds.SESSION,
            token_id=staff.token_id,
            account_id=staff.account_id,
            session_id=staff.session_id,
        )
    if token and token.startswith(PASS_PREFIX):
        with attempt(request, services, VOTING_LINK, credential=token, session=session):
            voter = authenticate_pass(session, token=token)
        if not voting_link:
            raise Forbidden(
                "Liên kết bỏ phiếu chỉ dùng để bỏ phiếu và gửi ý kiến. "
                "A voting link can only vote and give opinions.",
            )
        return Principal(
            role="",
            actor=f"person:{voter.person_id}",
            kind=kinds.VOTING_LINK,
            voter=voter,
            meeting_id=voter.meeting_id,
        )
    if token is None:
        if page:
            raise Unauthorized("Cần đăng nhập. Please sign in.", code="SIGN_IN_REQUIRED")
        authenticate(session, token=None)  # 401, nothing to count
    with attempt(request, services, TOKEN, credential=token, session=session):
        row = authenticate(session, token=token)
        account = _account_in_use(session, row)
    return Principal(
        role=account.role if account is not None else row.role,
        # The audit log names the person behind a personal token, not the token.
        actor=account.display_name[:100] if account is not None else row.name,
        kind=kinds.KIOSK_TOKEN if row.role == KIOSK else kinds.TOKEN,
        token_id=row.id,
        account_id=row.account_id,
        name=row.name,
        room=row.room,
        gate=row.gate,
    )


def _account_in_use(session: Session, token: ApiToken) -> StaffAccount | None:
    """A personal token's account: the token acts with its role, read at each use, and
    stops working while the account is disabled."""
    account = session.get(StaffAccount, token.account_id) if token.account_id else None
    if account is not None and account.disabled_at is not None:
        raise Unauthorized("Tài khoản này đã bị khoá. This account is disabled.")
    return account


def _board_link(
    request: Request, services: Services, session: Session, meeting_id: int | None
) -> Principal:
    key = request.query_params["key"]
    with attempt(
        request, services, BOARD_KEY, credential=key, failures=(Forbidden,), session=session
    ):
        check_board_link(session, meeting_id=meeting_id or 0, key=key)
    return Principal(role="", actor="board", kind=kinds.BOARD_LINK, meeting_id=meeting_id)


async def current_principal(request: Request) -> Principal:
    """The caller `need` let through (a route's `dependencies=[need(...)]` runs first)."""
    principal: Principal = request.state.principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def current_actor(principal: PrincipalDep) -> str:
    """Who to name in the audit log: the signed-in person, else the token's name."""
    return principal.actor


ActorDep = Annotated[str, Depends(current_actor)]
