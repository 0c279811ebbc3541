"""GET .../attendance before the start: `not_arrived`, not `absent`; and each one's vote."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from api_support import NAMES, create_meeting, create_people
from fastapi.testclient import TestClient


def _soon(minutes: int) -> dict[str, str]:
    starts = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}


def test_attendance_says_not_arrived_before_the_start_and_absent_after(
    client: TestClient,
) -> None:
    ids = create_people(client, NAMES[:2])
    soon = create_meeting(client, ids, **_soon(30))
    started = create_meeting(client, ids, **_soon(-5))
    client.patch(
        f"/api/v1/meetings/{soon}/participants/{ids[1]}", json={"voting_rights": False}
    ).raise_for_status()
    before = client.get(f"/api/v1/meetings/{soon}/attendance").json()
    assert [r["status"] for r in before] == ["not_arrived", "not_arrived"]
    assert {r["person"]["id"]: r["voting_rights"] for r in before} == {ids[0]: True, ids[1]: False}
    after = client.get(f"/api/v1/meetings/{started}/attendance").json()
    assert [r["status"] for r in after] == ["absent", "absent"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["AttendanceRead"]
    assert "not_arrived" in schema["properties"]["status"]["enum"]
    assert "not_arrived" in schema["properties"]["status"]["description"]
