"""Two admins disabling or demoting each other at the same moment: one of them stays."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from test_accounts import PASSWORD

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Conflict
from attendance.staff.accounts import create_account, update_account
from attendance.staff.tables import StaffAccount
from attendance.tokens import ADMIN, VIEWER


@pytest.mark.parametrize("change", [{"disabled": True}, {"role": VIEWER}])
def test_two_admins_turning_each_other_off_at_once_leave_one_admin(
    database_url: str, change: dict[str, object]
) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        first, second = (
            create_account(
                session, username=name, display_name=name, role=ADMIN, password=PASSWORD, actor="t"
            ).id
            for name in ("an.admin", "binh.admin")
        )

    @event.listens_for(sessions, "before_flush")
    def _hold(session: Session, *_: object) -> None:
        # Between reading who is an admin and writing: long enough for the other to read.
        if session.info.pop("racing", False):
            time.sleep(0.5)

    outcomes: list[str] = []

    def turn_off(target: int, actor: str) -> None:
        try:
            with unit_of_work(sessions) as session:
                session.info["racing"] = True
                update_account(session, account_id=target, actor=actor, **change)  # type: ignore[arg-type]
            outcomes.append("done")
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [
        threading.Thread(target=turn_off, args=(second, "an.admin")),
        threading.Thread(target=turn_off, args=(first, "binh.admin")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["LAST_ADMIN", "done"]
    with sessions() as session:
        admins = session.scalars(
            select(StaffAccount).where(
                StaffAccount.role == ADMIN, StaffAccount.disabled_at.is_(None)
            )
        ).all()
    engine.dispose()
    assert len(admins) == 1
