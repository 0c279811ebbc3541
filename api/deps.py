"""Typed dependencies: the request's database session, the services, the caller's token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.cookies import require_same_origin, session_key
from api.services import Services
from attendance.db import unit_of_work
from attendance.errors import DomainError, Forbidden, Unauthorized
from attendance.orm import ApiToken
from attendance.permissions import Permission, require
from attendance.staff.sessions import STAFF_ROLES, Staff, staff_for
from attendance.throttle import SESSION, TOKEN, VOTING_LINK
from attendance.tokens import authenticate, require_admin
from attendance.voting.passes import PREFIX as PASS_PREFIX
from attendance.voting.passes import authenticate_pass
from attendance.voting.tables import VotingPass


def get_services(request: Request) -> Services:
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
) -> Iterator[None]:
    """The guard around every check of a presented credential: refused (429) while this
    address has failed with too many different ones of this kind; a success counts nothing."""
    client = client_address(request)
    services.throttle.check(client=client, kind=kind)
    try:
        yield
    except failures:
        services.throttle.failed(client=client, kind=kind, credential=credential)
        raise


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token(request: Request, services: ServicesDep) -> ApiToken:
    """A bearer token, or else the staff pages' session cookie (so a page's download link
    or script can call the API); a cookie-borne write must come from our own pages."""
    caller = require_caller(request, services)
    if caller.voter is not None:
        raise Forbidden(
            "Liên kết bỏ phiếu chỉ dùng để bỏ phiếu và gửi ý kiến. "
            "A voting link can only vote and give opinions.",
        )
    assert caller.token is not None
    return caller.token


def _cookie_token(request: Request, session: Session, key: str) -> ApiToken:
    require_same_origin(request)
    staff = staff_for(session, key=key)
    request.state.actor = staff.actor
    if staff.token_id is None:
        # A staff account's session: a stand-in token (never stored) with the account's
        # current role, for the checks that read a token's role until every route asks
        # the permission table about the signed-in account itself.
        return ApiToken(name=staff.actor, role=staff.role, account_id=staff.account_id)
    token = session.get(ApiToken, staff.token_id)
    assert token is not None  # the session's foreign key holds it
    return token


TokenDep = Annotated[ApiToken, Depends(require_token)]


def current_actor(request: Request, token: TokenDep) -> str:
    """Who to name in the audit log: the signed-in person, else the token's name."""
    actor: str = getattr(request.state, "actor", None) or token.name
    return actor


ActorDep = Annotated[str, Depends(current_actor)]


def require_staff(roles: frozenset[str] = STAFF_ROLES) -> Callable[..., Staff]:
    """The one role check of the web pages: add a role here, not in each page."""

    def dependency(request: Request, services: ServicesDep) -> Staff:
        key = session_key(request)
        # No cookie is no guess: off to the sign-in page without counting.
        guard = attempt(request, services, SESSION, credential=key) if key else nullcontext()
        with services.sessions() as session, guard:
            staff = staff_for(session, key=key, roles=roles)
        require_same_origin(request)
        return staff

    return dependency


StaffDep = Annotated[Staff, Depends(require_staff())]


def require_admin_token(token: TokenDep) -> ApiToken:
    require_admin(token)
    return token


def require_permission(permission: Permission) -> Callable[..., ApiToken]:
    """A route's need, asked of the one permission table (attendance/permissions.py)."""

    def dependency(token: TokenDep) -> ApiToken:
        require(token.role, permission)
        return token

    return dependency


@dataclass(frozen=True)
class Caller:
    """Who is calling a voting route: staff or a kiosk (an API token), or a delegate (a pass)."""

    token: ApiToken | None = None
    voter: VotingPass | None = None
    signed_in_as: str | None = None  # a staff member on the pages: their name for the log

    @property
    def actor(self) -> str:
        if self.voter is not None:
            return f"person:{self.voter.person_id}"
        assert self.token is not None
        return self.signed_in_as or self.token.name


def require_caller(request: Request, services: ServicesDep) -> Caller:
    token = bearer_token(request)
    key = session_key(request) if token is None else None
    with services.sessions() as session:
        if key is not None:
            with attempt(request, services, SESSION, credential=key):
                row = _cookie_token(request, session, key)
            return Caller(token=row, signed_in_as=request.state.actor)
        if token and token.startswith(PASS_PREFIX):
            with attempt(request, services, VOTING_LINK, credential=token):
                return Caller(voter=authenticate_pass(session, token=token))
        if token is None:
            return Caller(token=authenticate(session, token=None))  # 401, nothing to count
        with attempt(request, services, TOKEN, credential=token):
            return Caller(token=authenticate(session, token=token))


CallerDep = Annotated[Caller, Depends(require_caller)]


def require_voting_caller(caller: CallerDep) -> Caller:
    """A delegate's pass, or a token allowed to run voting: a kiosk's is refused, since its
    photo is no proof that the person is in the room."""
    if caller.token is not None:
        require(caller.token.role, Permission.RUN_VOTING)
    return caller
