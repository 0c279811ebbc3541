"""How an operator sees the second opinion of a running server (real models, either backend):
the /metrics gauge says whether it is on, and start-up warns about faces that have no template
of the second model (enrolled while it was off)."""

from __future__ import annotations

import logging

import pytest
from api_support import NAMES, ClientFactory, create_people, enroll
from fastapi.testclient import TestClient
from test_api_metrics import scrape

from models.packs import FacePipeline

GAUGE = ("attendance_second_opinion_enabled", ())
WARNING = "have no second-model template"


def test_the_gauge_says_whether_the_server_asks_a_second_model(
    make_client: ClientFactory, second_pipeline: FacePipeline
) -> None:
    plain = make_client()  # SFace alone
    assert scrape(plain)[GAUGE] == 0
    both = make_client(pipeline_of_app=second_pipeline)  # SFace + dlib, the shipped fusion
    assert scrape(both)[GAUGE] == 1


def test_start_up_warns_about_faces_enrolled_while_the_second_opinion_was_off(
    make_client: ClientFactory,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    caplog: pytest.LogCaptureFixture,
) -> None:
    plain = make_client()  # enrolled while it was off: SFace templates only
    ids = create_people(plain, NAMES[:2])
    for person_id, photo in zip(ids, face_photos[:2]):
        assert enroll(plain, person_id, photo).status_code == 201
    with caplog.at_level(logging.WARNING):
        both = make_client(pipeline_of_app=second_pipeline)
    said = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert said and said[0].startswith("2 khuôn mặt (2 người) chưa có mẫu")
    assert "2 faces (2 people) have no second-model template" in said[0]
    assert "attendance templates add-second" in said[0]

    # Enrolled with it on, a face gets both templates: the count does not grow.
    [third] = create_people(both, NAMES[2:3])
    assert enroll(both, third, face_photos[2]).status_code == 201
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        make_client(pipeline_of_app=second_pipeline)
    said = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert said and "2 faces (2 people)" in said[0]


def test_no_warning_when_every_face_has_its_second_template(
    second_client: TestClient,
    make_client: ClientFactory,
    second_pipeline: FacePipeline,
    face_photos: list[bytes],
    caplog: pytest.LogCaptureFixture,
) -> None:
    [person] = create_people(second_client, NAMES[:1])
    assert enroll(second_client, person, face_photos[0]).status_code == 201
    with caplog.at_level(logging.WARNING):
        make_client(pipeline_of_app=second_pipeline)
    assert not [r for r in caplog.records if WARNING in r.getMessage()]
