"""The app in-process: a database of its own per test (SQLite, or PostgreSQL with
ATTEND_TEST_BACKEND=postgresql), the real SFace pack loaded once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from api_support import (
    ADMIN_TOKEN,
    NAMES,
    T1_PATH,
    ClientFactory,
    count_rows,
    create_people,
    crop_face,
    enroll,
    jpeg,
)
from db_backends import sqlite_file
from fastapi.testclient import TestClient
from PIL import Image
from polls_support import Room, make_room
from sqlalchemy.orm import Session

from api.app import create_app
from attendance.db import make_engine, make_session_factory
from attendance.settings import (
    KioskSettings,
    LimitSettings,
    MatchSettings,
    ModelSettings,
    Settings,
    ThrottleSettings,
)
from models import dlib_embedder
from models.packs import FacePipeline
from models.types import DetectedFace
from usecases.pipeline import load_pipeline


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def pipeline(model_cache: Path) -> FacePipeline:
    """SFace alone, the pack the suite's tests were written for (a face, one template); the
    second model's are tested with `second_pipeline`."""
    models = ModelSettings(cache_dir=model_cache, max_side=1280, second_opinion="off")
    return load_pipeline(Settings(db_url="sqlite://", models=models))


@pytest.fixture(scope="session")
def second_pipeline(model_cache: Path) -> FacePipeline:
    """SFace with dlib's second opinion, as a server with the `accurate` extra runs it."""
    if not dlib_embedder.available():
        pytest.skip("dlib-bin and face-recognition-models are not installed (the accurate extra)")
    models = ModelSettings(cache_dir=model_cache, max_side=1280, second_opinion="on")
    return load_pipeline(Settings(db_url="sqlite://", models=models))


@pytest.fixture(scope="session")
def t1_image() -> Image.Image:
    with Image.open(T1_PATH) as image:
        return image.convert("RGB")


@pytest.fixture(scope="session")
def t1_faces(pipeline: FacePipeline, t1_image: Image.Image) -> list[DetectedFace]:
    """The six faces of t1.jpg, left to right (the order of NAMES)."""
    bgr = np.ascontiguousarray(np.asarray(t1_image)[..., ::-1])
    faces = sorted(pipeline.detect(bgr), key=lambda f: f.box[0])
    assert len(faces) == len(NAMES)
    return faces


@pytest.fixture(scope="session")
def face_photos(t1_image: Image.Image, t1_faces: list[DetectedFace]) -> list[bytes]:
    """One JPEG portrait per person of t1.jpg, in the order of NAMES."""
    return [jpeg(crop_face(t1_image, face)) for face in t1_faces]


@pytest.fixture
def db_path(database_url: str) -> Path:
    """The SQLite file of `database_url`, for tests that read the file itself: skipped on
    PostgreSQL."""
    return sqlite_file(database_url)


@pytest.fixture
def make_client(
    database_url: str, model_cache: Path, pipeline: FacePipeline
) -> Iterator[ClientFactory]:
    """Start the app with the given limits; its lifespan migrates and stores the admin token."""
    clients: list[TestClient] = []

    def start(
        throttle: ThrottleSettings | None = None,
        match: MatchSettings | None = None,
        kiosk: KioskSettings | None = None,
        pipeline_of_app: FacePipeline | None = None,
        **limits: int,
    ) -> TestClient:
        settings = Settings(
            db_url=database_url,
            admin_token=ADMIN_TOKEN,
            models=ModelSettings(cache_dir=model_cache, max_side=1280),
            limits=LimitSettings(**limits),
            throttle=throttle or ThrottleSettings(),
            match=match or MatchSettings(),
            kiosk=kiosk or KioskSettings(),
            allowed_hosts=["testserver"],  # the test client's Host
        )
        chosen = pipeline_of_app or pipeline
        app = create_app(settings, pipeline_factory=lambda _s: chosen)
        client = TestClient(
            app, raise_server_exceptions=False, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        clients.append(client.__enter__())
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client()


@pytest.fixture
def second_client(make_client: ClientFactory, second_pipeline: FacePipeline) -> TestClient:
    """The app with dlib's second model: each enrolled photo stores both templates."""
    return make_client(pipeline_of_app=second_pipeline)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A unit of work on the test's database, beside the app's own: for reading what the app
    stored and calling the use cases directly."""
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        yield db
        db.rollback()
    engine.dispose()


@pytest.fixture
def rows(database_url: str) -> Callable[[], dict[str, int]]:
    """Rows per table, read straight from the database (either backend)."""
    return lambda: count_rows(database_url)


@pytest.fixture
def enrolled(client: TestClient, face_photos: list[bytes]) -> list[int]:
    """All six people of t1.jpg with one portrait each; their ids in the order of NAMES."""
    ids = create_people(client)
    for person_id, data in zip(ids, face_photos):
        response = enroll(client, person_id, data)
        assert response.status_code == 201, response.text
    return ids


@pytest.fixture
def room(client: TestClient) -> Room:
    """Today's meeting of five voting members (MEMBERS) and one observer."""
    return make_room(client)
