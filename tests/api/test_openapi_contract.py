"""The OpenAPI document tells the truth: a seeded, bounded schemathesis run against the app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import numpy as np
import pytest
import schemathesis
from api_support import ADMIN_TOKEN, create_meeting, create_people, module_database, seed_class
from db_backends import PostgresDatabases, SqliteDatabases
from document_files import pdf_bytes
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from numpy.typing import NDArray
from polls_support import MEMBERS, Room, arrive, new_poll, today
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from attendance.class_photo.service import PhotoFace, store_photo
from attendance.db import make_engine, make_session_factory
from attendance.schools.classes import create_class, set_students
from attendance.schools.sessions import create_session
from attendance.settings import Settings
from attendance.templates import QualityFigures, add_template
from models.packs import FacePipeline
from models.types import DetectedFace, ModelFile, ModelIdentity

HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
EXAMPLES = (
    10  # per operation (about 30 s for all here); with derandomize, the same cases on every run
)


class NoFaces:
    """A detector that sees nobody: image routes answer without loading the real models."""

    def detect(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return []

    def detect_coarse(self, image_bgr: NDArray[np.uint8]) -> list[DetectedFace]:
        return []

    def refine(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> list[DetectedFace]:
        return faces

    def confidence(self, image_bgr: NDArray[np.uint8], face: DetectedFace) -> float:
        return face.score


class ZeroEmbedder:
    dim = 128

    def embed(self, image_bgr: NDArray[np.uint8], faces: list[DetectedFace]) -> NDArray[np.float32]:
        return np.zeros((len(faces), self.dim), np.float32)


FAKE = FacePipeline(
    detector=NoFaces(),
    embedder=ZeroEmbedder(),
    identity=ModelIdentity(pack="fake", files=(ModelFile("none", "0" * 64),), dim=128),
)


@dataclass
class Seeded:
    app: FastAPI
    ids: dict[str, int | str]  # a real id for each path parameter name


def stored_class_photo(db_url: str, meeting_id: int) -> str:
    """A pending class photo with one unknown face (the fake pipeline sees no face)."""
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session, session.begin():
        face = PhotoFace(box=(10.0, 10.0, 50.0, 60.0), person_id=None, similarity=None)
        photo = store_photo(
            session, meeting_id=meeting_id, taken_by="t", faces=[face], crops={0: b"j"}, hours=4
        )
        photo_id = photo.id
    engine.dispose()
    return photo_id


def seed_document(client: TestClient, meeting_id: int) -> int:
    """A one-page PDF, public: a `{doc_id}` every reader reaches."""
    made = client.post(
        f"/api/v1/meetings/{meeting_id}/documents",
        data={"title": "Tài liệu họp", "visibility": "public"},
        files={"file": ("tài-liệu.pdf", pdf_bytes("Tai lieu hop"), "application/pdf")},
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def stored_template(db_url: str, person_id: int) -> int:
    """A face template with its crop, written as enrollment would (the fake pipeline sees no
    face, so none can be enrolled through the API)."""
    engine = make_engine(db_url)
    figures = QualityFigures(det_score=0.9, face_px=120, sharpness=100, brightness=120, yaw=0.1)
    with make_session_factory(engine)() as session:
        template = add_template(
            session,
            person_id=person_id,
            model_key=FAKE.identity.key,
            embedding=np.ones(128, np.float32) / np.sqrt(128),
            quality=figures,
            photo_sha256="0" * 64,
            crop_jpeg=b"\xff\xd8\xff\xe0 not really a jpeg",
        )
        session.commit()
        template_id = template.id
    engine.dispose()
    return template_id


def seed_report_class(db_url: str, students: list[int]) -> int:
    """A class of these students with a lesson today: a `{class_id}` whose report has marks."""
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        cls = create_class(session, name="8A", school="THCS Ngọc Thụy", school_year="2026-2027")
        set_students(session, class_id=cls.id, person_ids=students)
        create_session(
            session,
            class_id=cls.id,
            day=date.today(),
            start=time(0, 0),
            end=time(23, 0),
            zone="UTC",
            period=1,
        )
        session.commit()
        class_id = cls.id
    engine.dispose()
    return class_id


@pytest.fixture(scope="module")
def database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the module: every test uses the ids seeded once."""
    yield from module_database(databases, tmp_path_factory.mktemp("contract"))


