"""Walking the audit chain: is every entry still there, unchanged, with nothing slipped in?

Read in one snapshot, entry by entry in `seq` order: each entry's hash is computed again
and must match the one stored, and its `prev_hash` must be the hash of the entry before
it. The first entry that fails names what happened to it (changed, removed, inserted).
The newest entries can be cut off without breaking the chain; the head row and, better,
an anchor kept elsewhere (`anchor`) catch that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Engine, select

from attendance.audit_chain import AT_FORMAT, GENESIS, HEAD_ID, entry_hash
from attendance.orm import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)

CHANGED, REMOVED, INSERTED = "changed", "removed", "inserted"
BATCH = 2000


@dataclass(frozen=True)
class Problem:
    """The first entry that is not as chained: what happened and a bilingual sentence."""

    kind: str  # CHANGED, REMOVED or INSERTED
    seq: int | None
    entry_id: int | None
    message: str


@dataclass(frozen=True)
class Anchor:
    """The newest chained entry: kept elsewhere, it proves later that nothing was cut off."""

    seq: int
    hash: str
    at: datetime | None

    def as_json(self) -> dict[str, Any]:
        at = None if self.at is None else self.at.strftime(AT_FORMAT)
        return {"seq": self.seq, "hash": self.hash, "at": at}


@dataclass(frozen=True)
class ChainReport:
    entries: int  # chained entries walked
    head: Anchor
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain(engine: Engine, *, anchor: Anchor | None = None) -> ChainReport:
    """Walk the whole chain; with an anchor, the anchored entry must still be in it."""
    with _snapshot(engine) as connection:
        head_row = connection.execute(
            select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
        ).first()
        walked, last, problem = _walk(connection, anchor)
        if problem is None and head_row is None and walked:
            problem = Problem(
                REMOVED,
                None,
                None,
                "Dòng đầu chuỗi (bảng audit_chain_head) đã bị xóa. "
                "The chain's head row (table audit_chain_head) was removed.",
            )
        elif problem is None and head_row is not None:
            problem = _against_head(last, head_row.seq, head_row.hash)
        if problem is None and anchor is not None and anchor.seq > last.seq:
            problem = Problem(
                REMOVED,
                anchor.seq,
                None,
                f"Mục số {anchor.seq} đã neo không còn: các mục mới nhất sau số {last.seq} đã "
                f"bị xóa. The anchored entry seq {anchor.seq} is gone: the newest entries "
                f"after seq {last.seq} were removed.",
            )
        if problem is None:
            problem = _unchained(connection)
    return ChainReport(entries=walked, head=last, problem=problem)


def chain_head(engine: Engine) -> Anchor:
    """The newest chained entry (seq 0 and the genesis hash for an empty log)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(AuditEntry.seq, AuditEntry.hash, AuditEntry.at)
            .where(AuditEntry.seq.is_not(None))
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
    if row is None:
        return Anchor(0, GENESIS, None)
    return Anchor(int(row.seq), str(row.hash), row.at)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent view of the log and its head while writers go on."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
        else:
            # Python's sqlite3 begins no transaction for a read: every SELECT would see its
            # own moment. A deferred BEGIN holds one WAL snapshot from the first read on.
            connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                connection.exec_driver_sql("ROLLBACK")


def _walk(connection: Connection, anchor: Anchor | None) -> tuple[int, Anchor, Problem | None]:
    table = AuditEntry.__table__
    rows = connection.execution_options(yield_per=BATCH).execute(
        select(table).where(table.c.seq.is_not(None)).order_by(table.c.seq)
    )
    walked, last, before = 0, Anchor(0, GENESIS, None), None
    for row in rows:
        problem = _check(row, last, before)
        if (
            problem is None
            and anchor is not None
            and (row.seq, row.hash)
            != (
                anchor.seq,
                anchor.hash,
            )
        ):
            problem = _against_anchor(row, anchor)
        if problem is not None:
            return walked, last, problem
        walked += 1
        last, before = Anchor(int(row.seq), str(row.hash), row.at), row
    return walked, last, None


