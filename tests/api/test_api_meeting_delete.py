"""DELETE /api/v1/meetings/{id}: everything of the meeting goes, nothing of another meeting."""

from __future__ import annotations

import json
from typing import Any

from api_support import create_meeting, create_people, query
from db_backends import count_rows
from fastapi.testclient import TestClient
from polls_support import MEMBERS, Room, arrive, ballot, link, new_poll, today

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.matching import Decision, FaceDecision
from attendance.review.service import record_review

# People, their faces and the accounts are not the meeting's; the audit log outlives it.
NOT_THE_MEETINGS = {"people", "face_templates", "gallery_versions", "api_tokens", "audit_log"}
NOT_THE_MEETINGS |= {"staff_sessions", "alembic_version", "consents"}
# Events told to other systems (webhooks) were told: like the audit log, they outlive it.
NOT_THE_MEETINGS |= {"outbound_events", "webhook_deliveries"}


# The server's own bookkeeping, written by its scheduler and throttle at any moment (a job
# taking its lease between two counts): nothing of a meeting's.
SERVER_BOOKKEEPING = {"job_leases", "failed_attempts", "account_locks"}


def table_counts(db_url: str) -> dict[str, int]:
    """Rows of every table (either backend) but the server's bookkeeping."""
    counts = count_rows(db_url)
    return {t: n for t, n in counts.items() if t not in SERVER_BOOKKEEPING}


def busy_meeting(client: TestClient, database_url: str, title: str) -> tuple[Room, dict[str, Any]]:
    """A meeting with one of everything: roster, check-ins and a check-out, agenda, a closed
    named poll with ballots, an open secret poll with a sealed ballot, opinions, a proxy,
    voting and board links, and a review item with a face crop."""
    ids = create_people(client, [f"{name} {title}" for name in MEMBERS])
    meeting_id = create_meeting(client, ids, title=title, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, ids)
    base = f"/api/v1/meetings/{meeting_id}"
    links = [link(arrive(client, room, p, key=f"{title}-{p}")) for p in ids[:3]]
    out = {"person_id": ids[2], "reason": "Về sớm"}
    assert client.post(f"{base}/checkouts", json=out).status_code == 201
    proxy = {"grantor_id": ids[4], "holder_id": ids[0]}
    assert client.post(f"{base}/proxies", json=proxy).status_code == 201
    assert client.post(f"{base}/voting-passes", json={"person_id": ids[3]}).status_code == 201
    assert client.post(f"{base}/agenda", json={"title": "Báo cáo"}).status_code == 201
    named = new_poll(client, room, quorum="0")
    assert ballot(client, room, named, links[0]).status_code == 201
    assert ballot(client, room, named, links[0], on_behalf_of=ids[4]).status_code == 201
    said = client.post(
        f"{base}/polls/{named['id']}/opinions", json={"text": "Đồng ý"}, headers=links[1]
    )
    assert said.status_code == 201, said.text
    assert client.post(f"{base}/polls/{named['id']}/close").status_code == 200
    secret = new_poll(client, room, secrecy="secret", quorum="0")
    assert ballot(client, room, secret, links[1]).status_code == 201
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        decision = FaceDecision(Decision.UNKNOWN, None, ids[3], 0.44, 0.01, runner_up_id=None)
        item = record_review(
            session,
            meeting_id=meeting_id,
            decision=decision,
            source="cửa A",
            key=title,
            crop_jpeg=b"\xff\xd8 face crop",
        )
        assert item is not None
    engine.dispose()
    return room, secret


def test_deleting_a_meeting_leaves_nothing_of_it_and_everything_of_another(
    client: TestClient, database_url: str
) -> None:
    kept, _ = busy_meeting(client, database_url, "Họp chi bộ")
    before = table_counts(database_url)
    room, secret = busy_meeting(client, database_url, "Kỳ họp thứ 7")
    url = f"/api/v1/meetings/{room.meeting_id}"
    during = table_counts(database_url)
    assert all(
        during[t] > before[t] for t in ("meeting_participants", "poll_voters", "review_items")
    )

    refused = client.delete(url)
    assert refused.status_code == 409 and refused.json()["reason"] == "POLL_OPEN"
    assert secret["title"] in refused.json()["detail"]
    assert table_counts(database_url) == during  # nothing half-deleted

    gone = client.delete(url, params={"discard_open_polls": "true"})
    assert gone.status_code == 200, gone.text
    answer = gone.json()
    assert answer["title"] == "Kỳ họp thứ 7" and answer["open_polls_discarded"] == [secret["title"]]
    assert (answer["participants"], answer["polls"], answer["ballots"]) == (5, 2, 3)
    assert (answer["events"], answer["proxies"], answer["review_items"]) == (4, 1, 1)

    after = table_counts(database_url)
    changed = {t for t in after if after[t] != before[t] and t not in NOT_THE_MEETINGS}
    assert changed == set(), {t: (before[t], after[t]) for t in changed}
    if database_url.startswith("sqlite"):  # PostgreSQL checks every foreign key as it writes
        assert query(database_url, "PRAGMA foreign_key_check") == []
    crops = query(database_url, "SELECT count(*) FROM review_items WHERE crop_jpeg IS NOT NULL")
    assert crops == [(1,)]  # the other meeting's only
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    other = client.get(f"/api/v1/meetings/{kept.meeting_id}/attendance")
    assert other.status_code == 200 and len(other.json()) == 5

    logged = query(
        database_url,
        "SELECT actor, meeting_id, detail FROM audit_log WHERE action = 'meeting_deleted'",
    )
    assert len(logged) == 1
    actor, meeting_id, detail = logged[0]
    assert (actor, meeting_id) == ("admin", room.meeting_id)
    assert json.loads(detail)["title"] == "Kỳ họp thứ 7" and json.loads(detail)["ballots"] == 3


def test_deleting_a_meeting_without_open_polls_needs_no_confirmation(
    client: TestClient,
) -> None:
    ids = create_people(client, ["Nguyễn Văn An"])
    meeting_id = create_meeting(client, ids)
    answer = client.delete(f"/api/v1/meetings/{meeting_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["participants"] == 1 and answer.json()["open_polls_discarded"] == []
    assert client.get("/api/v1/people").json()[0]["full_name"] == "Nguyễn Văn An"  # people stay


def test_deleting_an_unknown_meeting_is_a_404_and_a_kiosk_may_not(client: TestClient) -> None:
    for bad in (999, 2**40):
        answer = client.delete(f"/api/v1/meetings/{bad}")
        assert answer.status_code == 404 and answer.json()["reason"] == "NOT_FOUND"
    assert client.delete("/api/v1/meetings/abc").status_code == 422
    meeting_id = create_meeting(client, [])
    refused = client.delete(
        f"/api/v1/meetings/{meeting_id}", params={"discard_open_polls": "perhaps"}
    )
    assert refused.status_code == 422
    kiosk = client.post("/api/v1/kiosk-tokens", json={"name": "Cửa A", "room": "P.1"}).json()
    headers = {"Authorization": f"Bearer {kiosk['token']}"}
    assert client.delete(f"/api/v1/meetings/{meeting_id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/meetings/{meeting_id}").status_code == 200
