"""Every route of the app, called with a kiosk token: only the kiosk's own routes answer."""

from __future__ import annotations

import re
from collections.abc import Iterator

import fastapi.routing
import httpx
from api_support import create_meeting, create_people
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, kiosk_headers, today_at

# What a kiosk token is for (README, "Kiosks"): its room's gallery and who is present there,
# posting check-ins, and the faces it was unsure about, for the review queue; a school gate's
# events (the route answers 403 to a room's token itself: tests/api/test_api_gate.py).
KIOSK_ROUTES = {
    ("POST", "/api/v1/kiosk/gate/events"),
    ("GET", "/api/v1/kiosk/gallery"),
    ("GET", "/api/v1/kiosk/arrivals"),
    ("POST", "/api/v1/kiosk/templates"),
    ("POST", "/api/v1/meetings/{meeting_id}/checkins"),
    # Its outbox's check-ins at once: each event's room and window checked as above.
    ("POST", "/api/v1/meetings/{meeting_id}/checkins/batch"),
    ("POST", "/api/v1/meetings/{meeting_id}/reviews"),
    # The class photo of its room's meeting open now (api/routes/class_photo.py).
    ("POST", "/api/v1/meetings/{meeting_id}/class-photo"),
    ("GET", "/api/v1/meetings/{meeting_id}/class-photo/{photo_id}"),
    ("GET", "/api/v1/meetings/{meeting_id}/class-photo/{photo_id}/crops/{face}"),
    ("POST", "/api/v1/meetings/{meeting_id}/class-photo/{photo_id}/confirm"),
}
# Open to anyone, token or not: a kiosk token adds nothing there (checked below).
PUBLIC = {
    "/",
    "/healthz",
    "/favicon.ico",
    "/openapi.json",
    "/docs",
    "/redoc",
    "/vote",
    "/signin",
    "/signout",
}


def every_route(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, in any FastAPI the project allows (>= 0.121): newer
    ones keep included routers as branches that `iter_route_contexts` flattens."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    for route in flatten(app.routes) if flatten else app.routes:
        methods = getattr(route, "methods", None) or set()
        for method in sorted(methods - {"HEAD"}):
            yield method, str(route.path)


def refused(response: httpx.Response) -> bool:
    """401 or 403; a page refuses by sending the caller to sign in."""
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("location", "")
    return response.status_code == 303 and location.startswith("/signin")


def test_a_kiosk_token_reaches_its_gallery_and_check_ins_only(client: TestClient) -> None:
    ids = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình"])
    meeting_id = create_meeting(
        client, ids, room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    base = f"/api/v1/meetings/{meeting_id}"
    poll = client.post(f"{base}/polls", json={"title": "Thông qua biên bản", "quorum": "0"})
    item = client.post(f"{base}/agenda", json={"title": "Báo cáo tình hình"})
    assert poll.status_code == 201 and item.status_code == 201, (poll.text, item.text)
    client.post(f"{base}/polls/{poll.json()['id']}/open")
    kiosk = kiosk_headers(client)
    token_id = client.get("/api/v1/kiosk-tokens").json()[-1]["id"]
    # Real ids of the kiosk's own room and day: a refusal is about the token, not a 404.
    values = {
        "meeting_id": meeting_id,
        "poll_id": poll.json()["id"],
        "item_id": item.json()["id"],
        "person_id": ids[0],
        "grantor_id": ids[1],
        "token_id": token_id,
        "template_id": 1,
        "consent_id": 1,
        "account_id": 1,
        "action": "close",
    }
    answered = set()
    for method, path in every_route(client.app):  # type: ignore[arg-type]
        # Any other id (a class, a webhook, a photo...): the permission refuses before it is read.
        url = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), path)
        response = client.request(method, url, headers=kiosk, follow_redirects=False)
        if path in PUBLIC:
            # The client's default header is the admin's: blank it to call with no token.
            bare = client.request(
                method, url, headers={"Authorization": ""}, follow_redirects=False
            )
            assert bare.status_code == response.status_code, (method, path)
        elif not refused(response):
            answered.add((method, path))
    assert answered == KIOSK_ROUTES
