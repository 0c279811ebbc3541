"""`attendance serve --workers 2`: each worker counts in its own files, and one scrape of
/metrics, whichever worker answers it, holds the sum of both."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from e2e_server import StartServer
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from attendance.settings import ModelSettings, Settings
from usecases.pipeline import load_pipeline

pytestmark = pytest.mark.slow

TOKEN = "e2e-admin-token-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
STARTS = "2026-03-02T08:00:00+07:00"
CHECKINS = "/api/v1/meetings/{meeting_id}/checkins"


def checkins_per_worker(folder: Path, scratch: Path) -> dict[int, float]:
    """Check-ins counted by each worker, from its own counter file alone."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        pid = int(path.stem.removeprefix("counter_"))
        alone = scratch / str(pid)
        alone.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, alone / path.name)
        total = sum(
            sample.value
            for family in MultiProcessCollector(None, path=str(alone)).collect()
            for sample in family.samples
            if sample.name == "attendance_checkins_total"
        )
        if total:
            counts[pid] = total
    return counts


def scraped(url: str, name: str, **labels: str) -> float:
    response = httpx.get(f"{url}/metrics", timeout=30)  # from this machine: no token needed
    assert response.status_code == 200, response.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def test_one_scrape_sums_the_check_ins_of_both_workers(
    start_server: StartServer, database_url: str, tmp_path: Path, model_cache: Path
) -> None:
    # The converted models made here, once: not by both workers at once within the start-up time.
    load_pipeline(Settings(db_url="sqlite://", models=ModelSettings(cache_dir=model_cache)))
    data = tmp_path / "data"
    server = start_server(
        database_url, TOKEN, settings={"ATTEND_DATA_DIR": str(data)}, workers=2, startup_seconds=180
    )
    folder = data / "metrics" / server.url.rsplit(":", 1)[1]
    with httpx.Client(base_url=server.url, headers=ADMIN, timeout=30) as api:
        person = api.post("/api/v1/people", json={"full_name": "Nguyễn Văn An"}).json()["id"]
        meeting = api.post(
            "/api/v1/meetings",
            json={"title": "Họp", "starts_at": STARTS, "ends_at": "2026-03-02T11:00:00+07:00"},
        ).json()["id"]
        put = api.put(f"/api/v1/meetings/{meeting}/participants", json={"person_ids": [person]})
        assert put.status_code == 200, put.text
    sent = 0
    workers: dict[int, float] = {}
    # A new connection for each: either worker may accept it. Until both have counted some.
    while sent < 300 and (sent < 20 or len(workers) < 2):
        answer = httpx.post(
            f"{server.url}/api/v1/meetings/{meeting}/checkins",
            json={
                "person_id": person,
                "source": "kiosk-1",
                "idempotency_key": f"k-{sent}",
                "at": STARTS,
            },
            headers=ADMIN,
            timeout=30,
        )
        assert answer.status_code in (200, 201), answer.text
        sent += 1
        if sent % 10 == 0:
            workers = checkins_per_worker(folder, tmp_path / "scratch")
    workers = checkins_per_worker(folder, tmp_path / "scratch")
    assert len(workers) == 2, f"one worker answered all {sent} check-ins: {workers}"
    assert sum(workers.values()) == sent
    for _ in range(6):  # several scrapes, new connections: each worker answers the same sum
        assert scraped(server.url, "attendance_checkins_total") == sent
        assert scraped(server.url, "attendance_checkins_total", decision="recorded") == 1
        assert (
            scraped(server.url, "attendance_http_requests_total", route=CHECKINS, method="POST")
            == sent
        )
