"""A secret poll against someone who copies the data directory while the server runs.

The attacker knows who voted when (the audit log says so), copies every file under data/
after each ballot and after the close, rebuilds each commit from the WAL and tries to tie
each voter to what changed in the same commit. It must recover no choice; after the close
nothing left on disk (database, WAL, shared memory, a backup) may hold a ballot at all.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from api_support import ADMIN_TOKEN, create_meeting, create_people
from fastapi.testclient import TestClient
from polls_support import Room, arrive, ballot, link, new_poll, today
from wal_reader import added, blobs, read_state, states_in_commit_order

from api.app import create_app
from attendance.settings import Settings
from models.packs import FacePipeline

VOTERS = 30
DB = "attendance.db"
CANDIDATES = ["Ứng viên An", "Ứng viên Bình", "Ứng viên Châu", "Ứng viên Dũng"]
# One or two of the four candidates: the ballots differ in what and in how many they choose.
PATTERNS = [[0], [1], [2, 3], [0, 2], [3], [1, 2], [0, 3]]


def _no_models(_settings: Settings) -> FacePipeline:
    raise AssertionError("ballots by voting link need no face models")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def client(tmp_path: Path, data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(
        db_url=f"sqlite:///{data_dir / DB}",
        admin_token=ADMIN_TOKEN,
        secret_key_file=tmp_path / "keys" / "attendance.key",
    )
    app = create_app(settings, pipeline_factory=_no_models, warm_up=False)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(
        app, raise_server_exceptions=False, headers=headers, base_url="http://localhost"
    ) as client:
        yield client


def copy_data(data_dir: Path, target: Path) -> Path:
    """What a backup of data/ taken while the server runs holds: every file, as it is."""
    target.mkdir(parents=True)
    for path in data_dir.iterdir():
        if path.is_file():
            shutil.copyfile(path, target / path.name)
    return target


@pytest.mark.sqlite_only  # the attacker reads SQLite's own files (database, WAL, backup)
def test_a_file_reader_cannot_tie_a_secret_ballot_to_its_voter(
    client: TestClient, data_dir: Path, tmp_path: Path
) -> None:
    people = create_people(client, [f"Đại biểu số {i:03d}" for i in range(VOTERS)])
    room = Room(create_meeting(client, people, starts_at=today(0), ends_at=today(23, 59)), people)
    passes = [link(arrive(client, room, p)) for p in people]
    poll = new_poll(
        client,
        room,
        kind="election",
        options=CANDIDATES,
        max_choices=2,
        secrecy="secret",
        base="cast",
    )
    option_ids = [o["id"] for o in poll["options"]]
    poll_url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}"
    truth: dict[int, set[int]] = {}
    copies = [copy_data(data_dir, tmp_path / "copies" / "opened")]
    for i, (person, headers) in enumerate(zip(people, passes, strict=True)):
        chosen = [option_ids[k] for k in PATTERNS[i % len(PATTERNS)]]
        cast = ballot(client, room, poll, headers, option_ids=chosen)
        assert cast.status_code == 201, cast.text
        truth[person] = set(chosen)
        if i % 6 == 5:  # some voters also leave an anonymous opinion
            said = client.post(
                f"{poll_url}/opinions", json={"text": f"Ý kiến {i}"}, headers=headers
            )
            assert said.status_code == 201, said.text
        copies.append(copy_data(data_dir, tmp_path / "copies" / f"{i:03d}"))

    states = states_in_commit_order(copies, DB, tmp_path / "scratch.db")
    guesses: dict[int, set[object]] = {}
    sizes: dict[tuple[str, str], set[int]] = {}
    for before, after in pairwise(states):
        new_voters = added(before, after, "poll_voters")
        changed = {t: added(before, after, t) for t in after if t != "poll_voters"}
        if added(before, after, "opinions"):  # an anonymous opinion commits on its own
            assert not new_voters and not any(
                rows for t, rows in changed.items() if t != "opinions"
            )
        if len(new_voters) != 1:
            continue
        # Whatever else changed in the commit that recorded this voter.
        rows = [row for table in changed.values() for row in table]
        guesses[int(str(new_voters[0]["person_id"]))] = {
            row["option_id"] for row in rows if "option_id" in row
        }
        for table, table_rows in changed.items():
            for row in table_rows:
                for column, value in row.items():
                    if isinstance(value, bytes):
                        sizes.setdefault((table, column), set()).add(len(value))
    assert len(guesses) == VOTERS  # the attacker saw the commit of every ballot
    recovered = sum(guesses[p] == chosen for p, chosen in truth.items())
    assert recovered == 0, f"{recovered} of {VOTERS} secret ballots tied to their voter"
    assert not any(guesses.values())
    # One size per column, whatever and however many a ballot chose.
    assert all(len(lengths) == 1 for lengths in sizes.values()), sizes
    secrets_seen = set().union(*(blobs(s) for s in states))

    closed = client.post(f"{poll_url}/close")
    assert closed.status_code == 200, closed.text
    after_close = copy_data(data_dir, tmp_path / "copies" / "closed")
    backup = tmp_path / "backup.db"
    with sqlite3.connect(data_dir / DB) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    live.close()
    copy.close()

    wal = after_close / f"{DB}-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # the log of the poll is gone
    final = read_state((after_close / DB).read_bytes(), tmp_path / "scratch.db")
    assert not final.get("poll_secret_ballots", None) or not final["poll_secret_ballots"].rows
    gone = secrets_seen - blobs(final)
    assert len(gone) > VOTERS  # every sealed ballot (and the poll's key) was read during the poll
    for path in [*after_close.iterdir(), backup]:
        raw = path.read_bytes()
        left = [b for b in gone if b in raw]
        assert not left, f"{path.name} still holds {len(left)} ballot secrets"
    result = client.get(f"{poll_url}/results").json()
    expected = [sum(o in c for c in truth.values()) for o in option_ids]
    assert [o["votes"] for o in result["options"]] == expected


def test_a_server_restarted_with_another_master_key_refuses_secret_ballots(
    database_url: str,
) -> None:
    def server(secret: str) -> TestClient:
        settings = Settings(db_url=database_url, admin_token=ADMIN_TOKEN, secret_key=secret)
        app = create_app(settings, pipeline_factory=_no_models, warm_up=False)
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        return TestClient(
            app, raise_server_exceptions=False, headers=headers, base_url="http://localhost"
        )

    first, other = (
        "the key of the first start, long enough",
        "another key, from a backup of another server",
    )
    with server(first) as client:
        people = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"])
        meeting_id = create_meeting(client, people, starts_at=today(0), ends_at=today(23, 59))
        room = Room(meeting_id, people)
        passes = [link(arrive(client, room, p)) for p in people]
        poll = new_poll(client, room, secrecy="secret", base="cast")
        assert ballot(client, room, poll, passes[0]).status_code == 201
    poll_url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}"
    with server(other) as client:
        refused = ballot(client, room, poll, passes[1])
        assert refused.status_code == 503, refused.text
        assert refused.json()["reason"] == "SECRET_KEY_MISMATCH"
        assert (
            "Khóa bí mật" in refused.json()["detail"] and "secret key" in refused.json()["detail"]
        )
        assert client.post(f"{poll_url}/close").status_code == 503
        assert client.get(f"{poll_url}/tally").json()["state"] == "open"
    with server(first) as client:
        assert ballot(client, room, poll, passes[1]).status_code == 201
        assert client.post(f"{poll_url}/close").status_code == 200
        result = client.get(f"{poll_url}/results").json()
        assert [o["votes"] for o in result["options"]] == [2, 0, 0]
