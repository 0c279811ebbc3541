"""Staff accounts: usernames, password rules, argon2id, the last admin, sessions and tokens
that follow the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import Conflict, Forbidden, Invalid, Unauthorized
from attendance.orm import AuditEntry, utcnow
from attendance.staff.accounts import (
    create_account,
    update_account,
    verify_credentials,
)
from attendance.staff.personal_tokens import create_personal_token
from attendance.staff.sessions import sign_in_account, staff_for
from attendance.tokens import ADMIN, SECRETARY, VIEWER, authenticate

PASSWORD = "mật khẩu dài đủ 10"


def _account(session: Session, username: str = "Thu.NT", role: str = ADMIN) -> int:
    account = create_account(
        session,
        username=username,
        display_name="Nguyễn Thị Thu",
        role=role,
        password=PASSWORD,
        actor="test",
    )
    return account.id


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_account_is_stored_lower_case_with_an_argon2id_hash_only(session: Session) -> None:
    account_id = _account(session)
    account = verify_credentials(session, username=" thu.nt ", password=PASSWORD)
    assert account.id == account_id and account.username == "thu.nt"
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    assert _actions(session) == ["account_created"]


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("ab", PASSWORD, "INVALID_USERNAME"),
        ("thu nt", PASSWORD, "INVALID_USERNAME"),
        ("thư", PASSWORD, "INVALID_USERNAME"),
        ("thu.nt", "ngắn", "WEAK_PASSWORD"),
        ("thu.nt.1234", "THU.NT.1234", "WEAK_PASSWORD"),
    ],
)
def test_bad_usernames_and_weak_passwords_are_refused_with_their_code(
    session: Session, username: str, password: str, code: str
) -> None:
    with pytest.raises(Invalid) as refused:
        create_account(
            session, username=username, display_name="", role=ADMIN, password=password, actor="t"
        )
    assert refused.value.code == code
    assert ". " in refused.value.message  # Vietnamese, then English


def test_a_taken_username_and_an_unknown_role_are_refused(session: Session) -> None:
    _account(session)
    with pytest.raises(Conflict) as taken:
        _account(session, username="THU.nt", role=SECRETARY)
    assert taken.value.code == "USERNAME_TAKEN"
    with pytest.raises(Invalid) as role:
        _account(session, username="lan.pt", role="kiosk")
    assert role.value.code == "INVALID_ROLE"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(session: Session) -> None:
    _account(session)
    answers = []
    for username, password in (("thu.nt", "sai mật khẩu rồi"), ("nobody", PASSWORD)):
        with pytest.raises(Unauthorized) as refused:
            verify_credentials(session, username=username, password=password)
        answers.append((refused.value.code, refused.value.message))
    assert answers[0] == answers[1] and answers[0][0] == "BAD_SIGN_IN"


def test_the_last_enabled_admin_can_be_neither_disabled_nor_demoted(session: Session) -> None:
    first = _account(session)
    for change in ({"disabled": True}, {"role": VIEWER}):
        with pytest.raises(Conflict) as refused:
            update_account(session, account_id=first, actor="t", **change)  # type: ignore[arg-type]
        assert refused.value.code == "LAST_ADMIN"
    second = _account(session, username="lan.pt")
    update_account(session, account_id=first, actor="t", role=VIEWER)
    with pytest.raises(Conflict):
        update_account(session, account_id=second, actor="t", disabled=True)


def test_a_role_change_reaches_the_tokens_and_is_audited(session: Session) -> None:
    _account(session)
    account_id = _account(session, username="lan.pt", role=SECRETARY)
    account = verify_credentials(session, username="lan.pt", password=PASSWORD)
    _row, secret = create_personal_token(session, account=account, name="script")
    update_account(session, account_id=account_id, actor="t", role=VIEWER)
    assert authenticate(session, token=secret).role == VIEWER
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "role_changed")).one()
    assert '"from": "secretary"' in entry.detail and '"to": "viewer"' in entry.detail


def test_disabling_ends_sessions_and_refuses_tokens_and_passwords(session: Session) -> None:
    _account(session)
    account_id = _account(session, username="lan.pt", role=SECRETARY)
    account = verify_credentials(session, username="lan.pt", password=PASSWORD)
    key, staff = sign_in_account(session, account=account, address="10.0.0.9")
    assert staff.account_id == account_id and staff.token_id is None
    assert staff_for(session, key=key).actor == "Nguyễn Thị Thu (lan.pt)"
    _row, secret = create_personal_token(session, account=account)
    update_account(session, account_id=account_id, actor="t", disabled=True)
    with pytest.raises(Unauthorized):
        staff_for(session, key=key)
    with pytest.raises(Unauthorized):
        authenticate(session, token=secret)
    with pytest.raises(Forbidden) as disabled:
        verify_credentials(session, username="lan.pt", password=PASSWORD)
    assert disabled.value.code == "ACCOUNT_DISABLED"
    update_account(session, account_id=account_id, actor="t", disabled=False)
    assert authenticate(session, token=secret).account_id == account_id
    assert "account_disabled" in _actions(session) and "account_enabled" in _actions(session)


def test_a_new_password_ends_sessions_but_keeps_tokens(session: Session) -> None:
    account_id = _account(session)
    account = verify_credentials(session, username="thu.nt", password=PASSWORD)
    key, _staff = sign_in_account(session, account=account)
    _row, secret = create_personal_token(session, account=account)
    update_account(session, account_id=account_id, actor="t", password="một mật khẩu mới")
    with pytest.raises(Unauthorized):
        staff_for(session, key=key)
    assert authenticate(session, token=secret).account_id == account_id
    verify_credentials(session, username="thu.nt", password="một mật khẩu mới")


def test_a_session_older_than_the_password_is_refused(session: Session) -> None:
    _account(session)
    account = verify_credentials(session, username="thu.nt", password=PASSWORD)
    key, _staff = sign_in_account(session, account=account, now=utcnow() - timedelta(hours=1))
    account.password_changed_at = utcnow() - timedelta(minutes=1)  # set by another process
    with pytest.raises(Unauthorized):
        staff_for(session, key=key)


def test_a_hash_made_with_older_parameters_is_redone_at_sign_in(session: Session) -> None:
    _account(session)
    account = verify_credentials(session, username="thu.nt", password=PASSWORD)
    account.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    verify_credentials(session, username="thu.nt", password=PASSWORD)
    assert "m=65536,t=3" in account.password_hash
