"""A kiosk that asks for dlib's templates (`model=<dlib key>`) gets them under exactly the
rules SFace's follow: the same meetings, people and consent, only its own room's faces, and
an erased face gone from both at the next sync (real models, either backend)."""

from __future__ import annotations

import pytest
from api_support import (
    NAMES,
    ClientFactory,
    create_meeting,
    create_people,
    enroll,
    execute,
    query,
)
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, kiosk_headers, today_at

from attendance.settings import KioskSettings
from kiosk.client import KioskClient
from kiosk.sync import GallerySync
from models.packs import FacePipeline


@pytest.fixture
def people(second_client: TestClient, face_photos: list[bytes]) -> list[int]:
    """Four of t1.jpg's people enrolled with both models: 0-2 meet today in ROOM, 3 in
    another room."""
    ids = create_people(second_client, NAMES[:4])
    for person_id, data in zip(ids, face_photos):
        sent = enroll(second_client, person_id, data)
        assert sent.status_code == 201, sent.text
    today = {"starts_at": today_at(0), "ends_at": today_at(23, minute=59)}
    create_meeting(second_client, ids[:3], room=ROOM, **today)
    create_meeting(second_client, ids[3:], room="Hội trường", **today)
    return ids


def companions(database_url: str) -> dict[int, int]:
    """Each dlib template's id and its person."""
    rows = query(
        database_url, "SELECT id, person_id FROM face_templates WHERE companion_of IS NOT NULL"
    )
    return {int(t): int(p) for t, p in rows}


def test_a_kiosk_syncs_the_second_models_gallery_under_the_same_scope(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    people: list[int],
    database_url: str,
) -> None:
    assert second_pipeline.second is not None
    dlib = second_pipeline.second.identity
    token = kiosk_headers(second_client)["Authorization"].removeprefix("Bearer ")
    kiosk = KioskClient("http://testserver", token, room=ROOM, transport=second_client._transport)
    primary = GallerySync(
        kiosk, model_key=second_pipeline.identity.key, dim=second_pipeline.identity.dim
    )
    second = GallerySync(kiosk, model_key=dlib.key, dim=dlib.dim)
    try:
        assert primary.sync() and second.sync()
        assert sorted(second.current.gallery.people.tolist()) == people[:3]
        assert second.current.gallery.people.tolist() == primary.current.gallery.people.tolist()
        assert second.current.gallery.dim == 128
        held = {t: p for t, (p, _) in second._templates.items()}
        mine = companions(database_url)
        assert held == {t: p for t, p in mine.items() if p in people[:3]}
        manifest_a = kiosk.gallery(model=primary.model_key, etag=None)
        manifest_b = kiosk.gallery(model=dlib.key, etag=None)
        assert manifest_a is not None and manifest_b is not None
        assert manifest_b.model == dlib.key
        assert manifest_b.meetings == manifest_a.meetings
        assert manifest_b.people == manifest_a.people

        # Another room's face is not this kiosk's to read, under either model.
        elsewhere = [t for t, p in mine.items() if p == people[3]]
        refused = second_client.post(
            "/api/v1/kiosk/templates",
            json={"ids": elsewhere, "model": dlib.key},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert refused.status_code == 403, refused.text
        allowed = second_client.post(
            "/api/v1/kiosk/templates",
            json={"ids": sorted(held), "model": dlib.key},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert allowed.status_code == 200, allowed.text
        assert {t["dim"] for t in allowed.json()["templates"]} == {128}

        # An erased face leaves both galleries at the next sync.
        gone = people[1]
        erased = second_client.delete(f"/api/v1/people/{gone}/templates")
        assert erased.status_code == 200, erased.text
        assert primary.sync() and second.sync()
        assert second.current.gallery.people.tolist() == [people[0], people[2]]
        assert primary.current.gallery.people.tolist() == [people[0], people[2]]
        assert all(person != gone for person, _ in second._templates.values())
    finally:
        kiosk.close()


def test_a_withdrawn_consent_takes_the_face_out_of_the_second_models_gallery(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    people: list[int],
) -> None:
    assert second_pipeline.second is not None
    dlib = second_pipeline.second.identity
    token = kiosk_headers(second_client)["Authorization"].removeprefix("Bearer ")
    kiosk = KioskClient("http://testserver", token, room=ROOM, transport=second_client._transport)
    second = GallerySync(kiosk, model_key=dlib.key, dim=dlib.dim)
    try:
        assert second.sync()
        [consent] = second_client.get(f"/api/v1/people/{people[0]}/consents").json()
        withdrawn = second_client.delete(f"/api/v1/people/{people[0]}/consents/{consent['id']}")
        assert withdrawn.status_code == 200 and withdrawn.json()["templates_erased"] == 1
        assert second.sync()
        assert second.current.gallery.people.tolist() == people[1:3]
    finally:
        kiosk.close()


def test_both_galleries_hold_the_same_others_whether_or_not_each_has_a_second_template(
    make_client: ClientFactory,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
) -> None:
    """With `others_limit`, the enrolled people invited elsewhere come too, all or none: a
    face enrolled before the second model (no dlib template yet) counts for both galleries."""
    assert second_pipeline.second is not None
    client = make_client(kiosk=KioskSettings(others_limit=1), pipeline_of_app=second_pipeline)
    ids = create_people(client, NAMES[:5])
    for person_id, data in zip(ids, face_photos):
        assert enroll(client, person_id, data).status_code == 201
    execute(
        database_url,
        "DELETE FROM face_templates WHERE companion_of IS NOT NULL AND person_id = :p",
        p=ids[4],
    )
    today = {"starts_at": today_at(0), "ends_at": today_at(23, minute=59)}
    create_meeting(client, ids[:3], room=ROOM, **today)
    token = kiosk_headers(client)["Authorization"].removeprefix("Bearer ")
    kiosk = KioskClient("http://testserver", token, room=ROOM, transport=client._transport)
    try:
        sface = kiosk.gallery(model=second_pipeline.identity.key, etag=None)
        dlib = kiosk.gallery(model=second_pipeline.second.identity.key, etag=None)
        assert sface is not None and dlib is not None
        # Two others for a limit of one: neither gallery takes any.
        assert [p.id for p in dlib.people] == [p.id for p in sface.people] == ids[:3]
    finally:
        kiosk.close()
