"""`attendance admin`: the first admin from the command line, no default password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from attendance.db import make_engine, make_session_factory
from attendance.settings import get_settings
from attendance.staff.accounts import verify_credentials

PASSWORD = "mật khẩu dài đủ 10"


@pytest.fixture
def db_url(empty_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = empty_database_url
    monkeypatch.setenv("ATTEND_DB_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def signs_in(db_url: str, username: str, password: str) -> str:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            return verify_credentials(session, username=username, password=password).role
    finally:
        engine.dispose()


def test_admin_create_asks_for_the_password_twice(db_url: str) -> None:
    result = CliRunner().invoke(
        app,
        ["admin", "create", "Thu.NT", "--display-name", "Nguyễn Thị Thu"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden as typed
    assert signs_in(db_url, "thu.nt", PASSWORD) == "admin"
    listed = CliRunner().invoke(app, ["admin", "list"], env={"COLUMNS": "200"})
    assert "thu.nt" in listed.output and "Nguyễn Thị Thu" in listed.output


def test_admin_create_reads_a_password_file_and_refuses_a_taken_name(
    db_url: str, tmp_path: Path
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    command = ["admin", "create", "lan.pt", "--role", "secretary", "--password-file", str(secret)]
    assert CliRunner().invoke(app, command).exit_code == 0
    assert signs_in(db_url, "lan.pt", PASSWORD) == "secretary"
    again = CliRunner().invoke(app, command)
    assert again.exit_code == 2
    assert "đã có người dùng" in again.output and "already taken" in again.output


def test_a_weak_password_is_refused_with_the_rule(db_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["admin", "create", "thu.nt"], input="ngắn\nngắn\n")
    assert result.exit_code == 2
    assert "ít nhất 10 ký tự" in result.output and "at least 10 characters" in result.output


def test_reset_password_sets_a_new_one(db_url: str, tmp_path: Path) -> None:
    CliRunner().invoke(app, ["admin", "create", "thu.nt"], input=f"{PASSWORD}\n{PASSWORD}\n")
    new = "một mật khẩu mới"
    result = CliRunner().invoke(app, ["admin", "reset-password", "thu.nt"], input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert signs_in(db_url, "thu.nt", new) == "admin"
    missing = CliRunner().invoke(
        app, ["admin", "reset-password", "nobody"], input=f"{new}\n{new}\n"
    )
    assert missing.exit_code == 2 and "No account named" in missing.output
