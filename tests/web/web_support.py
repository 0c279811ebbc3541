"""Helpers for the page tests: a signed-in client, forms, and spreadsheets made on the fly."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import httpx
from fastapi.testclient import TestClient

ADMIN_TOKEN = "web-admin-token-0123456789"
ORIGIN = "http://testserver"


def sign_in(client: TestClient, label: str = "Chị Thu") -> httpx.Response:
    response = client.post(
        "/signin",
        data={"token": ADMIN_TOKEN, "label": label, "next": "/meetings"},
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response


def post(client: TestClient, url: str, data: dict[str, str], **kw: object) -> httpx.Response:
    """A form post from our own page (the Origin a browser sends)."""
    return client.post(url, data=data, headers={"Origin": ORIGIN}, follow_redirects=False, **kw)  # type: ignore[arg-type]


def give_consent(client: TestClient, person_id: int, **fields: str) -> httpx.Response:
    """The consent form on the person's page: their own, on a paper form, for meetings."""
    form = {
        "given_by": "Người được đăng ký",
        "relation_kind": "self",
        "purposes": "meetings",
        "method": "paper_form",
        "reference": f"PF-{person_id}",
        "agreed": "true",
        **fields,
    }
    response = post(client, f"/people/{person_id}/consents", form)
    assert response.status_code == 303, text_of(response.text)
    return response


def create_meeting(client: TestClient, title: str = "Họp giao ban tuần", **fields: str) -> int:
    form = {
        "title": title,
        "room": "Hội trường A",
        "starts_at": "2026-03-02T08:00",
        "ends_at": "2026-03-02T11:00",
        "late_after_minutes": "15",
        **fields,
    }
    response = post(client, "/meetings", form)
    assert response.status_code == 303, response.text
    match = re.match(r"/meetings/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def followed(client: TestClient, response: httpx.Response) -> httpx.Response:
    """The page a form post's redirect opens, as a browser ends on it."""
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"])


def voting_link_on(page: httpx.Response) -> dict[str, str]:
    """The voting link a page shows once, as the Authorization header its delegate sends."""
    assert page.headers.get("cache-control") == "no-store"
    found = re.findall(r'id="issued-link".*?href="[^"#]*/vote#(vp_[^"]+)"', page.text, re.S)
    assert len(found) == 1, "no voting link on the page"
    return {"Authorization": f"Bearer {found[0]}"}


def text_of(html: str) -> str:
    """The page's visible text, tags dropped and spaces squeezed, for plain assertions."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def face_photos(pipeline: object) -> list[bytes]:
    """One JPEG portrait per person of insightface's t1.jpg (six people), left to right."""
    from pathlib import Path

    import insightface
    import numpy as np
    from PIL import Image

    path = Path(insightface.__file__).parent / "data" / "images" / "t1.jpg"
    with Image.open(path) as opened:
        image = opened.convert("RGB")
    bgr = np.ascontiguousarray(np.asarray(image)[..., ::-1])
    faces = sorted(pipeline.detect(bgr), key=lambda f: f.box[0])  # type: ignore[attr-defined]
    photos = []
    for face in faces:
        x, y, w, h = face.box
        crop = image.crop(
            (
                int(max(0, x - 0.8 * w)),
                int(max(0, y - 0.8 * h)),
                int(min(image.width, x + 1.8 * w)),
                int(min(image.height, y + 1.8 * h)),
            )
        )
        out = io.BytesIO()
        crop.save(out, "JPEG", quality=92)
        photos.append(out.getvalue())
    return photos


def from_address(client: TestClient, address: str) -> TestClient:
    """Another client of the same running app (the same services), from another address."""
    other = TestClient(client.app, raise_server_exceptions=False, client=(address, 50000))
    other.app_state.update(client.app_state)  # the running app's state, without a restart
    return other
