"""The log is shown in the chain's order: swapping two entries' ids (which the hash does not
cover) changes nothing a reader sees, and the chain still verifies."""

from __future__ import annotations

from sqlalchemy import text

from attendance import audit
from attendance.db import make_engine, make_session_factory, unit_of_work


def test_entries_are_listed_by_their_place_in_the_chain_not_their_id(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    for action in ("first", "second", "third"):
        with unit_of_work(sessions) as session:
            audit.record(session, actor="Chị Thu", action=action)
    with engine.begin() as db:  # a curious admin swaps the first and the last ids
        ids = list(db.scalars(text("SELECT id FROM audit_log ORDER BY seq")))
        swap = text("UPDATE audit_log SET id = :new WHERE id = :old")
        db.execute(swap, {"new": -1, "old": ids[0]})
        db.execute(swap, {"new": ids[0], "old": ids[2]})
        db.execute(swap, {"new": ids[2], "old": -1})
    with sessions() as session:
        shown = [entry.action for entry in audit.entries(session)]
    engine.dispose()
    assert shown == ["third", "second", "first"]  # newest first, as written
