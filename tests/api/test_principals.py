"""Who a personal token acts as: its account's role read at each use, its account's name in
the audit log, nothing at all once the account is disabled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from permission_support import Seeded, account_id, seed

from attendance.db import make_engine, make_session_factory
from attendance.orm import utcnow
from attendance.staff.tables import StaffAccount


@pytest.fixture
def seeded(database_url: str) -> Iterator[Seeded]:
    yield from seed(database_url)


def change_account(db_url: str, username: str, **fields: object) -> None:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        account = session.get(StaffAccount, account_id(db_url, username))
        assert account is not None
        for name, value in fields.items():
            setattr(account, name, value)
        session.commit()
    engine.dispose()


def bearer(seeded: Seeded, name: str) -> dict[str, str]:
    token = next(c.bearer for c in seeded.callers if c.name == name)
    return {"Authorization": f"Bearer {token}"}


def test_a_personal_token_is_audited_under_its_account_s_name(seeded: Seeded) -> None:
    meeting_id = seeded.values["meeting_id"]
    url = f"/api/v1/meetings/{meeting_id}/staff"
    answer = seeded.client.put(url, json={"account_ids": []}, headers=bearer(seeded, "thư_ký"))
    assert answer.status_code == 200, answer.text
    log = seeded.client.get(f"/api/v1/meetings/{meeting_id}/audit").json()
    assigned = [e for e in log if e["action"] == "staff_assigned"]
    assert assigned[0]["actor"] == "Thư_Ký"  # newest first: the display name, not the token's


def test_a_token_acts_with_its_account_s_role_now_and_not_once_disabled(seeded: Seeded) -> None:
    people = "/api/v1/people"
    viewer = bearer(seeded, "người_xem_khác")
    assert seeded.client.get(people, headers=viewer).status_code == 403
    change_account(seeded.db_url, "người_xem_khác", role="secretary")
    assert seeded.client.get(people, headers=viewer).status_code == 200
    change_account(seeded.db_url, "người_xem_khác", disabled_at=utcnow())
    assert seeded.client.get(people, headers=viewer).status_code == 401
