"""What the command line's commands share: the console, logging, the local services."""

from __future__ import annotations

import logging

from rich.console import Console

from api.services import Services
from attendance.settings import get_settings

console = Console()


def setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def local_services() -> Services:
    """The database and settings of this machine, migrated, without a server."""
    from attendance.db import make_engine, make_session_factory
    from attendance.migrate import upgrade

    settings = get_settings()
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    return Services(settings=settings, engine=engine, sessions=make_session_factory(engine))
