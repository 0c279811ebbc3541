"""With dlib's second model, every enrolled photo stores two templates of one face (SFace's
and dlib's, `companion_of` its primary): stored together, listed and counted as one face,
erased together however a face is erased (real models on t1.jpg's faces, either backend)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from api_support import NAMES, create_people, enroll, query, template_count
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from attendance.orm import FaceTemplate
from attendance.templates import gallery_version, load_gallery, template_vector
from models.images import decode_image
from models.packs import FacePipeline

TEMPLATE_COLUMNS = (
    "SELECT id, person_id, model_key, dim, companion_of, photo_sha256, consent_id, "
    "crop_jpeg IS NULL, photo_name FROM face_templates ORDER BY id"
)


def templates(database_url: str) -> list[tuple[Any, ...]]:
    return query(database_url, TEMPLATE_COLUMNS)


def dlib_key(pipeline: FacePipeline) -> str:
    assert pipeline.second is not None
    return pipeline.second.identity.key


def enroll_all(client: TestClient, photos: list[bytes], count: int) -> list[int]:
    people = create_people(client, NAMES[:count])
    for person_id, data in zip(people, photos):
        sent = enroll(client, person_id, data)
        assert sent.status_code == 201, sent.text
    return people


def test_an_enrolled_photo_stores_both_templates_of_the_same_face(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
    session: Session,
) -> None:
    (an,) = create_people(second_client, NAMES[:1])
    sent = enroll(second_client, an, face_photos[0], photo_name="an.jpg")
    assert sent.status_code == 201, sent.text
    primary_id = sent.json()["template_id"]
    primary, companion = templates(database_url)
    assert primary[0] == primary_id
    assert primary[2] == second_pipeline.identity.key and primary[4] is None
    assert not primary[7]  # the face's crop is the primary's
    assert companion[1:5] == (an, dlib_key(second_pipeline), 128, primary_id)
    assert companion[5:7] == primary[5:7]  # the same photo, under the same consent
    assert companion[7]  # no crop of its own
    # It is dlib's embedding of the face enrollment chose, sealed like any template.
    image = decode_image(face_photos[0])
    [face] = second_pipeline.detect(image)
    expected = second_pipeline.embed_second(image, [face])[0]
    stored = template_vector(session, session.get_one(FaceTemplate, companion[0]))
    assert float(stored @ expected) > 0.999
    assert gallery_version(session, model_key=dlib_key(second_pipeline)) == 1
    gallery = load_gallery(session, model_key=dlib_key(second_pipeline), dim=128)
    assert gallery.people.tolist() == [an] and gallery.version == 1
    actions = query(database_url, "SELECT action FROM audit_log WHERE action LIKE '%template%'")
    assert sorted(a for (a,) in actions) == ["second_template_added", "template_added"]

    # Listed and counted as one face, marked as held by the second model too.
    [listed] = second_client.get(f"/api/v1/people/{an}/templates").json()
    assert listed["template_id"] == primary_id and listed["second_model"] is True
    assert template_count(second_client, an) == 1
    [found] = second_client.get("/api/v1/people", params={"q": NAMES[0]}).json()
    assert found["templates"] == 1
    # The companion is no face of its own: not reachable as one.
    reached = second_client.get(f"/api/v1/people/{an}/templates/{companion[0]}/crop")
    assert reached.status_code == 404
    # The same photo again is the same face: nothing more is stored.
    again = enroll(second_client, an, face_photos[0])
    assert again.status_code == 200 and len(templates(database_url)) == 2


def test_erasing_one_photo_erases_its_second_template_and_moves_both_galleries(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
    session: Session,
) -> None:
    (an,) = create_people(second_client, NAMES[:1])
    first = enroll(second_client, an, face_photos[0]).json()["template_id"]
    second = enroll(second_client, an, face_photos[1], confirm_different_person="true")
    assert second.status_code == 201, second.text
    assert template_count(second_client, an) == 2 and len(templates(database_url)) == 4
    versions = [gallery_version(session, model_key=k) for k in _keys(second_pipeline)]

    erased = second_client.delete(f"/api/v1/people/{an}/templates/{first}")
    assert erased.status_code == 200, erased.text
    left = templates(database_url)
    assert [row[4] for row in left] == [None, second.json()["template_id"]]
    assert first not in [row[4] for row in left]
    session.expire_all()
    after = [gallery_version(session, model_key=k) for k in _keys(second_pipeline)]
    assert after == [v + 1 for v in versions]
    [entry] = query(
        database_url,
        "SELECT detail FROM audit_log WHERE action = 'template_erased' ORDER BY id DESC",
    )[:1]
    assert '"companions_erased": 1' in str(entry[0]) or "'companions_erased': 1" in str(entry[0])


def _keys(pipeline: FacePipeline) -> list[str]:
    return [pipeline.identity.key, dlib_key(pipeline)]


def _erase_all(client: TestClient, person_id: int) -> None:
    answer = client.delete(f"/api/v1/people/{person_id}/templates").json()
    assert answer["erased"] == 1  # faces, not rows


def _withdraw(client: TestClient, person_id: int) -> None:
    [consent] = client.get(f"/api/v1/people/{person_id}/consents").json()
    answer = client.delete(f"/api/v1/people/{person_id}/consents/{consent['id']}").json()
    assert answer["templates_erased"] == 1


def _delete(client: TestClient, person_id: int) -> None:
    answer = client.delete(f"/api/v1/people/{person_id}", params={"force": "true"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["records"]["templates"] == 1


Erase = Callable[[TestClient, int], None]


@pytest.mark.parametrize("erase", [_erase_all, _withdraw, _delete], ids=lambda f: f.__name__)
def test_every_erasure_of_a_person_takes_both_models_templates(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
    session: Session,
    erase: Erase,
) -> None:
    an, binh = enroll_all(second_client, face_photos, 2)
    before = gallery_version(session, model_key=dlib_key(second_pipeline))
    erase(second_client, an)
    left = templates(database_url)
    assert {row[1] for row in left} == {binh} and len(left) == 2
    session.expire_all()
    assert gallery_version(session, model_key=dlib_key(second_pipeline)) == before + 1


def test_a_merge_moves_each_second_template_with_its_primary_sealed_for_the_target(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
    session: Session,
) -> None:
    an, binh = enroll_all(second_client, face_photos, 2)
    # The same photo under both: the merge keeps it once, the source's pair goes together.
    shared = enroll(second_client, an, face_photos[1], confirm_different_person="true")
    assert shared.status_code == 201, shared.text
    merged = second_client.post(f"/api/v1/people/{an}/merge", json={"into_id": binh})
    assert merged.status_code == 200, merged.text
    assert merged.json()["templates"] == 2
    left = templates(database_url)
    assert len(left) == 4 and {row[1] for row in left} == {binh}
    primaries = {row[0] for row in left if row[4] is None}
    assert {row[4] for row in left if row[4] is not None} == primaries
    for row in left:  # each opens as the target's: sealed again for them
        vector = template_vector(session, session.get_one(FaceTemplate, row[0]))
        assert vector.shape == (row[3],) and abs(float(np.linalg.norm(vector)) - 1) < 1e-4