def _against_anchor(row: Any, anchor: Anchor) -> Problem | None:
    if row.seq != anchor.seq:
        return None
    return Problem(
        CHANGED,
        row.seq,
        row.id,
        f"Mục số {row.seq} (id {row.id}) không phải mục đã neo: đã bị thay. "
        f"Entry seq {row.seq} (id {row.id}) is not the anchored one: it was replaced.",
    )


def _check(row: Any, last: Anchor, before: Any) -> Problem | None:
    name = f"(id {row.id})"
    if row.seq > last.seq + 1:
        missing = f"{last.seq + 1}" if row.seq == last.seq + 2 else f"{last.seq + 1}..{row.seq - 1}"
        return Problem(
            REMOVED,
            last.seq + 1,
            None,
            f"Thiếu mục số {missing}, trước mục số {row.seq} {name}: đã bị xóa. "
            f"Entry seq {missing} is missing before entry seq {row.seq} {name}: removed.",
        )
    computed = entry_hash(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        meeting_id=row.meeting_id,
        subject=row.subject,
        detail=row.detail,
        prev_hash=row.prev_hash or "",
    )
    if computed != row.hash:
        return Problem(
            CHANGED,
            row.seq,
            row.id,
            f"Mục số {row.seq} {name} đã bị sửa: nội dung không khớp mã băm của nó. "
            f"Entry seq {row.seq} {name} was changed: its content does not match its hash.",
        )
    if row.prev_hash != last.hash:
        if before is None:
            return Problem(
                REMOVED,
                row.seq,
                row.id,
                f"Mục số {row.seq} {name} không nối với mục trước nó: các mục trước đã bị xóa. "
                f"Entry seq {row.seq} {name} is not chained to the one before: earlier "
                "entries were removed.",
            )
        return Problem(
            INSERTED,
            before.seq,
            before.id,
            f"Mục số {before.seq} (id {before.id}) không phải mục mà mục số {row.seq} {name} "
            f"được nối vào: nó đã bị chèn hoặc thay. Entry seq {before.seq} (id {before.id}) "
            f"is not the one entry seq {row.seq} {name} was chained to: it was inserted or "
            "replaced.",
        )
    return None


def _against_head(last: Anchor, head_seq: int, head_hash: str) -> Problem | None:
    if head_seq > last.seq:
        return Problem(
            REMOVED,
            last.seq + 1,
            None,
            f"Chuỗi dừng ở mục số {last.seq} nhưng đầu chuỗi ghi số {head_seq}: các mục mới "
            f"nhất đã bị xóa. The chain ends at seq {last.seq} but its head says seq "
            f"{head_seq}: the newest entries were removed.",
        )
    if head_seq < last.seq:
        return Problem(
            INSERTED,
            head_seq + 1,
            None,
            f"Các mục từ số {head_seq + 1} nằm sau đầu chuỗi (số {head_seq}): đã bị chèn. "
            f"The entries from seq {head_seq + 1} lie past the chain's head (seq {head_seq}): "
            "inserted.",
        )
    if head_hash != last.hash:
        return Problem(
            INSERTED,
            last.seq,
            None,
            f"Mục mới nhất (số {last.seq}) không phải mục đầu chuỗi ghi: đã bị thay. "
            f"The newest entry (seq {last.seq}) is not the one the chain's head names: "
            "replaced.",
        )
    return None


def _unchained(connection: Connection) -> Problem | None:
    row = connection.execute(
        select(AuditEntry.id).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id).limit(1)
    ).first()
    if row is None:
        return None
    return Problem(
        INSERTED,
        None,
        int(row.id),
        f"Mục id {row.id} không có chỗ trong chuỗi: đã bị chèn vào sau. "
        f"Entry id {row.id} has no place in the chain: it was inserted.",
    )


def parse_anchor(data: object) -> Anchor:
    """An anchor as `Anchor.as_json` wrote it; ValueError when it is not one."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    seq, digest, at = data.get("seq"), data.get("hash"), data.get("at")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ValueError("'seq' is not a whole number")
    if not isinstance(digest, str) or len(digest) != len(GENESIS):
        raise ValueError("'hash' is not a SHA-256 in hex")
    when = None
    if at is not None:
        if not isinstance(at, str):
            raise ValueError("'at' is not a time")
        when = datetime.strptime(at, AT_FORMAT).replace(tzinfo=timezone.utc)
    return Anchor(seq, digest.lower(), when)
