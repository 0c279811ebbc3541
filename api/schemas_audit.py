"""Wire schemas of the audit chain's check: GET /api/v1/audit/verify."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from attendance.audit_verify import ChainReport


class AuditAnchorRead(BaseModel):
    """The newest chained entry: what `attendance audit anchor` writes, to keep elsewhere."""

    seq: int = Field(description="Its place in the chain; 0 for an empty log.")
    hash: str = Field(description="Its SHA-256, hex.")
    at: datetime | None


class AuditProblemRead(BaseModel):
    kind: str = Field(description="changed, removed or inserted.")
    seq: int | None = Field(description="The place in the chain, where it has one.")
    entry_id: int | None
    message: str = Field(description="What happened, Vietnamese then English.")


class AuditChainRead(BaseModel):
    """The whole chain walked: intact, or the first entry changed, removed or inserted."""

    intact: bool
    entries: int = Field(description="Chained entries walked.")
    head: AuditAnchorRead
    problem: AuditProblemRead | None = None


def audit_chain_read(report: ChainReport) -> AuditChainRead:
    problem = report.problem
    return AuditChainRead(
        intact=report.intact,
        entries=report.entries,
        head=AuditAnchorRead(seq=report.head.seq, hash=report.head.hash, at=report.head.at),
        problem=None
        if problem is None
        else AuditProblemRead(
            kind=problem.kind, seq=problem.seq, entry_id=problem.entry_id, message=problem.message
        ),
    )
