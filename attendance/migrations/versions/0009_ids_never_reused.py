"""ids are never reused on SQLite: a deleted photo's, person's or meeting's id is not given again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:55:00

SQLite gives a new row the highest id + 1, so deleting the newest row handed its id to the
next one: a kiosk that held the deleted face template under that id kept it (it fetches only
ids it lacks), and the audit log named the next person or meeting. AUTOINCREMENT tables
never reuse an id. PostgreSQL's sequences never did; nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Every table with an integer id of its own (the ORM sets sqlite_autoincrement on each).
TABLES = (
    "people",
    "face_templates",
    "meetings",
    "attendance_events",
    "api_tokens",
    "audit_log",
    "agenda_items",
    "board_links",
    "polls",
    "poll_options",
    "poll_voters",
    "proxies",
    "voting_passes",
    "review_items",
    "staff_sessions",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # The table is copied, dropped and renamed (migrations/env.py turns foreign keys off for
    # this, or dropping `people` would delete every row that refers to it).
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
