"""No database connection free within the pool's timeout: 503 SERVER_BUSY with Retry-After and
a bilingual body, not a 500 (attack report 13, F2)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimeout

import api.deps


def test_a_pool_timeout_answers_503_busy_with_retry_after(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/api/v1/people").status_code == 200

    def no_connection(*_args: Any, **_kwargs: Any) -> None:
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached, connection timed out")

    monkeypatch.setattr(api.deps, "authenticate", no_connection)
    busy = client.get("/api/v1/people")
    assert busy.status_code == 503, busy.text
    assert busy.json() == {
        "reason": "SERVER_BUSY",
        "detail": "Máy chủ đang bận, thử lại sau giây lát. "
        "The server is busy; try again in a moment.",
    }
    assert int(busy.headers["retry-after"]) > 0
