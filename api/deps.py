"""Typed dependencies: the request's database session, the services, the caller's token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.services import Services
from attendance.db import unit_of_work
from attendance.errors import Forbidden
from attendance.orm import ApiToken
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


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token(request: Request, services: ServicesDep) -> ApiToken:
    token = bearer_token(request)
    with services.sessions() as session:
        if token and token.startswith(PASS_PREFIX):
            authenticate_pass(session, token=token)  # 401 when the link is not valid at all
            raise Forbidden(
                "Liên kết bỏ phiếu chỉ dùng để bỏ phiếu và gửi ý kiến. "
                "A voting link can only vote and give opinions.",
            )
        return authenticate(session, token=token)


TokenDep = Annotated[ApiToken, Depends(require_token)]


def require_admin_token(token: TokenDep) -> ApiToken:
    require_admin(token)
    return token


@dataclass(frozen=True)
class Caller:
    """Who is calling a voting route: staff or a kiosk (an API token), or a delegate (a pass)."""

    token: ApiToken | None = None
    voter: VotingPass | None = None

    @property
    def actor(self) -> str:
        if self.voter is not None:
            return f"person:{self.voter.person_id}"
        assert self.token is not None
        return self.token.name


def require_caller(request: Request, services: ServicesDep) -> Caller:
    token = bearer_token(request)
    with services.sessions() as session:
        if token and token.startswith(PASS_PREFIX):
            return Caller(voter=authenticate_pass(session, token=token))
        return Caller(token=authenticate(session, token=token))


CallerDep = Annotated[Caller, Depends(require_caller)]
