"""Someone checked out is no longer present: the attendance list and the exports say so."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from polls_support import MEMBERS, Room, present


def test_attendance_marks_who_left_and_when_and_keeps_how_they_arrived(
    client: TestClient, room: Room
) -> None:
    present(client, room, 2)
    url = f"/api/v1/meetings/{room.meeting_id}"
    out = client.post(f"{url}/checkouts", json={"person_id": room.people[0], "reason": "Ốm"})
    assert out.status_code == 201, out.text
    rows = {r["person"]["full_name"]: r for r in client.get(f"{url}/attendance").json()}
    gone, here, absent = rows[MEMBERS[0]], rows[MEMBERS[1]], rows[MEMBERS[2]]
    # `status` stays how they arrived, as existing clients read it; `left` is added.
    assert gone["left"] is True and gone["status"] == here["status"] != "absent"
    assert datetime.fromisoformat(gone["left_at"]) >= datetime.fromisoformat(gone["first_seen_at"])
    assert (here["left"], here["left_at"]) == (False, None)
    assert (absent["status"], absent["left"]) == ("absent", False)

    as_csv = client.get(f"{url}/export", params={"format": "csv"}).content.decode("utf-8-sig")
    status = {r[1]: r[5] for r in csv.reader(io.StringIO(as_csv))}
    assert status[MEMBERS[0]] == "Đã ra về" and status[MEMBERS[1]] in ("Có mặt", "Đi muộn")
    book = load_workbook(io.BytesIO(client.get(f"{url}/export", params={"format": "xlsx"}).content))
    summary = dict(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary["Đã ra về"] == 1
    statuses = {r[1]: r[5] for r in book["Điểm danh"].iter_rows(values_only=True)}
    assert statuses[MEMBERS[0]] == "Đã ra về"
