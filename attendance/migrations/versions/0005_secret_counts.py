"""secret polls keep counters per option instead of a row per choice

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:45:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_secret_counts",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["option_id"], ["poll_options.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("poll_id", "option_id"),
    )
    # Every option of every secret poll gets its counter, holding what was chosen so far.
    op.execute(
        """
        INSERT INTO poll_secret_counts (poll_id, option_id, votes)
        SELECT o.poll_id, o.id,
               (SELECT count(*) FROM poll_secret_choices c WHERE c.option_id = o.id)
        FROM poll_options o JOIN polls p ON p.id = o.poll_id
        WHERE p.secrecy = 'secret'
        """
    )
    with op.batch_alter_table("poll_secret_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_secret_choices_poll_id"))
    op.drop_table("poll_secret_choices")


def downgrade() -> None:
    op.create_table(
        "poll_secret_choices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["option_id"], ["poll_options.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("poll_secret_choices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_poll_secret_choices_poll_id"), ["poll_id"], unique=False
        )
    connection = op.get_bind()
    counts = connection.execute(
        sa.text("SELECT poll_id, option_id, votes FROM poll_secret_counts")
    ).all()
    rows = [
        {"id": secrets.token_hex(16), "poll_id": poll_id, "option_id": option_id}
        for poll_id, option_id, votes in counts
        for _ in range(votes)
    ]
    if rows:
        connection.execute(
            sa.text(
                "INSERT INTO poll_secret_choices (id, poll_id, option_id) "
                "VALUES (:id, :poll_id, :option_id)"
            ),
            rows,
        )
    op.drop_table("poll_secret_counts")
