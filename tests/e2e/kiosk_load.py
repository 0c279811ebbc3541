"""Kiosks under load for the e2e tests: threads, each with its own kiosk token, sending JSON
check-ins with idempotency keys to a real server, resending what was not acknowledged, and
recording each acknowledgement with the time it came back.

(bench/load.py measures ingest speed; this one only has to be exact about what was said.)
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import create_engine, text

ROOM = "Phòng họp số 3"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")


@dataclass(frozen=True)
class Ack:
    kiosk: int
    token_id: int
    meeting_id: int
    key: str  # as the kiosk sent it; stored as k{token_id}/{key}
    person_id: int
    at: float  # time.time() when the answer came back

    @property
    def stored_key(self) -> str:
        return f"k{self.token_id}/{self.key}"


@dataclass
class Kiosk:
    index: int
    token_id: int
    token: str
    person_ids: list[int]


@dataclass
class Load:
    """Meetings in ROOM, each with the same `kiosks` x `per_kiosk` invited people, and a
    token per kiosk: a kiosk checks its people in to the first meeting, then the next."""

    url: str
    admin_token: str
    meeting_ids: list[int] = field(default_factory=list)
    kiosks: list[Kiosk] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    failures: int = 0  # requests that got no answer (a server down) and were sent again
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def prepare(
        cls, url: str, admin_token: str, *, kiosks: int, per_kiosk: int, meetings: int = 1
    ) -> Load:
        load = cls(url, admin_token)
        headers = {"Authorization": f"Bearer {admin_token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as api:
            ids = [
                ok(api.post("/api/v1/people", json={"full_name": f"{FAMILY[i % 8]} Văn {i:03d}"}))[
                    "id"
                ]
                for i in range(kiosks * per_kiosk)
            ]
            day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
            for m in range(meetings):
                meeting = {
                    "title": f"Giao ban tuần, phiên {m + 1}",
                    "room": ROOM,
                    "starts_at": day.replace(hour=0, minute=0, second=0).isoformat(),
                    "ends_at": day.replace(hour=23, minute=59, second=0).isoformat(),
                }
                meeting_id = ok(api.post("/api/v1/meetings", json=meeting))["id"]
                roster = {"person_ids": ids}
                ok(api.put(f"/api/v1/meetings/{meeting_id}/participants", json=roster), 200)
                load.meeting_ids.append(meeting_id)
            for k in range(kiosks):
                body = {"name": f"kiosk-{k}", "room": ROOM}
                made = ok(api.post("/api/v1/kiosk-tokens", json=body))
                mine = ids[k * per_kiosk : (k + 1) * per_kiosk]
                load.kiosks.append(Kiosk(k, int(made["id"]), str(made["token"]), mine))
        return load

    @property
    def total(self) -> int:
        return len(self.meeting_ids) * sum(len(k.person_ids) for k in self.kiosks)

    def run(
        self, *, deadline_s: float, pause_s: float = 0.0, stop: threading.Event | None = None
    ) -> None:
        """Every kiosk sends each of its check-ins until it is acknowledged (2xx), sending a
        check-in again after a refused connection or a 5xx; returns when all are (or `stop`
        is set), or past the deadline."""
        end = time.monotonic() + deadline_s
        stop = stop or threading.Event()
        threads = [
            threading.Thread(target=self._kiosk, args=(k, end, pause_s, stop), daemon=True)
            for k in self.kiosks
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, end - time.monotonic()) + 5)

    def _kiosk(self, kiosk: Kiosk, end: float, pause_s: float, stop: threading.Event) -> None:
        headers = {"Authorization": f"Bearer {kiosk.token}"}
        events = [(m, p) for m in self.meeting_ids for p in kiosk.person_ids]
        with httpx.Client(base_url=self.url, headers=headers, timeout=10) as client:
            for meeting_id, person_id in events:
                if stop.is_set():
                    return
                path = f"/api/v1/meetings/{meeting_id}/checkins"
                key = f"load-{kiosk.index}-{meeting_id}-{person_id}"
                body = {"person_id": person_id, "source": f"kiosk-{kiosk.index}"}
                wait = 0.1
                while time.monotonic() < end:
                    try:
                        answer = client.post(path, json=body | {"idempotency_key": key})
                    except httpx.TransportError:
                        answer = None
                    if answer is not None and answer.status_code in (200, 201):
                        ack = Ack(
                            kiosk.index, kiosk.token_id, meeting_id, key, person_id, time.time()
                        )
                        with self._lock:
                            self.acks.append(ack)
                        break
                    if answer is not None and answer.status_code < 500:
                        raise AssertionError(f"{answer.status_code}: {answer.text}")
                    with self._lock:
                        self.failures += 1
                    # As a kiosk's outbox does: a server that is down is not hammered.
                    time.sleep(wait)
                    wait = min(1.0, wait * 2)
                if pause_s:
                    time.sleep(pause_s)


def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def arrivals(url: str) -> list[tuple[str, int, int]]:
    """(idempotency key, meeting, person) of every attendance event, on either backend."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT idempotency_key, meeting_id, person_id FROM attendance_events")
            ).all()
    finally:
        engine.dispose()
    return [(str(key), int(meeting), int(person)) for key, meeting, person in rows]


def cli_env(db_url: str) -> dict[str, str]:
    """The environment of an `attendance` command on `db_url`, as the e2e servers get it
    (no ATTEND_ variable but the database: the keys in the test's XDG folders)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env["ATTEND_DB_URL"] = db_url
    return env
