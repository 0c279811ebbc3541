"""The audit log is hash-chained: `attendance audit verify` names the first entry that was
edited, deleted or inserted behind the application's back, straight in the database (the
SQLite file, or a psql prompt on PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, inspect, select, text
from typer.testing import CliRunner, Result

from api.cli import app
from attendance import audit
from attendance.audit_chain import GENESIS
from attendance.audit_verify import verify_chain
from attendance.checkin import check_in
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.meeting_removal import delete_meeting
from attendance.meetings import create_meeting, set_participants
from attendance.migrate import alembic_config, upgrade
from attendance.orm import AuditEntry
from attendance.people import create_person
from attendance.people_merge import merge_people
from attendance.people_removal import delete_person
from attendance.presence import check_out
from attendance.settings import get_settings

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def write_entries(url: str) -> None:
    """Entries written the way the application writes them: services, one unit of work each."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        people = [create_person(session, full_name=n) for n in ("Nguyễn Văn An", "Trần Thị Bình")]
        meeting = create_meeting(
            session, title="Kỳ họp thứ 12", starts_at=START, ends_at=START + timedelta(hours=3)
        )
        set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
        ids = [p.id for p in people]
    for index, person_id in enumerate(ids):  # a kiosk's arrival, then a manual one
        with unit_of_work(sessions) as session:
            check_in(
                session,
                meeting_id=meeting.id,
                person_id=person_id,
                source="kiosk:cửa chính" if index == 0 else "manual",
                idempotency_key=f"k{person_id}",
                at=START + timedelta(minutes=index),
                now=START + timedelta(minutes=index),
                actor=None if index == 0 else "Thư ký Lê",
                note=None if index == 0 else "Quên thẻ",
                by="cửa chính",
            )
    with unit_of_work(sessions) as session:  # the same person seen again: no new entry
        check_in(
            session,
            meeting_id=meeting.id,
            person_id=ids[0],
            source="kiosk:cửa chính",
            idempotency_key="again",
            at=START + timedelta(minutes=5),
            now=START + timedelta(minutes=5),
        )
    with unit_of_work(sessions) as session:
        check_out(
            session,
            meeting_id=meeting.id,
            person_id=ids[0],
            reason="Về sớm",
            actor="Thư ký Lê",
            idempotency_key="out",
            at=START + timedelta(minutes=30),
        )
        audit.record(session, actor="Thư ký Lê", action="note", detail={"text": "Ghi chú"})
    engine.dispose()


