"""Wire shapes of staff accounts and personal tokens (never a password hash)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictBool

from attendance.orm import ApiToken
from attendance.staff.passwords import MAX_PASSWORD_LENGTH
from attendance.staff.personal_tokens import token_label
from attendance.staff.tables import StaffAccount


class AccountCreate(BaseModel):
    username: str = Field(max_length=200, examples=["thu.nt"])
    display_name: str = Field("", max_length=400, examples=["Nguyễn Thị Thu"])
    role: str = Field(examples=["secretary"], description="admin, secretary, teacher, viewer")
    password: str = Field(max_length=MAX_PASSWORD_LENGTH, description="At least 10 characters.")


class AccountUpdate(BaseModel):
    role: str | None = None
    display_name: str | None = Field(None, max_length=400)
    disabled: StrictBool | None = None
    password: str | None = Field(None, max_length=MAX_PASSWORD_LENGTH)


class AccountRead(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, account: StaffAccount) -> AccountRead:
        return cls(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            disabled=account.disabled_at is not None,
            created_at=account.created_at,
        )


class PersonalTokenCreate(BaseModel):
    name: str | None = Field(None, max_length=200, examples=["export script"])


class PersonalTokenRead(BaseModel):
    id: int
    name: str
    account_id: int
    role: str
    created_at: datetime

    @classmethod
    def of(cls, token: ApiToken) -> PersonalTokenRead:
        assert token.account_id is not None
        return cls(
            id=token.id,
            name=token_label(token),
            account_id=token.account_id,
            role=token.role,
            created_at=token.created_at,
        )


class PersonalTokenCreated(BaseModel):
    id: int
    token: str = Field(description="Shown once; only its SHA-256 is stored.")
    name: str
    created_at: datetime
