"""Rotating the face template key while servers run: a new current key, every row sealed
again in short batches, and an old key dropped from the file only once no row uses it.

Why no row is left under an old key: a running server re-reads the key file at most a second
after it changed (attendance/template_crypto.py), so after `grace` seconds (that second and
the few a write transaction takes) nothing new is sealed under an old key. Rows sealed again
meanwhile are caught by the passes that follow; the key goes only after a pass that began
after the grace found no row under it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, literal_column, select, update
from sqlalchemy.orm import Session, sessionmaker

from attendance import audit
from attendance.db import unit_of_work
from attendance.errors import DomainError
from attendance.orm import FaceTemplate
from attendance.template_crypto import KEY_ID_BYTES, RECHECK_SECONDS, TemplateKeys
from attendance.template_keyfile import key_id_of, new_secret, read_key_file, write_key_file

logger = logging.getLogger(__name__)

BATCH = 500  # rows per transaction: a server's writes wait for one batch at most
GRACE_SECONDS = RECHECK_SECONDS + 4.0  # a server's stale second, and a write transaction


@dataclass
class RotationReport:
    new_key: str
    resealed: int = 0
    dropped: list[str] = field(default_factory=list)
    kept: dict[str, int] = field(default_factory=dict)  # old keys some (damaged) rows still name
    damaged: list[int] = field(default_factory=list)


def _key_id() -> ColumnElement[bytes]:
    # After the version byte. Literal positions, not bound parameters: PostgreSQL takes
    # `GROUP BY substr(embedding, $3, $4)` for another expression than the selected
    # `substr(embedding, $1, $2)` and refuses the query.
    start: ColumnElement[int] = literal_column("2")
    length: ColumnElement[int] = literal_column(str(KEY_ID_BYTES))
    return func.substr(FaceTemplate.embedding, start, length)


def keys_in_use(session: Session) -> dict[str, int]:
    """How many templates each key seals (key id -> rows)."""
    rows = session.execute(select(_key_id(), func.count()).group_by(_key_id())).all()
    return {bytes(key).hex(): int(count) for key, count in rows}


@dataclass(frozen=True)
class Batch:
    last_id: int  # 0: nothing left past the id asked from
    looked: int  # rows under another key, damaged ones included
    resealed: int  # sealed again; a row changed meanwhile (a merge) is not: look again
    damaged: list[int]


def reseal_batch(
    session: Session, keys: TemplateKeys, *, after_id: int, batch: int = BATCH
) -> Batch:
    """Up to `batch` templates past `after_id` that another key seals, sealed again under
    the current one."""
    current = bytes.fromhex(keys.keyset().current)
    rows = session.execute(
        select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding)
        .where(FaceTemplate.id > after_id, _key_id() != current)
        .order_by(FaceTemplate.id)
        .limit(batch)
    ).all()
    resealed, damaged = 0, []
    for template_id, person_id, blob in rows:
        try:
            vector = keys.open(blob, person_id=person_id, template_id=template_id)
        except DomainError as exc:
            if exc.code != "TEMPLATE_DAMAGED":
                raise
            damaged.append(template_id)
            continue
        sealed = keys.seal(vector, person_id=person_id, template_id=template_id)
        changed = session.execute(
            update(FaceTemplate)
            .where(
                FaceTemplate.id == template_id,
                FaceTemplate.person_id == person_id,
                FaceTemplate.embedding == blob,
            )
            .values(embedding=sealed)
            .execution_options(synchronize_session=False)
        )
        resealed += int(changed.rowcount)  # type: ignore[attr-defined]
    session.flush()
    return Batch(rows[-1][0] if rows else 0, len(rows), resealed, damaged)


def rotate_keys(
    factory: sessionmaker[Session],
    keys: TemplateKeys,
    *,
    actor: str,
    batch: int = BATCH,
    grace: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> RotationReport:
    """A new current key (in the file; with ATTEND_KEY, the first key given is current),
    every template sealed under it, and old keys no row uses dropped from the file."""
    if keys.from_file:
        assert keys.path is not None
        held = keys.reload()  # as the file holds them now (created if there was none)
        secret = new_secret()
        listed = {**held.secrets, key_id_of(secret): secret}
        write_key_file(keys.path, current=key_id_of(secret), secrets_by_id=listed)
    grace = GRACE_SECONDS if grace is None else grace
    report = RotationReport(new_key=keys.reload().current)
    started = clock()
    logger.info("template key %s is current: sealing every template again", report.new_key)
    damaged: set[int] = set()
    while True:
        pass_began = clock()
        found = _reseal_all(factory, keys, batch, report, damaged)
        if not found and pass_began - started >= grace:
            break
        if not found:
            sleep(min(0.5, max(0.0, grace - (clock() - started))))
    report.damaged = sorted(damaged)
    with unit_of_work(factory) as session:
        in_use = keys_in_use(session)
    report.kept = {k: n for k, n in in_use.items() if k != report.new_key}
    held = read_key_file(keys.path) if keys.path is not None else keys.keyset()
    report.dropped = sorted(k for k in held.secrets if k not in in_use and k != held.current)
    if keys.path is not None:  # with ATTEND_KEY, the report says which keys may go from it
        remaining = {k: s for k, s in held.secrets.items() if k not in report.dropped}
        write_key_file(keys.path, current=held.current, secrets_by_id=remaining)
        keys.reload()
    with unit_of_work(factory) as session:
        audit.record(
            session,
            actor=actor,
            action="keys_rotated",
            subject=f"key:{report.new_key}",
            detail={  # key ids only, never key material
                "new_key": report.new_key,
                "resealed": report.resealed,
                "dropped": report.dropped,
                "kept": report.kept,
                "damaged": report.damaged,
            },
        )
    logger.info("template keys rotated: %d sealed again", report.resealed)
    return report


def _reseal_all(
    factory: sessionmaker[Session],
    keys: TemplateKeys,
    batch: int,
    report: RotationReport,
    damaged: set[int],
) -> bool:
    """One pass over the table in short transactions; True when any row needed sealing."""
    after_id, found = 0, False
    while True:
        with unit_of_work(factory) as session:
            done = reseal_batch(session, keys, after_id=after_id, batch=batch)
        report.resealed += done.resealed
        found |= done.looked > len(set(done.damaged) & damaged)  # more than known damage
        damaged.update(done.damaged)
        after_id = done.last_id
        if not after_id:
            return found
