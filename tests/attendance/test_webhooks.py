"""Webhooks in the domain: the signature, events published where they happen, fan-out to
subscribed kinds only, the claim that stops a double send, and the back-off schedule."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import outbound
from attendance.checkin import check_in
from attendance.errors import Invalid
from attendance.meetings import create_meeting, set_participants
from attendance.orm import utcnow
from attendance.people import create_person
from attendance.presence import check_out
from attendance.settings import WebhookSettings
from attendance.voting.polls import PollSpec, close_poll, create_poll, open_poll
from attendance.webhooks.delivery import Answer, claim_due, fan_out, record, retry_delay
from attendance.webhooks.manage import create_webhook, update_webhook
from attendance.webhooks.purge import purge_outbox
from attendance.webhooks.signing import body_of, signature
from attendance.webhooks.tables import DELIVERED, FAILED, PENDING, WebhookDelivery

SECRET = "webhook-secret-0123456789"


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    envelope = {
        "id": "0b6f3c9e-1111-4a2b-9c3d-000000000001",
        "event": "arrived",
        "occurred_at": "2026-01-01T00:00:00+00:00",
        "data": {},
    }
    body = body_of(envelope)
    assert body == (
        b'{"data":{},"event":"arrived","id":"0b6f3c9e-1111-4a2b-9c3d-000000000001",'
        b'"occurred_at":"2026-01-01T00:00:00+00:00"}'
    )
    # Computed apart with: printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac SECRET
    assert signature(SECRET, 1767225600, body) == (
        "sha256=9d984617c1ef98065f9d798d0984f684a2e397ebbba8692ab87fc46f6a7bb94d"
    )


def _meeting(session: Session, *, started_minutes_ago: float) -> tuple[int, int]:
    person = create_person(session, full_name="Nguyễn Thị Mai")
    start = utcnow() - timedelta(minutes=started_minutes_ago)
    meeting = create_meeting(
        session, title="Tiết 1", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])
    return meeting.id, person.id


def _events(session: Session) -> list[tuple[str, dict]]:
    rows = session.scalars(select(outbound.OutboundEvent).order_by(outbound.OutboundEvent.seq))
    return [(r.event, json.loads(r.data)) for r in rows]


def test_an_arrival_on_time_a_late_one_and_a_check_out_are_published(session: Session) -> None:
    meeting_id, person_id = _meeting(session, started_minutes_ago=60)
    check_in(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        source="kiosk",
        idempotency_key="a1",
        at=utcnow() - timedelta(minutes=58),
    )
    check_in(  # a second sighting: nothing new
        session, meeting_id=meeting_id, person_id=person_id, source="kiosk", idempotency_key="a2"
    )
    check_out(
        session,
        meeting_id=meeting_id,
        person_id=person_id,
        reason="Về sớm",
        actor="thu-ky",
        idempotency_key="o1",
    )
    check_in(  # a return after the check-out tells no one
        session, meeting_id=meeting_id, person_id=person_id, source="kiosk", idempotency_key="a3"
    )
    late_meeting, late_person = _meeting(session, started_minutes_ago=30)
    check_in(
        session,
        meeting_id=late_meeting,
        person_id=late_person,
        source="class_photo",
        idempotency_key="l1",
    )
    events = _events(session)
    assert [e for e, _ in events] == ["arrived", "left", "late"]
    assert events[0][1]["person"]["id"] == person_id
    assert events[0][1]["source"] == "kiosk" and events[1][1]["source"] == "manual"
    assert events[2][1]["meeting"]["id"] == late_meeting


def test_closing_a_poll_publishes_its_totals_only(session: Session) -> None:
    meeting_id, person_id = _meeting(session, started_minutes_ago=5)
    check_in(
        session, meeting_id=meeting_id, person_id=person_id, source="kiosk", idempotency_key="k"
    )
    poll = create_poll(
        session, meeting_id=meeting_id, spec=PollSpec(title="Nghị quyết số 1"), actor="admin"
    )
    open_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    close_poll(session, meeting_id=meeting_id, poll_id=poll.id, actor="admin")
    kind, data = _events(session)[-1]
    assert kind == "poll_closed"
    assert data["poll"]["id"] == poll.id and data["poll"]["title"] == "Nghị quyết số 1"
    assert data["meeting"]["id"] == meeting_id
    assert set(data["result"]) >= {"passed", "ballots", "options", "present"}
    assert "named_choices" not in data["result"] and "proxies" not in data["result"]


def test_a_webhook_gets_only_the_kinds_it_asked_for_published_after_it(session: Session) -> None:
    outbound.publish(session, event="arrived", data={"n": 0})  # before any webhook
    parents = create_webhook(
        session,
        url="https://sms.example.vn/hook",
        events=["late", "absent"],
        secret=SECRET,
        actor="admin",
    )
    city = create_webhook(
        session, url="http://10.0.0.5/in", events=["arrived", "late"], secret=SECRET, actor="admin"
    )
    arrived = outbound.publish(session, event="arrived", data={"n": 1})
    late = outbound.publish(session, event="late", data={"n": 2})
    outbound.publish(session, event="poll_closed", data={"n": 3})
    assert fan_out(session) == 3
    assert fan_out(session) == 0  # each event once per webhook
    got = {(d.webhook_id, d.event_id) for d in session.scalars(select(WebhookDelivery))}
    assert got == {(parents.id, late.id), (city.id, arrived.id), (city.id, late.id)}
    update_webhook(session, webhook_id=parents.id, actor="admin", disabled=True)
    outbound.publish(session, event="late", data={"n": 4})
    assert fan_out(session) == 1  # the city's only


def test_bad_webhooks_are_refused(session: Session) -> None:
    for url, events, secret, code in (
        ("ftp://example.vn/x", ["late"], SECRET, "INVALID_WEBHOOK_URL"),
        ("file:///etc/passwd", ["late"], SECRET, "INVALID_WEBHOOK_URL"),
        ("https:///nohost", ["late"], SECRET, "INVALID_WEBHOOK_URL"),
        ("https://example.vn", [], SECRET, "INVALID_WEBHOOK_EVENTS"),
        ("https://example.vn", ["late", "exploded"], SECRET, "INVALID_WEBHOOK_EVENTS"),
        ("https://example.vn", ["late"], "short", "WEAK_WEBHOOK_SECRET"),
    ):
        with pytest.raises(Invalid) as refused:
            create_webhook(session, url=url, events=events, secret=secret, actor="admin")
        assert refused.value.code == code


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_ends(session: Session) -> None:
    create_webhook(session, url="https://x.example.vn", events=["late"], secret=SECRET, actor="a")
    outbound.publish(session, event="late", data={})
    fan_out(session)
    now = utcnow()
    [first] = claim_due(session, limit=10, lease_seconds=35, now=now)
    assert claim_due(session, limit=10, lease_seconds=35, now=now + timedelta(seconds=30)) == []
    [again] = claim_due(session, limit=10, lease_seconds=35, now=now + timedelta(seconds=36))
    assert again.delivery_id == first.delivery_id
    assert json.loads(first.body)["event"] == "late"


def test_failures_back_off_then_give_up_and_a_2xx_delivers(session: Session) -> None:
    schedule = (10.0, 30.0, 120.0)
    assert [retry_delay(n, schedule) for n in (1, 2, 3, 4, 9)] == [10, 30, 120, 120, 120]
    settings = WebhookSettings(retry_seconds=schedule, max_attempts=4)
    create_webhook(session, url="https://x.example.vn", events=["left"], secret=SECRET, actor="a")
    outbound.publish(session, event="left", data={})
    fan_out(session)
    [delivery] = session.scalars(select(WebhookDelivery))
    now = utcnow()
    waits = []
    for _ in range(3):
        record(
            session,
            delivery_id=delivery.id,
            answer=Answer(503, "HTTP 503"),
            settings=settings,
            now=now,
        )
        waits.append((delivery.next_attempt_at - now).total_seconds())
    assert waits == [10, 30, 120]
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (PENDING, 3, 503)
    record(session, delivery_id=delivery.id, answer=Answer(None, "ConnectError"), settings=settings)
    assert (delivery.status, delivery.last_error) == (FAILED, "ConnectError")

    outbound.publish(session, event="left", data={})
    fan_out(session)
    fresh = session.scalars(select(WebhookDelivery).where(WebhookDelivery.status == PENDING)).one()
    record(session, delivery_id=fresh.id, answer=Answer(204, None), settings=settings)
    assert (fresh.status, fresh.attempts, fresh.delivered_at is not None) == (DELIVERED, 1, True)


def test_an_event_committed_after_a_later_numbered_one_is_not_passed_over(
    session: Session,
) -> None:
    # With several workers on PostgreSQL, seq 2 may commit after seq 3 was fanned out.
    create_webhook(session, url="https://x.example.vn", events=["late"], secret=SECRET, actor="a")
    first = outbound.publish(session, event="late", data={})
    session.add(
        outbound.OutboundEvent(
            seq=first.seq + 2, id="e3", event="late", occurred_at=utcnow(), data="{}"
        )
    )
    session.flush()
    assert fan_out(session) == 2
    session.add(
        outbound.OutboundEvent(
            seq=first.seq + 1, id="e2", event="late", occurred_at=utcnow(), data="{}"
        )
    )
    session.flush()
    assert fan_out(session) == 1
    assert fan_out(session) == 0


def test_old_events_go_unless_a_delivery_of_them_still_waits(session: Session) -> None:
    create_webhook(session, url="https://x.example.vn", events=["late"], secret=SECRET, actor="a")
    waiting = outbound.publish(session, event="late", data={})
    done = outbound.publish(session, event="late", data={})
    untold = outbound.publish(session, event="arrived", data={})  # no webhook wants it
    fresh = outbound.publish(session, event="arrived", data={})
    fan_out(session)
    told = session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == done.id))
    told.one().status = DELIVERED
    long_ago = utcnow() - timedelta(days=31)
    for row in (waiting, done, untold):
        row.created_at = long_ago
    session.flush()
    assert purge_outbox(session, keep_days=30) == 2
    left = set(session.scalars(select(outbound.OutboundEvent.id)))
    assert left == {waiting.id, fresh.id}
    assert [d.event_id for d in session.scalars(select(WebhookDelivery))] == [waiting.id]
