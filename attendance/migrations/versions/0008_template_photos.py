"""template photos: each face template keeps a small crop of its face and the photo's name

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("face_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crop_jpeg", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("photo_name", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("face_templates", schema=None) as batch_op:
        batch_op.drop_column("photo_name")
        batch_op.drop_column("crop_jpeg")
