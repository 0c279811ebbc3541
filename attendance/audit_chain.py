"""The audit log's hash chain: each entry's SHA-256 covers its content and the hash before it.

`audit.record` writes an entry at once (it is read back in the same transaction) and leaves
it unchained; just before the transaction commits, `chain_on_commit` locks the one-row
`audit_chain_head`, numbers this transaction's new entries after it (`seq`), and hashes them.
The head lock is the last lock a transaction takes and is held only for its commit, so it
cannot close a deadlock cycle with the row locks of check-ins, polls or merges. On SQLite
writers are serialised already. See docs/audit.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timezone

from sqlalchemy import Connection, Table, bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from attendance.orm import AuditChainHead, AuditEntry

logger = logging.getLogger(__name__)

GENESIS = "0" * 64  # the prev_hash of entry seq 1
HEAD_ID = 1
UNCHAINED = "audit_unchained"  # session.info: the entries this transaction recorded
AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def canonical(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    meeting_id: int | None,
    subject: str | None,
    detail: str,
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash covers: JSON, sorted keys, no spaces, UTF-8 as it is, the
    time in UTC to the microsecond, the detail as the text stored."""
    if at.tzinfo is None:
        raise ValueError("naive datetime in an audit entry")
    fields = {
        "seq": seq,
        "at": at.astimezone(timezone.utc).strftime(AT_FORMAT),
        "actor": actor,
        "action": action,
        "meeting_id": meeting_id,
        "subject": subject,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    meeting_id: int | None,
    subject: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical encoding."""
    encoded = canonical(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        meeting_id=meeting_id,
        subject=subject,
        detail=detail,
        prev_hash=prev_hash,
    )
    return hashlib.sha256(encoded).hexdigest()


def remember(session: Session, entry: AuditEntry) -> None:
    """Chain `entry` when this session's transaction commits."""
    session.info.setdefault(UNCHAINED, []).append(entry)


def install(factory: sessionmaker[Session]) -> None:
    """Chain every session's new entries at its commit (db.make_session_factory calls it)."""
    event.listen(factory, "before_commit", chain_on_commit)
    event.listen(factory, "after_soft_rollback", _forget_rolled_back)


def chain_on_commit(session: Session) -> None:
    """Number and hash the entries this transaction recorded, after the chain's head."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the transaction's own commit chains them
    remembered: list[AuditEntry] = session.info.pop(UNCHAINED, [])
    if not remembered:
        return
    session.flush()  # every other write of the transaction first: the head lock comes last
    # A savepoint rolled back since may have taken some away.
    entries = sorted(
        (e for e in remembered if inspect(e).persistent and e.seq is None), key=lambda e: e.id
    )
    if not entries:
        return
    # Core statements on the session's connection, not the ORM's: every check-in's commit.
    connection = session.connection()
    seq, digest = _locked_head(connection)
    chained = []
    for entry in entries:
        own = entry_hash(
            seq=seq + 1,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            meeting_id=entry.meeting_id,
            subject=entry.subject,
            detail=entry.detail,
            prev_hash=digest,
        )
        chained.append({"entry_id": entry.id, "new_seq": seq + 1, "prev": digest, "own": own})
        seq, digest = seq + 1, own
    log = _table(AuditEntry)
    connection.execute(
        update(log)
        .where(log.c.id == bindparam("entry_id"))
        .values(seq=bindparam("new_seq"), prev_hash=bindparam("prev"), hash=bindparam("own")),
        chained,
    )
    head = _table(AuditChainHead)
    connection.execute(update(head).where(head.c.id == HEAD_ID).values(seq=seq, hash=digest))
    for entry, values in zip(entries, chained):  # what the rows now hold, without a reload
        set_committed_value(entry, "seq", values["new_seq"])
        set_committed_value(entry, "prev_hash", values["prev"])
        set_committed_value(entry, "hash", values["own"])


def _locked_head(connection: Connection) -> tuple[int, str]:
    head = _table(AuditChainHead)
    row = connection.execute(
        select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID).with_for_update()
    ).first()
    if row is not None:
        return int(row.seq), str(row.hash)
    # A database made from the ORM rather than the migrations (0014 writes the row).
    log = _table(AuditEntry)
    last = connection.execute(
        select(log.c.seq, log.c.hash).where(log.c.seq.is_not(None)).order_by(log.c.seq.desc())
    ).first()
    seq, digest = (int(last.seq), str(last.hash)) if last is not None else (0, GENESIS)
    connection.execute(insert(head).values(id=HEAD_ID, seq=seq, hash=digest))
    return seq, digest


def _table(mapped: type[AuditEntry] | type[AuditChainHead]) -> Table:
    table = mapped.__table__
    assert isinstance(table, Table)
    return table


def _forget_rolled_back(session: Session, previous_transaction: object) -> None:
    if not session.in_transaction():  # the whole transaction went: nothing left to chain
        session.info.pop(UNCHAINED, None)
