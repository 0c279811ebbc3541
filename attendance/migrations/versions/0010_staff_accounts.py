"""staff accounts: username and password sign-in, personal tokens, meeting assignments

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:30:00

Every secretary shared the one admin token. Accounts carry a role; a personal API token and a
web sign-in session name their account; teachers and viewers see the meetings they are
assigned to. The admin token and its sessions keep working (token_id stays, now nullable).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "meeting_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "account_id"),
    )
    with op.batch_alter_table("meeting_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_staff_meeting_id"), ["meeting_id"])
        batch_op.create_index(batch_op.f("ix_meeting_staff_account_id"), ["account_id"])
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_api_tokens_account_id"), ["account_id"])
        batch_op.create_foreign_key(
            "fk_api_tokens_account_id",
            "staff_accounts",
            ["account_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.alter_column("token_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_staff_sessions_account_id"), ["account_id"])
        batch_op.create_foreign_key(
            "fk_staff_sessions_account_id",
            "staff_accounts",
            ["account_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    # Sessions of accounts cannot live without a token: they end with the downgrade.
    op.execute("DELETE FROM staff_sessions WHERE token_id IS NULL")
    op.execute("DELETE FROM api_tokens WHERE account_id IS NOT NULL")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_staff_sessions_account_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_staff_sessions_account_id"))
        batch_op.drop_column("account_id")
        batch_op.alter_column("token_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint("fk_api_tokens_account_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_api_tokens_account_id"))
        batch_op.drop_column("account_id")
    with op.batch_alter_table("meeting_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_staff_account_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_staff_meeting_id"))
    op.drop_table("meeting_staff")
    op.drop_table("staff_accounts")
