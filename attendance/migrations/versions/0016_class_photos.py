"""class photos: a pending photo's faces, proposed matches and unknown faces' crops

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:45:00

Only a new table: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_photos",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("taken_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("faces_json", sa.Text(), nullable=False),
        sa.Column("crops_json", sa.Text(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_class_photos_meeting_id", "class_photos", ["meeting_id"])
    op.create_index("ix_class_photos_expires_at", "class_photos", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_class_photos_expires_at", table_name="class_photos")
    op.drop_index("ix_class_photos_meeting_id", table_name="class_photos")
    op.drop_table("class_photos")
