"""`attendance db copy --to postgresql://...`: an SQLite installation moved to PostgreSQL.

Every table of the schema, parents before children, in primary-key order and in batches,
into a PostgreSQL database without any table (checked before anything is written), migrated
to the same revision, all in one transaction:
the target holds the whole copy or nothing. Values pass through the ORM's column types
(times stay UTC, sealed templates and ballots stay the same bytes); each sequence then
starts past the highest id SQLite ever gave (ids are never reused, migration 0009). The row
counts are compared inside the transaction, the audit chain walked after it.

The documents folder is not copied and need not be: its files are named by their SHA-256,
which the copied rows keep, so the server on PostgreSQL finds them where they are (the same
data folder, ATTEND_DOCUMENTS__DIR). Another machine, or several, need that same folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Integer, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from attendance.audit_verify import verify_chain
from attendance.backup_documents import named_files
from attendance.backup_manifest import revision_of, row_counts
from attendance.errors import Conflict, Invalid
from attendance.migrate import upgrade
from attendance.orm import Base
from attendance.restore import SEEDED

logger = logging.getLogger(__name__)

BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]
    audit_entries: int
    revision: str | None
    documents: int = 0  # files the copied rows name, left in the documents folder


def postgres_url(url: str) -> str:
    """`postgresql://...` as given by people and libpq, with the driver this package uses."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise Invalid(
            f"--to phải là một cơ sở dữ liệu PostgreSQL (postgresql://...), không phải "
            f"{parsed.get_backend_name()}. --to must be a PostgreSQL database "
            f"(postgresql://...), not {parsed.get_backend_name()}."
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy the (migrated) SQLite database at `source_url` into the PostgreSQL database at
    `target_url`, which must hold no table at all; it is migrated to head first."""
    if make_url(source_url).get_backend_name() != "sqlite":
        raise Invalid(
            "Cơ sở dữ liệu đang cấu hình không phải SQLite. The configured database is not SQLite."
        )
    target_url = postgres_url(target_url)
    source = create_engine(source_url)
    target = create_engine(target_url)
    try:
        source_chain = verify_chain(source)
        if source_chain.problem is not None:
            raise Invalid(source_chain.problem.message)
        _refuse_unless_bare(target)
        upgrade(target_url)
        with source.connect() as reading, target.connect() as writing:
            # One snapshot of the source: a deferred BEGIN holds it from the first read.
            reading.exec_driver_sql("BEGIN")
            try:
                with writing.begin():
                    if revision_of(reading) != revision_of(writing):
                        raise Invalid(
                            "Hai cơ sở dữ liệu khác phiên bản. The two databases' revisions differ."
                        )
                    rows = _copy_all(reading, writing)
                    documents = len(named_files(reading))
            finally:
                reading.exec_driver_sql("ROLLBACK")
        copied = verify_chain(target)
        if copied.problem is not None:
            raise Invalid(copied.problem.message)
        if (copied.head.seq, copied.head.hash) != (source_chain.head.seq, source_chain.head.hash):
            raise Invalid(
                "Nhật ký bản sao không kết thúc ở mục cuối của nguồn. "
                "The copy's audit log does not end at the source's last entry."
            )
        with target.connect() as connection:
            revision = revision_of(connection)
        return CopyReport(rows, copied.entries, revision, documents)
    finally:
        source.dispose()
        target.dispose()


def _refuse_unless_bare(target: Engine) -> None:
    """Before anything is written (the migrations included): no table at all, in any schema
    the role can see, ours (alembic_version too) or another application's."""
    with target.connect() as connection:
        tables = (
            connection.exec_driver_sql(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
                "ORDER BY 1 LIMIT 8"
            )
            .scalars()
            .all()
        )
    if tables:
        listed = ", ".join(tables)
        raise Conflict(
            f"Cơ sở dữ liệu đích đã có bảng ({listed}): cần một cơ sở dữ liệu mới, trống "
            "(CREATE DATABASE); không ghi gì vào nó. "
            f"The target database already has tables ({listed}): a new, empty database is "
            "needed (CREATE DATABASE); nothing was written to it."
        )


def _copy_all(reading: Connection, writing: Connection) -> dict[str, int]:
    held = {n: c for n, c in row_counts(writing).items() if c and n not in SEEDED}
    if held:
        listed = ", ".join(f"{name} {n}" for name, n in sorted(held.items())[:8])
        raise Conflict(
            f"Cơ sở dữ liệu đích đã có dữ liệu ({listed}): cần một cơ sở dữ liệu trống. "
            f"The target database holds data ({listed}): an empty one is needed."
        )
    for name in SEEDED:
        writing.execute(Base.metadata.tables[name].delete())
    used = _sqlite_sequences(reading)
    for table in Base.metadata.sorted_tables:
        try:
            _copy_table(reading, writing, table)
        except DBAPIError as exc:
            raise Invalid(
                f"Không chép được bảng {table.name}: {exc.orig}. "
                f"Cannot copy the table {table.name}: {exc.orig}."
            ) from exc
        _reset_sequence(writing, table, used.get(table.name, 0))
    source_counts, target_counts = row_counts(reading), row_counts(writing)
    if source_counts != target_counts:
        wrong = {t: (n, target_counts.get(t)) for t, n in source_counts.items()}
        raise Invalid(f"Số dòng khác nhau: {wrong}. Row counts differ: {wrong}.")
    return target_counts


def _copy_table(reading: Connection, writing: Connection, table: Table) -> None:
    order = list(table.primary_key.columns) or list(table.columns)
    result = reading.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for batch in result.partitions(BATCH):
        writing.execute(table.insert(), [dict(row._mapping) for row in batch])


def _sqlite_sequences(reading: Connection) -> dict[str, int]:
    """The highest id each AUTOINCREMENT table ever gave, deleted rows included."""
    exists = reading.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
    ).first()
    if exists is None:
        return {}
    rows = reading.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all()
    return {str(name): int(seq) for name, seq in rows}


def _reset_sequence(writing: Connection, table: Table, used: int) -> None:
    columns = list(table.primary_key.columns)
    if len(columns) != 1 or not isinstance(columns[0].type, Integer):
        return
    column = columns[0]
    sequence = writing.execute(
        select(func.pg_get_serial_sequence(f'"{table.name}"', column.name))
    ).scalar()
    if sequence is None:
        return
    highest = max(used, int(writing.execute(select(func.max(column))).scalar() or 0))
    if highest:
        writing.execute(text("SELECT setval(:s, :v, true)"), {"s": sequence, "v": highest})
