"""`attendance kiosk` with a school gate's token against a real `attendance serve`: a class's
students walk in (arrivals on their session, source `gate`), and out after the school's midday."""

from __future__ import annotations

import subprocess
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e_server import StartServer
from PIL import Image
from sql_support import fetch
from sqlalchemy.orm import Session
from test_kiosk_process import KIOSK_SECONDS, kiosk_command, kiosk_env, walk_in_video
from test_server_process import NAMES, T1_PATH, TOKEN, jpeg, ok

from attendance.db import make_engine
from attendance.schools import classes, sessions

pytestmark = pytest.mark.slow

SCHOOL = "THPT Long Biên"
ZONE = "Asia/Ho_Chi_Minh"


def enroll_students(api: httpx.Client) -> list[int]:
    """t1.jpg's six people, consented by a guardian and enrolled for school attendance only."""
    t1 = Image.open(T1_PATH).convert("RGB")
    faces = ok(api.post("/api/v1/identify", files={"file": ("t1.jpg", T1_PATH.read_bytes())}))
    boxes = sorted((f["box"] for f in faces["faces"]), key=lambda box: box[0])
    ids = []
    for name, (x, y, w, h) in zip(NAMES, boxes):
        person = ok(api.post("/api/v1/people", json={"full_name": name}), 201)
        consent = {
            "given_by": "Phụ huynh",
            "relation": "mẹ",
            "method": "paper_form",
            "purposes": ["school_attendance"],
        }
        ok(api.post(f"/api/v1/people/{person['id']}/consents", json=consent), 201)
        portrait = t1.crop((max(0, x - w), max(0, y - h), x + 2 * w, y + 2 * h))
        files = {"file": ("portrait.jpg", jpeg(portrait), "image/jpeg")}
        form = {"purpose": "school_attendance"}
        ok(api.post(f"/api/v1/people/{person['id']}/photos", files=files, data=form), 201)
        ids.append(person["id"])
    return ids


def whole_day_lesson(database_url: str, students: list[int]) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            cls = classes.create_class(session, name="10A1", school=SCHOOL, school_year="2026-27")
            classes.set_students(session, class_id=cls.id, person_ids=students)
            return sessions.create_session(
                session,
                class_id=cls.id,
                day=datetime.now(ZoneInfo(ZONE)).date(),
                start=time(0, 0),
                end=time(23, 59),
                zone=ZONE,
            ).meeting_id
    finally:
        engine.dispose()


def events(database_url: str, meeting_id: int, kind: str) -> list[int]:
    rows = fetch(
        database_url,
        "SELECT person_id FROM attendance_events WHERE meeting_id = :meeting AND kind = :kind "
        "AND source = 'gate'",
        meeting=meeting_id,
        kind=kind,
    )
    return sorted(int(r[0]) for r in rows)


def test_a_gate_kiosk_checks_a_class_in_and_later_out(
    database_url: str, start_server: StartServer, tmp_path: Path, model_cache: Path
) -> None:
    morning = {"ATTEND_KIOSK__GATE_CHECKOUT_AFTER": "23:59"}
    server = start_server(database_url, TOKEN, settings=morning)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as api:
        ids = enroll_students(api)
        meeting_id = whole_day_lesson(database_url, ids[:5])  # the sixth is no student here
        body = {"name": "cổng-1", "gate": SCHOOL}
        token = ok(api.post("/api/v1/kiosk-tokens", json=body), 201)["token"]
    video = tmp_path / "walk-in.avi"
    walk_in_video(video)
    env = kiosk_env(model_cache)
    command = kiosk_command(server.url, token, video, tmp_path / "outbox.sqlite")
    came = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=KIOSK_SECONDS
    )
    assert came.returncode == 0, came.stderr[-3000:]
    assert events(database_url, meeting_id, "arrived") == sorted(ids[:5]), came.stderr[-3000:]

    # After the school's midday (here: any time), the same faces at the gate leave.
    server.stop()
    server = start_server(
        database_url, TOKEN, settings={"ATTEND_KIOSK__GATE_CHECKOUT_AFTER": "00:00"}
    )
    command = kiosk_command(server.url, token, video, tmp_path / "outbox.sqlite")
    went = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=KIOSK_SECONDS
    )
    assert went.returncode == 0, went.stderr[-3000:]
    assert events(database_url, meeting_id, "left") == sorted(ids[:5]), went.stderr[-3000:]
    assert events(database_url, meeting_id, "arrived") == sorted(ids[:5])
