"""Staff accounts over the API (admins): create, list, read, change."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import ActorDep, SessionDep, need
from api.schemas_accounts import AccountCreate, AccountRead, AccountUpdate
from attendance.permissions import Permission
from attendance.staff.accounts import create_account, get_account, list_accounts, update_account

router = APIRouter(
    prefix="/accounts", tags=["accounts"], dependencies=[need(Permission.MANAGE_ACCOUNTS)]
)


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: AccountCreate, session: SessionDep, actor: ActorDep) -> AccountRead:
    account = create_account(
        session,
        username=body.username,
        display_name=body.display_name,
        role=body.role,
        password=body.password,
        actor=actor,
    )
    return AccountRead.of(account)


@router.get("")
def index(session: SessionDep) -> list[AccountRead]:
    return [AccountRead.of(account) for account in list_accounts(session)]


@router.get("/{account_id}")
def read(account_id: int, session: SessionDep) -> AccountRead:
    return AccountRead.of(get_account(session, account_id=account_id))


@router.patch("/{account_id}")
def change(
    account_id: int, body: AccountUpdate, session: SessionDep, actor: ActorDep
) -> AccountRead:
    account = update_account(
        session,
        account_id=account_id,
        actor=actor,
        role=body.role,
        display_name=body.display_name,
        disabled=body.disabled,
        password=body.password,
    )
    return AccountRead.of(account)
