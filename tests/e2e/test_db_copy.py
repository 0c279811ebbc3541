"""`attendance db copy --to postgresql://...`: an SQLite installation (people, sealed face
templates, a meeting with check-ins, a closed secret poll, the audit log) moved to a fresh
PostgreSQL database, where a server answers as the old one did."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest
from db_backends import POSTGRES_URL, PostgresDatabases
from e2e_server import StartServer, attendance_command
from kiosk_load import cli_env
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from attendance.data_dir import default_template_key_file
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import FaceTemplate
from attendance.template_crypto import TemplateKeys
from attendance.templates import QualityFigures, add_template, template_vector

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        POSTGRES_URL is None,
        reason="needs ATTEND_TEST_POSTGRES_URL (a PostgreSQL whose role may CREATE DATABASE)",
    ),
]

TOKEN = "e2e-admin-token-0123456789abcdef"
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=200, brightness=150, yaw=0.1)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def attendance(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [attendance_command(), *args], env=cli_env(db_url), capture_output=True, text=True
    )


def office(api: httpx.Client) -> tuple[int, int]:
    """Four people (the fourth deleted), a meeting of three checked in, a closed secret poll
    they voted in: the meeting's id and the poll's."""
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Châu", "Phạm Đức Dũng"]
    ids = [ok(api.post("/api/v1/people", json={"full_name": n}), 201)["id"] for n in names]
    ok(api.delete(f"/api/v1/people/{ids[3]}"))
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    body = {
        "title": "Kỳ họp thứ 9",
        "starts_at": day.replace(hour=0, minute=0, second=0).isoformat(),
        "ends_at": day.replace(hour=23, minute=59, second=0).isoformat(),
    }
    meeting = ok(api.post("/api/v1/meetings", json=body), 201)["id"]
    ok(api.put(f"/api/v1/meetings/{meeting}/participants", json={"person_ids": ids[:3]}))
    links = []
    for person_id in ids[:3]:
        checkin = {"person_id": person_id, "source": "cửa A", "idempotency_key": f"a{person_id}"}
        event = ok(api.post(f"/api/v1/meetings/{meeting}/checkins", json=checkin), 201)
        links.append(event["voting_url"].split("#", 1)[1])
    polls = f"/api/v1/meetings/{meeting}/polls"
    poll = ok(api.post(polls, json={"title": "Thông qua nghị quyết", "secrecy": "secret"}), 201)
    ok(api.post(f"{polls}/{poll['id']}/open"))
    options = [o["id"] for o in poll["options"]]
    for i, link in enumerate(links):
        ballot = {"option_ids": [options[min(i, 1)]]}
        voter = {"Authorization": f"Bearer {link}"}
        ok(api.post(f"{polls}/{poll['id']}/ballots", json=ballot, headers=voter), 201)
    ok(api.post(f"{polls}/{poll['id']}/close"))
    return meeting, poll["id"]


def answers(api: httpx.Client, meeting: int, poll: int) -> dict[str, Any]:
    return {
        "people": ok(api.get("/api/v1/people")),
        "meeting": ok(api.get(f"/api/v1/meetings/{meeting}")),
        "attendance": ok(api.get(f"/api/v1/meetings/{meeting}/attendance")),
        "results": ok(api.get(f"/api/v1/meetings/{meeting}/polls/{poll}/results")),
    }


def sealed(url: str) -> dict[int, bytes]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(FaceTemplate.id, FaceTemplate.embedding)).all()
    engine.dispose()
    return {int(i): bytes(blob) for i, blob in rows}


def test_an_sqlite_installation_copied_to_postgresql_answers_the_same(
    start_server: StartServer, tmp_path: Path
) -> None:
    source = f"sqlite:///{tmp_path / 'office.db'}"
    server = start_server(source, TOKEN)
    admin = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=admin, timeout=60) as api:
        meeting, poll = office(api)
        people = ok(api.get("/api/v1/people"))
    server.stop()
    # Sealed under the key the servers use (the test's XDG configuration folder).
    keys = TemplateKeys(path=default_template_key_file())
    engine = make_engine(source)
    vectors = {}
    with unit_of_work(make_session_factory(engine, template_keys=keys)) as session:
        for person in people:
            vector = np.random.default_rng(person["id"]).standard_normal(128).astype(np.float32)
            row = add_template(
                session,
                person_id=person["id"],
                model_key="fake:1",
                embedding=vector,
                quality=QUALITY,
                photo_sha256=f"p{person['id']}",
            )
            vectors[row.id] = vector
    engine.dispose()
    server = start_server(source, TOKEN)
    with httpx.Client(base_url=server.url, headers=admin, timeout=60) as api:
        before = answers(api, meeting, poll)
    server.stop()
    anchor = attendance("audit", "anchor", db_url=source)
    assert anchor.returncode == 0, anchor.stderr

    assert POSTGRES_URL is not None
    databases = PostgresDatabases(POSTGRES_URL, prefix=f"attendance_i13copy{os.getpid()}")
    target = databases.empty()
    try:
        libpq = make_url(target).set(drivername="postgresql").render_as_string(False)
        copied = attendance("db", "copy", "--to", libpq, db_url=source)
        assert copied.returncode == 0, copied.stderr[-3000:]
        again = attendance("db", "copy", "--to", libpq, db_url=source)
        assert again.returncode == 2 and "empty" in again.stderr, again.stderr[-3000:]

        assert sealed(target) == sealed(source)
        opened_engine = make_engine(target)
        with make_session_factory(opened_engine, template_keys=keys)() as session:
            for row in session.scalars(select(FaceTemplate)):
                assert np.allclose(template_vector(session, row), vectors[row.id])
        opened_engine.dispose()
        anchor_file = tmp_path / "anchor.json"
        anchor_file.write_text(anchor.stdout)
        verified = attendance("audit", "verify", "--anchor", str(anchor_file), db_url=target)
        assert verified.returncode == 0, verified.stderr[-3000:]

        moved = start_server(target, TOKEN)
        with httpx.Client(base_url=moved.url, headers=admin, timeout=60) as api:
            assert answers(api, meeting, poll) == before
            newcomer = ok(api.post("/api/v1/people", json={"full_name": "Võ Thị Én"}), 201)
        # The deleted fourth person's id is not given again (ids are never reused).
        assert newcomer["id"] == 5
        moved.stop()
    finally:
        databases.drop(target)
        databases.close()
