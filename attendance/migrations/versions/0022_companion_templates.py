"""a second model's template rides with the template of the same photo (erased with it)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 18:30:00

`face_templates.companion_of`: the template of the second model (dlib, attendance/fusion.py)
made from the same face as a primary (SFace) template points at it, and goes when it goes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    seq = _template_sequence()
    # SQLite rebuilds the table: it must stay AUTOINCREMENT and keep its sequence (0011).
    with op.batch_alter_table(
        "face_templates", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("companion_of", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_face_templates_companion_of"), ["companion_of"])
        batch_op.create_foreign_key(
            "fk_face_templates_companion_of",
            "face_templates",
            ["companion_of"],
            ["id"],
            ondelete="CASCADE",
        )
    _restore_template_sequence(seq)


def downgrade() -> None:
    seq = _template_sequence()
    # Without the column a second model's templates would look like primary ones: gone too.
    op.get_bind().exec_driver_sql("DELETE FROM face_templates WHERE companion_of IS NOT NULL")
    with op.batch_alter_table(
        "face_templates", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint("fk_face_templates_companion_of", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_face_templates_companion_of"))
        batch_op.drop_column("companion_of")
    _restore_template_sequence(seq)


def _template_sequence() -> int | None:
    if op.get_bind().dialect.name != "sqlite":
        return None
    return (
        op.get_bind()
        .exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'face_templates'")
        .scalar()
    )


def _restore_template_sequence(seq: int | None) -> None:
    if seq is None:
        return
    op.get_bind().exec_driver_sql(
        "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'face_templates'", (seq,)
    )
