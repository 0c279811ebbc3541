"""The kiosk's own sync of both galleries (GallerySync(second=...)) against the real server:
SFace's and dlib's templates of the same people, the second opinion ready to use them, and a
person deleted gone from both at the next sync (real models, either backend)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, kiosk_headers
from test_kiosk_second_gallery import companions, people

from kiosk.client import KioskClient
from kiosk.second_look import second_look_for
from kiosk.sync import GallerySync
from models.packs import FacePipeline

__all__ = ["people"]  # the fixture: four of t1's people enrolled with both models


def test_the_kiosks_paired_sync_holds_both_models_of_the_same_people_until_one_is_deleted(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    people: list[int],
    database_url: str,
) -> None:
    look = second_look_for(second_pipeline)
    assert look is not None  # the shipped fusion rule covers SFace + dlib
    token = kiosk_headers(second_client)["Authorization"].removeprefix("Bearer ")
    kiosk = KioskClient("http://testserver", token, room=ROOM, transport=second_client._transport)
    sync = GallerySync(
        kiosk,
        model_key=second_pipeline.identity.key,
        dim=second_pipeline.identity.dim,
        second=GallerySync(kiosk, model_key=look.second_key, dim=look.dim),
    )
    try:
        assert sync.sync()
        second = sync.current.second
        assert second is not None
        assert sorted(sync.current.gallery.people.tolist()) == people[:3]
        assert second.gallery.people.tolist() == sync.current.gallery.people.tolist()
        assert second.gallery.dim == 128
        assert sync.second is not None
        held = {t: p for t, (p, _) in sync.second._templates.items()}
        assert held == {t: p for t, p in companions(database_url).items() if p in people[:3]}
        assert not sync.sync()  # nothing changed: both manifests unchanged

        gone = people[1]
        deleted = second_client.delete(f"/api/v1/people/{gone}", params={"force": "true"})
        assert deleted.status_code == 200, deleted.text
        assert sync.sync()
        second = sync.current.second
        assert second is not None
        assert sync.current.gallery.people.tolist() == [people[0], people[2]]
        assert second.gallery.people.tolist() == [people[0], people[2]]
        assert all(person != gone for person, _ in sync.second._templates.values())
    finally:
        kiosk.close()
