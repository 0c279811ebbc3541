"""One data folder whatever the current folder is; the master key and settings file apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from attendance.data_dir import default_config_dir, default_data_dir
from attendance.leftovers import kiosk_leftovers, server_leftovers
from attendance.settings import ModelSettings, Settings, get_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home folder and a current folder of their own; no ATTEND_ or XDG_ variables."""
    for name in ("ATTEND_DATA_DIR", "ATTEND_DB_URL", "ATTEND_SECRET_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    here = tmp_path / "somewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_the_default_data_folder_does_not_depend_on_the_current_folder(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = home / ".local" / "share" / "attendance"
    first = Settings()
    monkeypatch.chdir(home.parent)
    second = Settings()
    for settings in (first, second):
        assert settings.data_dir == data
        assert settings.db_url == f"sqlite:///{data / 'attendance.db'}"
        assert settings.models.dir == data / "models"
        assert settings.models.cache_dir == data / "model-cache"
        # The master key lives apart: a copy of the data folder opens no secret ballot.
        assert settings.secret_key_file == home / ".config" / "attendance" / "attendance.key"
        assert not settings.secret_key_file.is_relative_to(data)


def test_xdg_folders_are_followed_when_absolute(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert default_data_dir() == tmp_path / "xdg-data" / "attendance"
    assert default_config_dir() == tmp_path / "xdg-config" / "attendance"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")  # the specification ignores it
    assert default_data_dir() == home / ".local" / "share" / "attendance"


def test_attend_data_dir_moves_everything_and_attend_db_url_the_database_only(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTEND_DATA_DIR", "relative")  # read against the current folder, once
    settings = Settings()
    data = Path.cwd() / "relative"
    assert settings.data_dir == data
    assert settings.db_url == f"sqlite:///{data / 'attendance.db'}"
    assert settings.models.cache_dir == data / "model-cache"

    monkeypatch.setenv("ATTEND_DB_URL", "postgresql+psycopg://u:p@db/attendance")
    monkeypatch.setenv("ATTEND_MODELS__DIR", str(tmp_path / "packs"))
    settings = Settings()
    assert settings.db_url == "postgresql+psycopg://u:p@db/attendance"
    assert settings.models.dir == tmp_path / "packs"  # given: kept
    assert settings.models.cache_dir == data / "model-cache"  # not given: in the data folder
    given = Settings(models=ModelSettings(cache_dir=tmp_path / "cache"))
    assert (given.models.cache_dir, given.models.dir) == (tmp_path / "cache", data / "models")


def test_settings_files_the_configuration_folder_then_the_current_folder(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = home / ".config" / "attendance"
    config.mkdir(parents=True)
    (config / "attendance.env").write_text(
        f"ATTEND_DATA_DIR={tmp_path / 'from-config'}\nATTEND_TIMEZONE=Asia/Bangkok\n"
    )
    assert get_settings().data_dir == tmp_path / "from-config"
    get_settings.cache_clear()
    (Path.cwd() / ".env").write_text("ATTEND_TIMEZONE=UTC\n")
    settings = get_settings()
    assert (settings.data_dir, settings.timezone) == (tmp_path / "from-config", "UTC")
    get_settings.cache_clear()
    monkeypatch.setenv("ATTEND_TIMEZONE", "Asia/Tokyo")  # the environment wins over both
    assert get_settings().timezone == "Asia/Tokyo"


def test_older_files_in_the_current_folder_are_named_not_ignored(home: Path) -> None:
    here = Path.cwd()
    settings = Settings()
    assert server_leftovers(settings) == []
    (here / "data" / "models" / "buffalo_l").mkdir(parents=True)
    (here / "data" / "attendance.db").touch()
    (here / "data" / "kiosk-outbox.sqlite").touch()
    (here / "keys").mkdir()
    (here / "keys" / "attendance.key").write_text("k" * 43)
    found = server_leftovers(settings)
    assert len(found) == 3
    database, models, key = found
    assert f"ATTEND_DATA_DIR={here / 'data'}" in database and "older database" in database
    assert "ATTEND_MODELS__DIR" in models and str(here / "data" / "models") in models
    assert f"ATTEND_SECRET_KEY_FILE={here / 'keys' / 'attendance.key'}" in key
    outbox = settings.data_dir / "kiosk-outbox.sqlite"
    assert any("--outbox" in w for w in kiosk_leftovers(settings, outbox))
    # The older folder named as the data folder (and the key file) is in use: nothing to say.
    used = Settings(data_dir=here / "data", secret_key_file=here / "keys" / "attendance.key")
    assert server_leftovers(used) == []
    assert kiosk_leftovers(used, used.data_dir / "kiosk-outbox.sqlite") == []
