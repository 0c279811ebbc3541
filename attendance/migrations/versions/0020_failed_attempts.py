"""failed credentials and account locks in the database: every worker counts them all

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 11:05:00

Two small tables the throttle and the account locks keep (they were in each process's memory).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_failed_attempts_kind_subject_at", "failed_attempts", ["kind", "subject", "at"]
    )
    op.create_index("ix_failed_attempts_kind_at", "failed_attempts", ["kind", "at"])
    op.create_table(
        "account_locks",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=False),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )


def downgrade() -> None:
    op.drop_table("account_locks")
    op.drop_index("ix_failed_attempts_kind_at", table_name="failed_attempts")
    op.drop_index("ix_failed_attempts_kind_subject_at", table_name="failed_attempts")
    op.drop_table("failed_attempts")
