"""Sealed secret ballots: durable through a crash, refused under another master key."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from ballot_support import open_poll_with_voters
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.errors import Unavailable
from attendance.orm import Base
from attendance.voting.ballots import cast_ballot
from attendance.voting.master_key import MasterKey
from attendance.voting.polls import close_poll
from attendance.voting.tables import Poll, SecretBallot

CHOICES = [0, 1, 0, 2, 0, 1]  # option positions: three for, two against, one abstains


def database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    return engine, make_session_factory(engine)


def vote(
    factory: sessionmaker[Session], poll: tuple[int, int], voter: int, option: int, key: MasterKey
) -> None:
    with unit_of_work(factory) as session:
        cast_ballot(
            session,
            meeting_id=poll[0],
            poll_id=poll[1],
            voter_id=voter,
            option_ids=[option],
            channel="link",
            master_key=key,
        )


def close(factory: sessionmaker[Session], poll: tuple[int, int], key: MasterKey) -> list[int]:
    with unit_of_work(factory) as session:
        closed = close_poll(
            session, meeting_id=poll[0], poll_id=poll[1], actor="admin", master_key=key
        )
        return [o["votes"] for o in json.loads(closed.result or "{}")["options"]]


@pytest.mark.sqlite_only  # copies the database file and its WAL as a crash leaves them
def test_sealed_ballots_survive_a_crash_and_are_counted_after_restart(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "attendance.key"
    engine, factory = database(f"sqlite:///{tmp_path / 'data' / 'attendance.db'}")
    Base.metadata.create_all(engine)
    meeting_id, poll_id, options, voters = open_poll_with_voters(factory, voters=6)
    for voter, choice in zip(voters, CHOICES, strict=True):
        vote(factory, (meeting_id, poll_id), voter, options[choice], MasterKey(path=key_file))
    # The process dies here: what is on disk is the database and its WAL as they are now,
    # with no close, no checkpoint and nothing kept in memory.
    shutil.copytree(tmp_path / "data", tmp_path / "after-crash")
    engine.dispose()
    assert (tmp_path / "after-crash" / "attendance.db-wal").stat().st_size > 0
    restarted, factory = database(f"sqlite:///{tmp_path / 'after-crash' / 'attendance.db'}")
    counts = close(factory, (meeting_id, poll_id), MasterKey(path=key_file))  # read anew
    restarted.dispose()
    assert counts == [3, 2, 1]


def test_a_ballot_under_another_master_key_is_refused_before_anything_is_written(
    database_url: str,
) -> None:
    engine, factory = database(database_url)
    meeting_id, poll_id, options, voters = open_poll_with_voters(factory, voters=6)
    poll = (meeting_id, poll_id)
    first = MasterKey(secret="the key this poll was opened with, 32+ characters")
    other = MasterKey(secret="a key restored from somewhere else, 32+ characters")
    vote(factory, poll, voters[0], options[0], first)
    with pytest.raises(Unavailable) as refused:
        vote(factory, poll, voters[1], options[1], other)
    assert refused.value.code == "SECRET_KEY_MISMATCH"
    assert "khóa" in refused.value.message and "ATTEND_SECRET_KEY_FILE" in refused.value.message
    with pytest.raises(Unavailable) as not_closed:
        close(factory, poll, other)
    assert not_closed.value.code == "SECRET_KEY_MISMATCH"
    with factory() as session:
        still = session.get(Poll, poll_id)
        assert still is not None and (still.state, still.ballots_cast) == ("open", 1)
        assert session.scalar(select(func.count()).select_from(SecretBallot)) == 1
    vote(factory, poll, voters[1], options[1], first)  # the right key still works
    assert close(factory, poll, first) == [1, 1, 0]
    with factory() as session:
        closed = session.get(Poll, poll_id)
        assert closed is not None and closed.ballot_key is None and closed.ballot_key_check is None
        assert session.scalar(select(func.count()).select_from(SecretBallot)) == 0
    engine.dispose()


def test_a_secret_poll_without_a_master_key_refuses_ballots(database_url: str) -> None:
    engine, factory = database(database_url)
    meeting_id, poll_id, options, voters = open_poll_with_voters(factory, voters=6)
    with pytest.raises(Unavailable) as refused, unit_of_work(factory) as session:
        cast_ballot(
            session,
            meeting_id=meeting_id,
            poll_id=poll_id,
            voter_id=voters[0],
            option_ids=[options[0]],
            channel="link",
        )
    assert refused.value.code == "SECRET_KEY_UNAVAILABLE"
    engine.dispose()


def test_the_master_key_file_is_created_private_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "attendance.key"
    created = MasterKey(path=path)
    assert len(created.key) == 32 and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert MasterKey(path=path).key == created.key  # a restart reads the same key
    assert MasterKey(path=tmp_path / "other.key").key != created.key
    assert "attendance.key" in repr(created) and created.key.hex() not in repr(created)


def test_a_short_or_unreadable_master_key_is_a_clear_refusal(tmp_path: Path) -> None:
    with pytest.raises(Unavailable) as short:
        _ = MasterKey(secret="too short").key
    assert short.value.code == "SECRET_KEY_UNAVAILABLE" and "32" in short.value.message
    folder = tmp_path / "a-folder.key"
    folder.mkdir()
    with pytest.raises(Unavailable) as unreadable:
        _ = MasterKey(path=folder).key
    assert str(folder) in unreadable.value.message