@pytest.fixture(scope="module")
def seeded(database_url: str) -> Iterator[Seeded]:
    """People, a meeting today with them on the roster, members present, an agenda item, an
    open and a draft poll, a proxy, a kiosk token and a staff account: ids that exist, for
    the path parameters."""
    config = Settings(
        db_url=database_url,
        admin_token=ADMIN_TOKEN,
        allowed_hosts=["testserver", "localhost"],  # the test clients' Host
    )
    app = create_app(config, pipeline_factory=lambda _: FAKE, warm_up=False)
    with TestClient(app, headers=HEADERS) as client:
        people = create_people(client, [*MEMBERS, "Vũ Thị Quan Sát"])
        meeting_id = create_meeting(client, people[:5], starts_at=today(0), ends_at=today(23, 59))
        room = Room(meeting_id, people)
        for person_id in people[:3]:
            arrive(client, room, person_id)
        url = f"/api/v1/meetings/{meeting_id}"
        item = client.post(f"{url}/agenda", json={"title": "Dự toán 2027"}).json()
        proxy = {"grantor_id": people[4], "holder_id": people[0]}
        assert client.post(f"{url}/proxies", json=proxy).status_code == 201
        poll = new_poll(client, room)
        new_poll(client, room, open_it=False)
        kiosk = client.post("/api/v1/kiosk-tokens", json={"name": "Cửa A", "room": "P.101"})
        template_id = stored_template(database_url, people[1])
        consents = client.get(f"/api/v1/people/{people[1]}/consents").json()
        account = {"username": "thu.nt", "role": "secretary", "password": "mật khẩu dài đủ 10"}
        account_id = client.post("/api/v1/accounts", json=account).json()["id"]
        hook = {"url": "http://127.0.0.1:9/hook", "events": ["late"], "secret": "x" * 16}
        webhook_id = client.post("/api/v1/webhooks", json=hook).json()["id"]
        ids = {
            "meeting_id": meeting_id,
            "person_id": people[1],
            "poll_id": poll["id"],
            "item_id": item["id"],
            "grantor_id": people[4],
            "token_id": kiosk.json()["id"],
            "template_id": template_id,
            "consent_id": consents[0]["id"],
            "account_id": account_id,
            "webhook_id": webhook_id,
            "photo_id": stored_class_photo(database_url, meeting_id),
            "face": 0,
        }
        ids.update(seed_class(database_url, person_id=people[1], teacher_ids=[]))
        ids["class_id"] = seed_report_class(database_url, people[:3])  # a lesson today: marks
        excused = {"starts_on": "2030-01-07", "ends_on": "2030-01-08", "reason": "Ốm"}
        made = client.post(f"/api/v1/people/{people[1]}/excused-absences", json=excused)
        ids["excused_id"] = made.json()["id"]
        ids["doc_id"] = seed_document(client, meeting_id)
        ids["n"] = 1  # a page of it
    yield Seeded(app, ids)
    schemathesis.python.asgi.shutdown_lifespans()


@pytest.fixture(scope="module")
def api_schema(seeded: Seeded) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", seeded.app)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


def document() -> dict[str, Any]:
    return create_app(Settings(db_url="sqlite://"), warm_up=False).openapi()


def test_error_answers_are_documented_in_their_one_shape() -> None:
    spec = document()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            errors = {s: r for s, r in op["responses"].items() if s >= "400"}
            for status, answer in errors.items():
                schema_ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert schema_ref.endswith("/ErrorRead"), (method, path, status)
            if path.startswith("/api/v1/"):
                assert {"401", "403", "429"} <= set(errors), (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)


def test_a_body_that_is_not_json_gets_a_documented_answer(seeded: Seeded) -> None:
    """Not JSON, not UTF-8: FastAPI answers 400 before any route runs; documented, not 500."""
    spec = document()
    with TestClient(seeded.app, headers=HEADERS) as client:
        for path, ops in spec["paths"].items():
            for method, op in ops.items():
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" not in content or "multipart/form-data" in content:
                    continue
                url = path.format(**seeded.ids)
                for body in (b"{not json", b"\xff\xfe\x00"):
                    answer = client.request(
                        method, url, content=body, headers={"content-type": "application/json"}
                    )
                    assert str(answer.status_code) in op["responses"], (method, path, body)
                    assert answer.status_code < 500, (method, path, answer.text)


MEETING = "/api/v1/meetings/{meeting_id}"


def operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation; the document needs no database.
    Deletions come last, the meeting's own at the very end: the operations before them
    still find the seeded meeting and its people."""
    found = [(method, path) for path, ops in document()["paths"].items() for method in ops]
    return sorted(found, key=lambda op: (op[0] == "delete", op == ("delete", MEETING)))


# schemathesis's own pytest integration (`from_fixture(...).parametrize()`) reads a node
# attribute that pytest 9 removed; one Hypothesis test per operation does the same job.
@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), operations(), ids=lambda v: str(v))
def test_api_answers_as_its_openapi_document_says(
    api_schema: Any, seeded: Seeded, method: str, path: str
) -> None:
    operation = api_schema[path][method.upper()]
    # Random ids name nothing (404): half the cases use ids that exist, to reach the routes.
    real = {name: seeded.ids[name] for name in PATH_PARAMETER.findall(path)}
    cases = operation.as_strategy()
    if real:
        cases = cases | operation.as_strategy(path_parameters=real)

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def answers_as_documented(case: Any) -> None:
        case.call_and_validate(headers=HEADERS, checks=CHECKS)

    answers_as_documented()
