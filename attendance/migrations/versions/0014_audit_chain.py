"""audit chain: every audit entry hash-chained to the one before (seq, prev_hash, hash)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 05:00:00

The audit log was a plain table anyone holding the database could edit. Each entry now
carries its place in the chain (`seq`), the hash of the entry before it and its own
SHA-256 (attendance/audit_chain.py); the one-row `audit_chain_head` names the newest.
Existing entries are chained here in id order. The downgrade drops the chain, not entries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from attendance.audit_chain import GENESIS, HEAD_ID, entry_hash
from attendance.orm import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_seq"), ["seq"], unique=True)
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    seq, digest = _chain_existing()
    op.get_bind().execute(
        sa.text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (:id, :seq, :hash)"),
        {"id": HEAD_ID, "seq": seq, "hash": digest},
    )


def _chain_existing() -> tuple[int, str]:
    """Chain the entries already there, oldest id first; returns the head (seq, hash)."""
    bind = op.get_bind()
    log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", UTCDateTime()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("meeting_id", sa.Integer()),
        sa.column("subject", sa.String()),
        sa.column("detail", sa.Text()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    seq, digest, after = 0, GENESIS, 0
    while True:
        rows = bind.execute(
            sa.select(log).where(log.c.id > after).order_by(log.c.id).limit(BATCH)
        ).all()
        if not rows:
            return seq, digest
        updates = []
        for row in rows:
            seq += 1
            own = entry_hash(
                seq=seq,
                at=row.at,
                actor=row.actor,
                action=row.action,
                meeting_id=row.meeting_id,
                subject=row.subject,
                detail=row.detail,
                prev_hash=digest,
            )
            updates.append({"row_id": row.id, "s": seq, "p": digest, "h": own})
            digest = own
        bind.execute(
            log.update()
            .where(log.c.id == sa.bindparam("row_id"))
            .values(
                seq=sa.bindparam("s"),
                prev_hash=sa.bindparam("p"),
                hash=sa.bindparam("h"),
            ),
            updates,
        )
        after = rows[-1].id


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_seq"))
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
