"""meeting documents, their versions and reads; the conclusion notice's draft

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 14:40:00

Issue 14. A meeting's documents (attached to the meeting or one agenda item), each with its
versions (the file itself lies under the documents folder, named by its SHA-256) and every read
of a version (who, when, how); the draft of the meeting's conclusion notice (thông báo kết
luận) and the secretary's conclusion on each agenda item; an opinion's stance (agree, object,
other) and a participant's reason for being absent, both shown in the notice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("watermark", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_meeting_documents_meeting_id", "meeting_documents", ["meeting_id"])
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["meeting_documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "number", name="uq_document_version_number"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_document_versions_sha256", "document_versions", ["sha256"])
    op.create_table(
        "document_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["meeting_documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["document_versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_document_reads_meeting_id", "document_reads", ["meeting_id"])
    op.create_index("ix_document_reads_document_id", "document_reads", ["document_id"])
    op.create_table(
        "conclusion_notices",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("parent_body", sa.String(length=300), nullable=True),
        sa.Column("issuing_body", sa.String(length=300), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("chair_person_id", sa.Integer(), nullable=True),
        sa.Column("chair", sa.String(length=300), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("opening", sa.Text(), nullable=True),
        sa.Column("closing", sa.Text(), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=True),
        sa.Column("signer_title", sa.String(length=200), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["chair_person_id"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_table(
        "agenda_conclusions",
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agenda_item_id"),
    )
    op.create_index("ix_agenda_conclusions_meeting_id", "agenda_conclusions", ["meeting_id"])
    with op.batch_alter_table("opinions") as batch:
        batch.add_column(sa.Column("stance", sa.String(length=16), nullable=True))
    with op.batch_alter_table("meeting_participants") as batch:
        batch.add_column(sa.Column("absence_reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_participants") as batch:
        batch.drop_column("absence_reason")
    with op.batch_alter_table("opinions") as batch:
        batch.drop_column("stance")
    op.drop_index("ix_agenda_conclusions_meeting_id", table_name="agenda_conclusions")
    op.drop_table("agenda_conclusions")
    op.drop_table("conclusion_notices")
    op.drop_index("ix_document_reads_document_id", table_name="document_reads")
    op.drop_index("ix_document_reads_meeting_id", table_name="document_reads")
    op.drop_table("document_reads")
    op.drop_index("ix_document_versions_sha256", table_name="document_versions")
    op.drop_table("document_versions")
    op.drop_index("ix_meeting_documents_meeting_id", table_name="meeting_documents")
    op.drop_table("meeting_documents")
