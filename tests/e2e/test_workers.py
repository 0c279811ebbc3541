"""`attendance serve --workers 2`: check-ins through both workers reach one board stream,
each once and within a second or so; a face enrolled or erased through one worker is seen
(or no longer seen) by identify on the other. On PostgreSQL when the run is, else SQLite."""

from __future__ import annotations

import json
import statistics
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from e2e_server import StartServer

from attendance.board_links import issue_board_link
from attendance.db import make_engine, make_session_factory, unit_of_work

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
WORKER = "x-attendance-worker"
PEOPLE = 10
DELAY_BOUND_SECONDS = 5.0  # generous on a loaded machine; the measured delay is printed
FACES = Path(__file__).resolve().parents[3] / "shared" / "faces" / "people" / "Barack_Obama"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def client_per_worker(url: str) -> dict[str, httpx.Client]:
    """A kept-alive client on each of the two workers (a new connection goes to either)."""
    found: dict[str, httpx.Client] = {}
    for _ in range(60):
        client = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
        )
        worker = client.get("/healthz").headers[WORKER]
        if worker in found:
            client.close()
        else:
            found[worker] = client
        if len(found) == 2:
            return found
    pytest.fail(f"60 connections all reached the workers {sorted(found)}")


class BoardStream:
    """The board's event stream read on a thread: each data event with when it came."""

    def __init__(self, url: str) -> None:
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.worker = ""
        self._url = url
        self._opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self._opened.wait(30), "the board stream did not open"

    def _read(self) -> None:
        try:
            with httpx.stream("GET", self._url, timeout=httpx.Timeout(60, read=None)) as answer:
                assert answer.status_code == 200
                self.worker = answer.headers[WORKER]
                self._opened.set()
                for line in answer.iter_lines():
                    if self._stop.is_set():
                        return
                    if line.startswith("data: "):
                        self.events.append((time.monotonic(), json.loads(line[6:])))
        except httpx.TransportError:
            if not self._stop.is_set():  # cut off before the test was done with it
                raise

    def wait_for(self, present: int, seconds: float) -> float:
        """When the first event with `present` people in it came."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for at, data in list(self.events):
                if data["present"] >= present:
                    return at
            time.sleep(0.01)
        pytest.fail(f"no board event with {present} present within {seconds} s")

    def close(self) -> None:
        self._stop.set()


def meeting_with_people(api: httpx.Client, count: int) -> tuple[int, list[int]]:
    ids = [
        ok(api.post("/api/v1/people", json={"full_name": f"Đại biểu Nguyễn Văn {n:02d}"}), 201)[
            "id"
        ]
        for n in range(count)
    ]
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    meeting = ok(
        api.post(
            "/api/v1/meetings",
            json={
                "title": "Họp giao ban hai tiến trình",
                "starts_at": day.replace(hour=0, minute=0).isoformat(),
                "ends_at": day.replace(hour=23, minute=59).isoformat(),
            },
        ),
        201,
    )["id"]
    ok(api.put(f"/api/v1/meetings/{meeting}/participants", json={"person_ids": ids}))
    return meeting, ids


def test_check_ins_through_two_workers_reach_one_board_stream_each_once(
    database_url: str,
    start_server: StartServer,  # the server stops before its database goes
) -> None:
    server = start_server(database_url, TOKEN, workers=2)
    workers = client_per_worker(server.url)
    first = next(iter(workers.values()))
    meeting, ids = meeting_with_people(first, PEOPLE)
    engine = make_engine(database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            key = issue_board_link(session, meeting_id=meeting, actor="e2e")
    finally:
        engine.dispose()
    board = BoardStream(f"{server.url}/board/{meeting}/stream?key={key}")
    try:
        board.wait_for(0, 10)
        # Alternate, starting with the worker that does not serve the stream.
        order = sorted(workers, key=lambda pid: pid == board.worker)
        delays: dict[str, list[float]] = {pid: [] for pid in workers}
        for n, person in enumerate(ids):
            pid = order[n % 2]
            body = {"person_id": person, "source": "cửa A", "idempotency_key": f"w-{person}"}
            sent = time.monotonic()
            created = workers[pid].post(f"/api/v1/meetings/{meeting}/checkins", json=body)
            assert created.status_code == 201, created.text
            assert created.headers[WORKER] == pid
            delays[pid].append(board.wait_for(n + 1, DELAY_BOUND_SECONDS) - sent)
            # The kiosk's retry reaches the other worker: the same event, nothing new.
            again = workers[order[(n + 1) % 2]].post(
                f"/api/v1/meetings/{meeting}/checkins", json=body
            )
            assert again.status_code == 200, again.text
            assert again.json()["id"] == created.json()["id"]
        time.sleep(2)  # time for a stray event to show
    finally:
        board.close()
    snapshots = [data for _, data in board.events]
    arrived = [data["present"] for data in snapshots]
    # One event to start, then one per check-in, each adding one arrival: none twice.
    assert arrived == list(range(PEOPLE + 1)), arrived
    names = [
        {a["full_name"] for a in data["latest"]}
        - ({a["full_name"] for a in snapshots[n - 1]["latest"]} if n else set())
        for n, data in enumerate(snapshots)
    ]
    assert all(len(new) == 1 for new in names[1:]), names
    other = next(pid for pid in workers if pid != board.worker)
    print(
        f"\nboard stream on worker {board.worker}: delay from check-in to event, "
        f"via the other worker median {statistics.median(delays[other]) * 1000:.0f} ms "
        f"max {max(delays[other]) * 1000:.0f} ms; via its own worker median "
        f"{statistics.median(delays[board.worker]) * 1000:.0f} ms"
    )


def identified(api: httpx.Client, photo: bytes) -> int | None:
    faces = ok(api.post("/api/v1/identify", files={"file": ("probe.jpg", photo, "image/jpeg")}))
    assert len(faces["faces"]) == 1, faces
    person = faces["faces"][0]["person"]
    return None if person is None else int(person["id"])


def test_a_face_enrolled_or_erased_through_one_worker_is_seen_by_the_other(
    database_url: str,
    start_server: StartServer,  # the server stops before its database goes
) -> None:
    if not FACES.is_dir():
        pytest.skip(f"real face photos not found at {FACES}")
    server = start_server(database_url, TOKEN, workers=2)
    enrolling, identifying = client_per_worker(server.url).values()
    probe = (FACES / "obama1.jpg").read_bytes()
    assert identified(identifying, probe) is None  # its gallery loaded, empty
    person = ok(enrolling.post("/api/v1/people", json={"full_name": "Barack Obama"}), 201)
    consent = {"given_by": "Barack Obama", "relation": "self", "purposes": ["meetings"]}
    consent["method"] = "paper_form"
    ok(enrolling.post(f"/api/v1/people/{person['id']}/consents", json=consent), 201)
    photo = {"file": ("obama.jpg", (FACES / "obama.jpg").read_bytes(), "image/jpeg")}
    enrolled = enrolling.post(f"/api/v1/people/{person['id']}/photos", files=photo)
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.headers[WORKER] != identifying.get("/healthz").headers[WORKER]
    assert identified(identifying, probe) == person["id"]
    ok(enrolling.delete(f"/api/v1/people/{person['id']}/templates"))
    assert identified(identifying, probe) is None
