"""A weak admin token: refused outside development, warned about inside it."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN

from attendance.settings import Settings


@pytest.mark.parametrize(
    "token", ["Qz7", "short-token-123", "a" * 40, "abcabcabcabcabcabcabcabcabc"], ids=repr
)
def test_a_weak_admin_token_is_refused_outside_development(token: str) -> None:
    with pytest.raises(ValueError, match="ATTEND_ADMIN_TOKEN is too weak") as refused:
        Settings(env="production", admin_token=token)
    assert token not in str(refused.value)  # the message never echoes the secret


def test_a_strong_admin_token_is_accepted_in_production() -> None:
    assert Settings(env="production", admin_token=ADMIN_TOKEN).admin_token == ADMIN_TOKEN


def test_a_weak_admin_token_is_warned_about_in_development(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="api.app"):
        client = make_client(admin_token="x")
    assert client.get("/healthz").status_code == 200
    warned = [r.getMessage() for r in caplog.records if "ATTEND_ADMIN_TOKEN" in r.getMessage()]
    assert warned and "24 random characters" in warned[0] and "1 characters" in warned[0]
