"""The log is shown in the chain's order: swapping two entries' ids (which the hash does not
cover) changes nothing a reader sees, and the chain still verifies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from attendance import audit
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.migrate import upgrade


def test_entries_are_listed_by_their_place_in_the_chain_not_their_id(tmp_path: Path) -> None:
    path = tmp_path / "order.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    for action in ("first", "second", "third"):
        with unit_of_work(sessions) as session:
            audit.record(session, actor="Chị Thu", action=action)
    with sqlite3.connect(path) as db:  # a curious admin swaps the first and the last ids
        ids = [row[0] for row in db.execute("SELECT id FROM audit_log ORDER BY seq")]
        db.execute("UPDATE audit_log SET id = -1 WHERE id = ?", (ids[0],))
        db.execute("UPDATE audit_log SET id = ? WHERE id = ?", (ids[0], ids[2]))
        db.execute("UPDATE audit_log SET id = ? WHERE id = -1", (ids[2],))
    with sessions() as session:
        shown = [entry.action for entry in audit.entries(session)]
    assert shown == ["third", "second", "first"]  # newest first, as written
