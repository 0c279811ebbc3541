"""The command line's data folder: read-only commands on a missing database, older ./data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import T1_PATH
from typer.testing import CliRunner

from api.cli import app
from api.cli_support import kiosk_outbox
from attendance.settings import get_settings

WIDE = {"COLUMNS": "400"}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """ATTEND_DATA_DIR, not created; no ATTEND_DB_URL; the current folder a fresh one."""
    folder = tmp_path / "attendance-data"
    monkeypatch.setenv("ATTEND_DATA_DIR", str(folder))
    monkeypatch.delenv("ATTEND_DB_URL", raising=False)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "command",
    [
        ["export", "2", "--format", "xlsx"],
        ["identify", str(T1_PATH)],
        ["kiosk-token", "list"],
        ["kiosk-token", "revoke", "1"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_read_only_command_on_a_missing_database_says_which_and_creates_nothing(
    data_dir: Path, command: list[str]
) -> None:
    result = CliRunner().invoke(app, command, env=WIDE)
    assert result.exit_code == 2, result.output
    database = data_dir / "attendance.db"
    assert f"Không có cơ sở dữ liệu {database}" in result.output
    assert f"There is no database at {database}" in result.output
    assert "ATTEND_DATA_DIR" in result.output and "ATTEND_DB_URL" in result.output
    assert not database.exists() and not data_dir.exists()
    assert list(Path.cwd().iterdir()) == []  # no ./data, no export file


def test_models_list_creates_no_database(data_dir: Path) -> None:
    listed = CliRunner().invoke(app, ["models", "list"], env=WIDE)
    assert listed.exit_code == 0, listed.output
    assert str(data_dir / "models") in listed.output  # the packs' folder is in the data folder
    assert not (data_dir / "attendance.db").exists()


def test_the_database_in_an_older_dot_data_folder_is_named_with_how_to_keep_it(
    data_dir: Path,
) -> None:
    runner = CliRunner()
    old = Path.cwd() / "data"
    old.mkdir()
    (old / "attendance.db").touch()
    refused = runner.invoke(app, ["kiosk-token", "list"], env=WIDE)
    assert refused.exit_code == 2
    assert f"older database, {old / 'attendance.db'}" in refused.output
    assert f"đặt ATTEND_DATA_DIR={old}" in refused.output
    assert f"set ATTEND_DATA_DIR={old}" in refused.output
    # Pointed at it, the older folder is the data folder: no warning, its database is read.
    get_settings.cache_clear()
    pointed = runner.invoke(
        app,
        ["kiosk-token", "create", "--name", "cửa-A", "--room", "P1"],
        env={"ATTEND_DATA_DIR": str(old)},
    )
    assert pointed.exit_code == 0, pointed.output
    get_settings.cache_clear()
    listed = runner.invoke(app, ["kiosk-token", "list"], env={**WIDE, "ATTEND_DATA_DIR": str(old)})
    assert listed.exit_code == 0 and "cửa-A" in listed.output
    assert "older database" not in listed.output


def test_a_kiosk_keeps_its_outbox_in_the_data_folder_unless_told(data_dir: Path) -> None:
    settings = get_settings()
    assert kiosk_outbox(settings, None) == data_dir / "kiosk-outbox.sqlite"
    assert kiosk_outbox(settings, Path("elsewhere.sqlite")) == Path("elsewhere.sqlite")
