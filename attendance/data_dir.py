"""Where the data and the configuration live: per user, whatever the current folder is.

The XDG base directories (the same on every Linux box, and what a systemd service's
StateDirectory or a container volume maps to with ATTEND_DATA_DIR): the data under
$XDG_DATA_HOME/attendance (~/.local/share/attendance), the configuration and the secret
ballots' master key under $XDG_CONFIG_HOME/attendance (~/.config/attendance), apart from the
data so that a copy of the data folder holds no key that opens its secret ballots.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

APP = "attendance"
DB_FILE = "attendance.db"
ENV_FILE = "attendance.env"
KEY_FILE = "attendance.key"
TEMPLATE_KEY_FILE = "templates.key"  # the keyring of face templates (template_crypto)
OUTBOX_FILE = "kiosk-outbox.sqlite"  # a kiosk's check-ins waiting for the server


def _xdg(environ: Mapping[str, str], variable: str, fallback: tuple[str, ...]) -> Path:
    # The specification ignores a relative value: it would depend on the current folder.
    value = environ.get(variable, "")
    base = Path(value) if value and Path(value).is_absolute() else Path.home().joinpath(*fallback)
    return base / APP


def default_data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME/attendance, else ~/.local/share/attendance."""
    return _xdg(environ, "XDG_DATA_HOME", (".local", "share"))


def default_config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_CONFIG_HOME/attendance, else ~/.config/attendance."""
    return _xdg(environ, "XDG_CONFIG_HOME", (".config",))


def default_key_file() -> Path:
    return default_config_dir() / KEY_FILE


def default_template_key_file() -> Path:
    return default_config_dir() / TEMPLATE_KEY_FILE


def env_files() -> tuple[Path, ...]:
    """The .env files settings are read from; a later one wins, environment variables win
    over both: the configuration folder's attendance.env, then ./.env in the current folder."""
    return (default_config_dir() / ENV_FILE, Path(".env"))


def sqlite_file(db_url: str) -> Path | None:
    """The file of an SQLite URL, absolute; None for another database or one in memory."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().absolute()


def describe_database(db_url: str) -> str:
    """What to tell a person: the SQLite file, or the URL without its password."""
    path = sqlite_file(db_url)
    return str(path) if path else make_url(db_url).render_as_string(hide_password=True)
