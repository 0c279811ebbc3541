"""Webhooks over the API: an admin registers, lists, changes and removes them; bad input gets
a reason and writes nothing; an event published after creation shows up as a delivery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import ADMIN_TOKEN, create_meeting, create_people
from fastapi.testclient import TestClient
from test_openapi_contract import FAKE

from api.app import create_app
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.settings import Settings, WebhookSettings
from attendance.webhooks.delivery import fan_out

SECRET = "bí-mật-của-cổng-SMS-0123"
HOOK = {"url": "https://sms.example.vn/attendance", "events": ["late", "absent"], "secret": SECRET}


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        db_url=database_url,
        admin_token=ADMIN_TOKEN,
        allowed_hosts=["testserver"],
        # The job stays out of the way: the test fans out itself.
        webhooks=WebhookSettings(period_seconds=3600),
    )
    app = create_app(settings, pipeline_factory=lambda _: FAKE, warm_up=False)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(app, raise_server_exceptions=False, headers=headers) as client:
        yield client


def test_an_admin_registers_lists_changes_and_removes_a_webhook(api: TestClient) -> None:
    made = api.post("/api/v1/webhooks", json=HOOK)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["url"] == HOOK["url"] and body["events"] == ["late", "absent"]
    assert not body["disabled"] and SECRET not in made.text  # never echoed back
    hook_id = body["id"]
    assert [w["id"] for w in api.get("/api/v1/webhooks").json()] == [hook_id]
    assert SECRET not in api.get("/api/v1/webhooks").text
    assert api.get(f"/api/v1/webhooks/{hook_id}").json() == body
    changed = api.patch(
        f"/api/v1/webhooks/{hook_id}", json={"events": ["poll_closed", "arrived"], "disabled": True}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["events"] == ["arrived", "poll_closed"] and changed.json()["disabled"]
    assert api.get(f"/api/v1/webhooks/{hook_id}/deliveries").json() == []
    assert api.delete(f"/api/v1/webhooks/{hook_id}").status_code == 200
    for path in (f"/api/v1/webhooks/{hook_id}", f"/api/v1/webhooks/{hook_id}/deliveries"):
        gone = api.get(path)
        assert gone.status_code == 404 and gone.json()["reason"] == "WEBHOOK_NOT_FOUND"


def test_bad_webhooks_get_a_reason_and_nothing_is_written(api: TestClient) -> None:
    cases = [
        ({**HOOK, "url": "ftp://sms.example.vn/x"}, "INVALID_WEBHOOK_URL"),
        ({**HOOK, "url": "javascript:alert(1)"}, "INVALID_WEBHOOK_URL"),
        ({**HOOK, "events": []}, "INVALID_WEBHOOK_EVENTS"),
        ({**HOOK, "events": ["late", "birthday"]}, "INVALID_WEBHOOK_EVENTS"),
        ({**HOOK, "secret": "ngắn quá"}, "WEAK_WEBHOOK_SECRET"),
        ({"url": HOOK["url"], "events": ["late"]}, "INVALID_REQUEST"),
    ]
    for body, reason in cases:
        response = api.post("/api/v1/webhooks", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["reason"] == reason, response.text
        assert response.json()["detail"]
    assert "birthday" in api.post("/api/v1/webhooks", json=cases[3][0]).json()["detail"]
    assert api.get("/api/v1/webhooks").json() == []
    made = api.post("/api/v1/webhooks", json=HOOK).json()
    bad = api.patch(f"/api/v1/webhooks/{made['id']}", json={"url": "file:///etc/passwd"})
    assert bad.status_code == 422 and bad.json()["reason"] == "INVALID_WEBHOOK_URL"
    assert api.get(f"/api/v1/webhooks/{made['id']}").json()["url"] == HOOK["url"]


def test_a_late_arrival_after_creation_becomes_a_pending_delivery(
    api: TestClient, database_url: str
) -> None:
    people = create_people(api, ["Phạm Minh Châu", "Vũ Thị Dung"])
    meeting_id = create_meeting(api, people)  # 2026-03-02 08:00 +07:00, late after 15 min
    checkin = {"source": "manual", "note": "Điểm danh tay"}
    first = api.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={
            **checkin,
            "person_id": people[0],
            "idempotency_key": "k0",
            "at": "2026-03-02T08:40:00+07:00",
        },
    )
    assert first.status_code == 201, first.text  # published before the webhook: not for it
    hook = api.post("/api/v1/webhooks", json=HOOK).json()
    second = api.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={
            **checkin,
            "person_id": people[1],
            "idempotency_key": "k1",
            "at": "2026-03-02T08:30:00+07:00",
        },
    )
    assert second.status_code == 201, second.text
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        assert fan_out(session) == 1
    engine.dispose()
    [delivery] = api.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()
    assert delivery["event"] == "late" and delivery["status"] == "pending"
    # Whom it told of, so a failure on the page can be followed up by hand.
    assert delivery["about"] == "Vũ Thị Dung · Họp giao ban tuần"
    assert delivery["attempts"] == 0 and delivery["next_attempt_at"] is not None
    pending = api.get(f"/api/v1/webhooks/{hook['id']}/deliveries", params={"status": "pending"})
    assert len(pending.json()) == 1
    assert (
        api.get(f"/api/v1/webhooks/{hook['id']}/deliveries", params={"status": "lost"}).status_code
        == 422
    )


def test_a_ping_says_what_the_receiver_answered(api: TestClient) -> None:
    made = api.post("/api/v1/webhooks", json={**HOOK, "url": "http://127.0.0.1:9/nobody"})
    answer = api.post(f"/api/v1/webhooks/{made.json()['id']}/test")
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is False and answer.json()["status_code"] is None
    assert answer.json()["error"]


def test_a_url_with_a_user_and_password_is_refused_and_the_audit_keeps_no_query(
    api: TestClient,
) -> None:
    for url in ("https://user:s3cr3tpw@sms.example.vn/x", "http://tok3n@sms.example.vn/x"):
        refused = api.post("/api/v1/webhooks", json={**HOOK, "url": url})
        assert refused.status_code == 422 and refused.json()["reason"] == "INVALID_WEBHOOK_URL"
        assert "mật khẩu" in refused.json()["detail"] and "password" in refused.json()["detail"]
    assert api.get("/api/v1/webhooks").json() == []
    made = api.post("/api/v1/webhooks", json={**HOOK, "url": HOOK["url"] + "?key=qu3ry-s3cret#f"})
    assert made.status_code == 201, made.text
    hook_id = made.json()["id"]
    patched = api.patch(
        f"/api/v1/webhooks/{hook_id}", json={"url": "https://b.example.vn/p?k=p4tch"}
    )
    assert patched.status_code == 200, patched.text
    refused = api.patch(f"/api/v1/webhooks/{hook_id}", json={"url": "https://u:p4ss@b.example.vn/"})
    assert refused.status_code == 422
    assert api.delete(f"/api/v1/webhooks/{hook_id}").status_code == 200
    log = api.get("/api/v1/audit", params={"per_page": 100})
    assert log.status_code == 200, log.text
    assert "webhook_created" in log.text and "webhook_deleted" in log.text
    assert "https://sms.example.vn/attendance" in log.text and "https://b.example.vn/p" in log.text
    for secret in ("qu3ry-s3cret", "p4tch", "p4ss", "s3cr3tpw"):
        assert secret not in log.text


def test_at_most_two_pings_run_at_once_others_get_429(api: TestClient) -> None:
    from attendance.webhooks import sending

    made = api.post("/api/v1/webhooks", json={**HOOK, "url": "http://127.0.0.1:9/nobody"})
    assert sending.PINGS_AT_ONCE == 2
    held = [sending.pings_running.acquire(blocking=False) for _ in range(2)]  # two running
    try:
        assert held == [True, True]
        busy = api.post(f"/api/v1/webhooks/{made.json()['id']}/test")
        assert busy.status_code == 429, busy.text
        assert busy.json()["reason"] == "TOO_MANY_PINGS" and busy.headers["Retry-After"] == "5"
        assert "thử lại" in busy.json()["detail"] and "try again" in busy.json()["detail"]
    finally:
        for _ in held:
            sending.pings_running.release()
    assert api.post(f"/api/v1/webhooks/{made.json()['id']}/test").status_code == 200
