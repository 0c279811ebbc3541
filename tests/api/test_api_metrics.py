"""GET /metrics: the Prometheus text holds the check-ins by source and decision, requests by
route template, 429s by code, the gallery and recognition, the queue depths; and only the
admin, the metrics token or an allowed address reads it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from api_support import (
    ADMIN_TOKEN,
    NAMES,
    create_meeting,
    create_people,
    identify,
)
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from test_api_checkins import json_checkin
from test_openapi_contract import FAKE

from api.app import create_app
from attendance.db import make_engine, make_session_factory
from attendance.outbound import ARRIVED, OutboundEvent
from attendance.settings import Settings, ThrottleSettings
from attendance.webhooks.tables import DELIVERED, PENDING, Webhook, WebhookDelivery

CHECKINS = "/api/v1/meetings/{meeting_id}/checkins"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(client: TestClient, **headers: str) -> Samples:
    response = client.get("/metrics", headers=headers or None)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_checkins_are_counted_by_source_and_decision_and_requests_by_route(
    client: TestClient,
) -> None:
    invited, other, stranger = create_people(client, NAMES[:3])
    meeting_id = create_meeting(client, [invited, other])
    assert json_checkin(client, meeting_id, invited, "k-1").status_code == 201
    assert json_checkin(client, meeting_id, invited, "k-1").status_code == 200  # the same key
    assert json_checkin(client, meeting_id, invited, "k-2", source="kiosk:cửa-B").status_code == 200
    by_hand = json_checkin(client, meeting_id, other, "m-1", source="manual", note="Quên thẻ")
    assert by_hand.status_code == 201, by_hand.text
    refused = json_checkin(client, meeting_id, stranger, "k-3")
    assert refused.json()["reason"] == "NOT_ON_ROSTER"
    free_text = json_checkin(client, meeting_id, stranger, "x-1", source="máy của anh Ba")
    assert free_text.status_code == 403

    samples = scrape(client)
    checkins = {
        dict(labels)["source"] + " " + dict(labels)["decision"]: count
        for (name, labels), count in samples.items()
        if name == "attendance_checkins_total"
    }
    assert checkins == {
        "kiosk recorded": 1,
        "kiosk duplicate": 2,
        "manual recorded": 1,
        "kiosk NOT_ON_ROSTER": 1,
        "other NOT_ON_ROSTER": 1,
    }
    requests = "attendance_http_requests_total"
    posted = {"route": CHECKINS, "method": "POST"}
    assert value(samples, requests, **posted, status="201") == 2
    assert value(samples, requests, **posted, status="200") == 2
    assert value(samples, requests, **posted, status="403") == 2
    latency = "attendance_http_request_duration_seconds_count"
    assert value(samples, latency, **posted) == 6
    # The route's template, never the path: no label holds the meeting's id.
    routes = {dict(labels)["route"] for (_, labels) in samples if "route" in dict(labels)}
    assert not [route for route in routes if re.search(rf"/{meeting_id}(/|$)", route)]
    assert {"/api/v1/people", "/api/v1/meetings/{meeting_id}/participants"} <= routes


def test_invented_methods_add_no_series(client: TestClient) -> None:
    # h11 takes any token as a method: each new one must not become a label value (F1).
    assert client.request("GET", "/x").status_code == 404
    scrape(client)  # the scrape's own series, before the count
    before = scrape(client)
    for n in range(30):
        client.request(f"M{n:06d}XYZ", "/x")
        client.request("Q" * 2000 + str(n), "/api/v1/meetings")
    after = scrape(client)
    added = set(after) - set(before)
    methods = {dict(labels).get("method") for (_, labels) in after} - {None}
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    # The first invented method adds the "other" series of its two routes, no more.
    assert {dict(labels)["method"] for (_, labels) in added} == {"other"}
    assert len(added) <= 2 * 25, sorted(added)  # ~20 series a (route, method, status)
    requests = "attendance_http_requests_total"
    assert value(after, requests, route="unmatched", method="other", status="404") == 30


def test_refusals_with_429_are_counted_by_code(database_url: str) -> None:
    throttle = ThrottleSettings(failures=2, window_seconds=60)
    # From this machine: the scrape needs no token, the wrong ones do not stop it.
    with metrics_app(database_url, "127.0.0.1", throttle=throttle) as client:
        statuses = [
            client.get("/api/v1/meetings", headers={"Authorization": f"Bearer bad-{n}"}).status_code
            for n in range(5)
        ]
        assert statuses == [401, 401, 429, 429, 429]
        samples = scrape(client)
    assert value(samples, "attendance_rate_limited_total", code="TOO_MANY_ATTEMPTS") == 3


def test_gallery_size_and_recognition_time_after_identify(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    before = scrape(client)
    assert value(before, "attendance_recognition_seconds_count") == 0
    faces = identify(client, face_photos[0])
    assert faces and faces[0]["person"]["id"] == enrolled[0]
    identify(client, face_photos[1])
    samples = scrape(client)
    assert value(samples, "attendance_recognition_seconds_count") == 2
    assert value(samples, "attendance_recognition_seconds_sum") > 0
    assert value(samples, "attendance_gallery_size", purpose="meetings") == len(enrolled)


def test_queue_depths_are_read_from_the_database(client: TestClient, database_url: str) -> None:
    engine = make_engine(database_url)
    now = datetime.now(timezone.utc)
    with make_session_factory(engine)() as session:
        # Disabled: the delivery job fans nothing out to it while the test reads the counts.
        hook = Webhook(url="http://127.0.0.1:9/", events='["arrived"]', secret="s" * 16)
        hook.created_by, hook.disabled_at = "test", now
        session.add(hook)
        events = [
            OutboundEvent(id=f"ev-{n}", event=ARRIVED, occurred_at=now, data="{}") for n in range(3)
        ]
        session.add_all(events)
        session.flush()
        later = now + timedelta(hours=1)  # not due: the job sends none of them
        for event, state in zip(events, (PENDING, PENDING, DELIVERED), strict=True):
            session.add(
                WebhookDelivery(
                    webhook_id=hook.id, event_id=event.id, status=state, next_attempt_at=later
                )
            )
        session.commit()
    engine.dispose()
    samples = scrape(client)
    assert value(samples, "attendance_outbox_depth") == 3
    assert value(samples, "attendance_webhook_queue_depth") == 2


@contextmanager
def metrics_app(
    database_url: str, address: str = "testclient", **settings: object
) -> Iterator[TestClient]:
    config = Settings(
        db_url=database_url, admin_token=ADMIN_TOKEN, allowed_hosts=["testserver"], **settings
    )
    app = create_app(config, pipeline_factory=lambda _: FAKE, warm_up=False)
    with TestClient(app, raise_server_exceptions=False, client=(address, 50000)) as client:
        yield client


METRICS_TOKEN = "prometheus-scrape-0123456789abcdef"


def test_the_admin_the_metrics_token_and_allowed_addresses_read_it(database_url: str) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with metrics_app(database_url, metrics_token=METRICS_TOKEN) as client:
        kiosk = client.post(
            "/api/v1/kiosk-tokens", json={"name": "cửa-A", "room": "P1"}, headers=admin
        ).json()["token"]
        assert scrape(client, Authorization=f"Bearer {ADMIN_TOKEN}")
        assert scrape(client, Authorization=f"Bearer {METRICS_TOKEN}")
        for credential, status in (
            (None, 401),
            (f"{METRICS_TOKEN}x", 401),
            (kiosk, 403),
        ):
            headers = {"Authorization": f"Bearer {credential}"} if credential else {}
            answer = client.get("/metrics", headers=headers)
            assert answer.status_code == status, answer.text
            assert answer.json()["reason"] and "." in answer.json()["detail"]
    # By default this machine's own addresses need no credential; others do.
    for address, status in (("127.0.0.1", 200), ("::1", 200), ("10.0.0.7", 401)):
        with metrics_app(database_url, address) as client:
            assert client.get("/metrics").status_code == status, address
    allow = ["10.0.0.0/24", "192.168.1.5"]
    for address, status in (("10.0.0.7", 200), ("192.168.1.5", 200), ("127.0.0.1", 401)):
        with metrics_app(database_url, address, metrics_allow=allow) as client:
            assert client.get("/metrics").status_code == status, address


def test_a_bad_allowed_address_or_a_weak_token_in_production_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="ATTEND_METRICS_ALLOW"):
        Settings(db_url="sqlite://", metrics_allow="10.0.0.0/24, cổng-trường")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ATTEND_METRICS_TOKEN"):
        Settings(
            db_url="sqlite://",
            env="production",
            admin_token="k3J9sPq2LmN8vB7xC4dF6gH1wE5r",
            metrics_token="abc",  # type: ignore[arg-type]
        )
    assert Settings(db_url="sqlite://", metrics_allow="").metrics_allow == []  # type: ignore[arg-type]
