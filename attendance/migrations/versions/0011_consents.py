"""consents: who agreed to their face templates being kept, for what, and which template
was stored under which consent

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00

Existing templates keep `consent_id` NULL and their people have no consent: the people list
flags them ("no consent") until one is recorded; nothing is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("given_by", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=100), nullable=False),
        sa.Column("purposes", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_person_id"), ["person_id"])
    seq = _template_sequence()
    # SQLite rebuilds the table: it must stay AUTOINCREMENT (0009) and keep its sequence, or
    # a deleted newest template's id would be given again (a kiosk would keep the old face).
    with op.batch_alter_table(
        "face_templates", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("consent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_face_templates_consent_id"), ["consent_id"])
        batch_op.create_foreign_key(
            "fk_face_templates_consent_id",
            "consents",
            ["consent_id"],
            ["id"],
            ondelete="SET NULL",
        )
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


def downgrade() -> None:
    seq = _template_sequence()
    with op.batch_alter_table(
        "face_templates", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint("fk_face_templates_consent_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_face_templates_consent_id"))
        batch_op.drop_column("consent_id")
    _restore_template_sequence(seq)
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_person_id"))
    op.drop_table("consents")
