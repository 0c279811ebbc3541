"""secret ballots are sealed rows while the poll is open, counted into the counters at close

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_secret_ballots",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id", "id"),
        sqlite_with_rowid=False,
    )
    # A poll open across the upgrade keeps its earlier ballots in the counters; its first
    # sealed ballot creates its key.
    op.add_column("polls", sa.Column("ballot_key", sa.LargeBinary(), nullable=True))
    op.add_column("polls", sa.Column("ballot_key_check", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Ballots still sealed cannot be opened here, without the master key: refuse rather
    # than drop them.
    sealed = op.get_bind().execute(sa.text("SELECT count(*) FROM poll_secret_ballots")).scalar()
    if sealed:
        raise RuntimeError(
            f"{sealed} secret ballots of open polls are still sealed: close those polls "
            "before downgrading below revision 0007."
        )
    # Not batch mode: on SQLite it would copy and drop `polls`, and with foreign keys on the
    # drop cascades to every poll's options and counters. SQLite 3.35+ drops a column itself.
    op.drop_column("polls", "ballot_key_check")
    op.drop_column("polls", "ballot_key")
    op.drop_table("poll_secret_ballots")
