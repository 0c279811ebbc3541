"""Erasure reaches the kiosks: a kiosk's local gallery drops a person's templates at its next
sync, whichever way they were erased (all templates, consent withdrawn, person deleted)."""

from __future__ import annotations

import pytest
from api_support import create_meeting
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, kiosk_headers, today_at

from kiosk.client import KioskClient
from kiosk.sync import GallerySync
from models.packs import FacePipeline


def _erase_all(client: TestClient, person_id: int) -> None:
    assert client.delete(f"/api/v1/people/{person_id}/templates").json()["erased"] == 1


def _withdraw(client: TestClient, person_id: int) -> None:
    [consent] = client.get(f"/api/v1/people/{person_id}/consents").json()
    answer = client.delete(f"/api/v1/people/{person_id}/consents/{consent['id']}").json()
    assert answer["templates_erased"] == 1


def _delete(client: TestClient, person_id: int) -> None:
    answer = client.delete(f"/api/v1/people/{person_id}", params={"force": "true"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("erase", [_erase_all, _withdraw, _delete], ids=lambda f: f.__name__)
def test_the_kiosks_next_sync_drops_the_erased_templates(
    client: TestClient, enrolled: list[int], pipeline: FacePipeline, erase: object
) -> None:
    create_meeting(
        client, enrolled[:3], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    token = kiosk_headers(client)["Authorization"].removeprefix("Bearer ")
    kiosk = KioskClient("http://testserver", token, room=ROOM, transport=client._transport)
    sync = GallerySync(kiosk, model_key=pipeline.identity.key, dim=pipeline.identity.dim)
    try:
        assert sync.sync()
        assert sorted(sync.current.gallery.people.tolist()) == sorted(enrolled[:3])
        gone = enrolled[1]
        erase(client, gone)  # type: ignore[operator]
        assert sync.sync()  # the gallery version moved: the kiosk sees a change
        assert sorted(sync.current.gallery.people.tolist()) == [enrolled[0], enrolled[2]]
        assert all(person != gone for person, _ in sync._templates.values())
    finally:
        kiosk.close()
