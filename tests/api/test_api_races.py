"""A write that lost a race to another request is a 409 the caller can act on, not a 500."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from api.errors import install_error_handlers


def test_the_databases_refusal_of_a_raced_write_is_a_409_saying_try_again() -> None:
    # What a check-in meets when the person was deleted between its checks and its insert
    # (the foreign key refuses it): the request's transaction rolls back, nothing is kept.
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/api/v1/race")
    def lost() -> None:
        raise IntegrityError("INSERT INTO attendance_events ...", {}, Exception("FOREIGN KEY"))

    answer = TestClient(app).post("/api/v1/race")
    assert answer.status_code == 409
    assert answer.json()["reason"] == "CONCURRENT_CHANGE"
    assert "thử lại" in answer.json()["detail"] and "try again" in answer.json()["detail"]
