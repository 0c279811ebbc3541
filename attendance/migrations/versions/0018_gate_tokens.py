"""gate kiosk tokens: a kiosk token may serve a school's gate instead of a room

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 07:50:00

One nullable column: every existing token keeps its room and no gate.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("gate", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("gate")