@pytest.fixture
def db_copy(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A chained database of the test's own, the CLI pointed at it."""
    write_entries(database_url)
    monkeypatch.setenv("ATTEND_DB_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, ["audit", *args], env={"COLUMNS": "300"})


@contextmanager
def raw(url: str) -> Iterator[Connection]:
    """The database straight, as someone with the file or a psql prompt would edit it."""
    engine = create_engine(url)
    try:
        with engine.begin() as db:
            yield db
    finally:
        engine.dispose()


def rows(url: str) -> list[tuple[int, int, str]]:
    with raw(url) as db:
        query = text("SELECT id, seq, action FROM audit_log ORDER BY seq")
        return [(int(r[0]), int(r[1]), str(r[2])) for r in db.execute(query)]


def test_every_recorded_entry_is_chained_and_an_intact_chain_verifies(db_copy: str) -> None:
    chained = rows(db_copy)
    # two arrivals, the check-out and the note: the repeated sighting wrote nothing
    assert [action for _, _, action in chained] == ["check_in", "check_in", "check_out", "note"]
    assert [seq for _, seq, _ in chained] == [1, 2, 3, 4]
    result = cli("verify")
    assert result.exit_code == 0, result.output
    with raw(db_copy) as db:
        head = db.scalar(text("SELECT hash FROM audit_log WHERE seq = 4"))
    assert f"4 entries, chain intact, head {head}" in result.output


def test_a_kiosk_arrival_is_audited_with_its_source_and_kiosk(db_copy: str) -> None:
    with raw(db_copy) as db:
        actor, detail = db.execute(text("SELECT actor, detail FROM audit_log WHERE seq = 1")).one()
    assert actor == "cửa chính"
    assert json.loads(detail)["source"] == "kiosk:cửa chính"
    assert json.loads(detail)["person_name"] == "Nguyễn Văn An"


def test_an_edited_detail_is_named_as_changed(db_copy: str) -> None:
    with raw(db_copy) as db:
        db.execute(
            text("UPDATE audit_log SET detail = :detail WHERE seq = 2"),
            {"detail": '{"reason": "Đến đúng giờ"}'},
        )
    result = cli("verify")
    assert result.exit_code == 1
    assert "seq 2 (id 2) was changed" in result.output


def test_a_deleted_middle_entry_is_named_as_removed(db_copy: str) -> None:
    with raw(db_copy) as db:
        db.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    result = cli("verify")
    assert result.exit_code == 1
    assert "Entry seq 2 is missing before entry seq 3 (id 3): removed" in result.output


def test_a_forged_row_outside_the_chain_is_named_as_inserted(db_copy: str) -> None:
    with raw(db_copy) as db:
        forged = db.scalar(
            text(
                "INSERT INTO audit_log (at, actor, action, meeting_id, subject, detail)"
                " VALUES ('2026-11-23 01:02:00.000000', 'Thư ký Lê', 'check_in', 1, 'person:2',"
                " '{}') RETURNING id"
            )
        )
    result = cli("verify")
    assert result.exit_code == 1
    assert f"Entry id {forged} has no place in the chain: it was inserted" in result.output


def test_a_forged_row_slipped_into_the_middle_is_named_as_inserted(db_copy: str) -> None:
    with raw(db_copy) as db:  # make room after seq 2, as a forger would
        shift = text("UPDATE audit_log SET seq = :new WHERE seq = :old")
        for seq in (4, 3):
            db.execute(shift, {"new": seq + 1, "old": seq})
        prev = db.scalar(text("SELECT hash FROM audit_log WHERE seq = 2"))
        forged = db.scalar(
            text(
                "INSERT INTO audit_log (at, actor, action, meeting_id, subject, detail, seq,"
                " prev_hash, hash) VALUES ('2026-11-23 01:02:00.000000', 'Thư ký Lê', 'check_in',"
                " 1, 'person:2', '{}', 3, :prev, :hash) RETURNING id"
            ),
            {"prev": prev, "hash": "f" * 64},
        )
    result = cli("verify")
    assert result.exit_code == 1
    assert f"seq 3 (id {forged})" in result.output


def test_anchor_catches_the_newest_entries_cut_off(db_copy: str, tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    written = cli("anchor", "--out", str(anchor))
    assert written.exit_code == 0, written.output
    kept = json.loads(anchor.read_text())
    assert kept["seq"] == 4 and len(kept["hash"]) == 64 and kept["at"].endswith("Z")
    assert cli("verify", "--anchor", str(anchor)).exit_code == 0
    with raw(db_copy) as db:  # cut off the newest, and cover it up in the head
        db.execute(text("DELETE FROM audit_log WHERE seq = 4"))
        db.execute(
            text(
                "UPDATE audit_chain_head SET seq = 3,"
                " hash = (SELECT hash FROM audit_log WHERE seq = 3)"
            )
        )
    assert cli("verify").exit_code == 0  # a chain alone cannot tell
    result = cli("verify", "--anchor", str(anchor))
    assert result.exit_code == 1
    assert "anchored entry seq 4 is gone" in result.output


def test_the_chain_head_row_catches_a_cut_off_tail(db_copy: str) -> None:
    with raw(db_copy) as db:
        db.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    result = cli("verify")
    assert result.exit_code == 1
    assert "the newest entries were removed" in result.output


def test_a_removed_head_row_is_named(db_copy: str) -> None:
    with raw(db_copy) as db:
        db.execute(text("DELETE FROM audit_chain_head"))
    result = cli("verify")
    assert result.exit_code == 1
    assert "head row (table audit_chain_head) was removed" in result.output


def test_anchor_of_an_empty_log_and_an_unreadable_anchor(tmp_path: Path, db_copy: str) -> None:
    with raw(db_copy) as db:
        db.execute(text("DELETE FROM audit_log"))
        db.execute(text("UPDATE audit_chain_head SET seq = 0, hash = :hash"), {"hash": GENESIS})
    printed = cli("anchor")
    assert printed.exit_code == 0
    assert json.loads(printed.output) == {"seq": 0, "hash": GENESIS, "at": None}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert cli("verify", "--anchor", str(bad)).exit_code == 2


def test_migration_chains_the_entries_already_there(empty_database_url: str) -> None:
    url = empty_database_url
    upgrade(url, "0010")
    with raw(url) as db:
        for minute, actor in enumerate(("Thư ký Lê", "Nguyễn Văn An", "system")):
            db.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, meeting_id, subject, detail)"
                    f" VALUES ('2026-11-23 01:0{minute}:00.000000', :actor, 'check_in', 1,"
                    " 'person:1', :detail)"
                ),
                {"actor": actor, "detail": '{"reason": "Quên thẻ"}'},
            )
    upgrade(url)
    assert [seq for _, seq, _ in rows(url)] == [1, 2, 3]
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:  # the next entry follows on
        audit.record(session, actor="Thư ký Lê", action="note")
    with make_session_factory(engine)() as session:
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert newest is not None and newest.seq == 4
    engine.dispose()
    engine = make_engine(url)
    report = verify_chain(engine)
    engine.dispose()
    assert report.intact and report.entries == 4 and report.head.seq == 4
    command.downgrade(alembic_config(url), "0010")  # the chain goes, the entries stay
    with raw(url) as db:
        assert db.scalar(text("SELECT count(*) FROM audit_log")) == 4
        columns = {column["name"] for column in inspect(db).get_columns("audit_log")}
    assert "seq" not in columns and "hash" not in columns


def test_deleting_and_merging_people_and_deleting_a_meeting_keep_every_entry(
    db_copy: str,
) -> None:
    before = rows(db_copy)
    engine = make_engine(db_copy)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        twin = create_person(session, full_name="Nguyễn Văn An (trùng)")
        merge_people(session, person_id=twin.id, into_id=1, actor="Thư ký Lê")
    with unit_of_work(sessions) as session:
        delete_person(session, person_id=2, actor="Thư ký Lê", force=True)
    with unit_of_work(sessions) as session:
        delete_meeting(session, meeting_id=1, actor="Thư ký Lê")
    engine.dispose()
    after = rows(db_copy)
    assert after[: len(before)] == before  # the log outlives what it describes, unchanged
    assert [a for _, _, a in after[len(before) :]] == [
        "person_merged",
        "person_deleted",
        "meeting_deleted",
    ]
    result = cli("verify")
    assert result.exit_code == 0, result.output
    assert f"{len(after)} entries, chain intact" in result.output
