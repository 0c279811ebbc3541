"""What the command line's commands share: the console, logging, the local services."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from api.services import Services
from attendance.data_dir import OUTBOX_FILE, describe_database, sqlite_file
from attendance.errors import DomainError, NotFound
from attendance.leftovers import server_leftovers
from attendance.settings import Settings, get_settings

logger = logging.getLogger(__name__)

console = Console()
# Warnings and refusals: what a command prints on stdout (identify's JSON) stays clean.
errors = Console(stderr=True, soft_wrap=True)


def setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def warn(text: str) -> None:
    errors.print(f"[yellow]{escape(text)}")


def refuse(text: str, status: int = 2) -> typer.Exit:
    """Print why in red; the caller raises what this returns (exit status 2 by default)."""
    errors.print(f"[red]{escape(text)}")
    return typer.Exit(status)


def database_in_use(settings: Settings) -> str:
    label = describe_database(settings.db_url)
    return f"Cơ sở dữ liệu đang dùng: {label}. Database in use: {label}."


def domain_refusal(exc: DomainError, settings: Settings) -> typer.Exit:
    """A refused command; what was not found is looked for in a database this names."""
    if isinstance(exc, NotFound):
        return refuse(f"{exc.message} {database_in_use(settings)}")
    return refuse(exc.message)


def require_database(settings: Settings) -> None:
    """Commands that only read refuse (exit 2) when the database file does not exist, rather
    than create an empty one and report that nothing is in it."""
    path = sqlite_file(settings.db_url)
    if path is None or path.exists():
        return
    raise refuse(
        f"Không có cơ sở dữ liệu {path}: không có gì để đọc, và lệnh này không tạo mới. Nếu "
        "dữ liệu ở nơi khác, hãy chỉ tới đó bằng ATTEND_DATA_DIR (thư mục chứa attendance.db) "
        "hoặc ATTEND_DB_URL. "
        f"There is no database at {path}: nothing to read, and this command creates none. "
        "If the data is elsewhere, point to it with ATTEND_DATA_DIR (the folder holding "
        "attendance.db) or ATTEND_DB_URL."
    )


def kiosk_outbox(settings: Settings, given: Path | None) -> Path:
    """--outbox, else kiosk-outbox.sqlite in the data folder."""
    return given or settings.data_dir / OUTBOX_FILE


def local_services(*, create: bool = True) -> Services:
    """The database and settings of this machine, migrated, without a server. With
    create=False (commands that only read) a database that does not exist is refused."""
    from attendance.db import engine_of, make_session_factory
    from attendance.migrate import upgrade
    from attendance.template_crypto import TemplateKeys

    settings = get_settings()
    for warning in server_leftovers(settings):
        warn(warning)
    if not create:
        require_database(settings)
    keys = TemplateKeys.from_settings(settings)
    upgrade(settings.db_url, template_keys=keys)
    engine = engine_of(settings)
    sessions = make_session_factory(engine, template_keys=keys)
    return Services(settings=settings, engine=engine, sessions=sessions)
