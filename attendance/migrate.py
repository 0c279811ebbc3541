"""Run Alembic programmatically: `attendance db upgrade` and the server's start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from attendance.template_crypto import TemplateKeys

MIGRATIONS = Path(__file__).parent / "migrations"
KEYS_ATTRIBUTE = "template_keys"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; passwords in URLs may contain it.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", *, template_keys: TemplateKeys | None = None) -> None:
    """`template_keys`: the keyring that seals templates written before they were sealed
    (migration 0013); by default the one settings name."""
    config = alembic_config(url)
    config.attributes[KEYS_ATTRIBUTE] = template_keys
    command.upgrade(config, revision)


def downgrade(url: str, revision: str, *, template_keys: TemplateKeys | None = None) -> None:
    config = alembic_config(url)
    config.attributes[KEYS_ATTRIBUTE] = template_keys
    command.downgrade(config, revision)
