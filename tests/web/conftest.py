"""The app in-process with a fresh SQLite file; the real SFace pack only where photos are."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from db_backends import sqlite_file
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, face_photos, sign_in

from api.app import create_app
from attendance.settings import ModelSettings, Settings
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline


@pytest.fixture(scope="session")
def pipeline_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[Settings], FacePipeline]:
    """Loads the real pack the first time a test needs faces, once for the whole session."""
    cache_dir = tmp_path_factory.mktemp("model-cache")

    @cache
    def load() -> FacePipeline:
        # SFace alone, as tests/api/conftest.py's `pipeline`: the pages' tests were written
        # for one template a face; the second opinion has tests of its own.
        models = ModelSettings(cache_dir=cache_dir, max_side=1280, second_opinion="off")
        return load_pipeline(Settings(db_url="sqlite://", models=models))

    return lambda _settings: load()


@pytest.fixture
def db_path(database_url: str) -> Path:
    """The SQLite file of `database_url`, for tests that read the file itself: skipped on
    PostgreSQL."""
    return sqlite_file(database_url)


@pytest.fixture
def make_client(
    database_url: str, pipeline_factory: Callable[[Settings], FacePipeline]
) -> Iterator[Callable[..., TestClient]]:
    """Start the app with these settings (match=..., limits=...); stopped after the test.
    `clock` drives its throttle (tests/web/test_throttle_pages.py moves it by hand)."""
    clients: list[TestClient] = []

    def start(clock: Callable[[], float] = time.monotonic, **overrides: Any) -> TestClient:
        fields: dict[str, Any] = {
            "db_url": database_url,
            "admin_token": ADMIN_TOKEN,
            "allowed_hosts": ["testserver"],  # the test client's Host
        }
        settings = Settings(**{**fields, **overrides})
        app = create_app(settings, pipeline_factory=pipeline_factory, warm_up=False, clock=clock)
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client.__enter__())
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def anonymous(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    """Signed in as the admin, labelled 'Chị Thu' in the audit log."""
    sign_in(anonymous)
    return anonymous


@pytest.fixture(scope="session")
def portraits(pipeline_factory: Callable[[Settings], FacePipeline]) -> list[bytes]:
    return face_photos(pipeline_factory(Settings(db_url="sqlite://")))
