"""Engine and session factory; SQLite gets WAL mode, foreign keys and secure delete."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from attendance import audit_chain
from attendance.documents import store
from attendance.settings import Settings, get_settings
from attendance.template_crypto import SESSION_INFO, TemplateKeys

logger = logging.getLogger(__name__)

FORGET = "forget_deleted_after_commit"
CHECKPOINT_TRIES = 20  # 0.1 s apart: a reader of the live board holds a snapshot briefly
BUSY_MS = 100


def engine_of(settings: Settings) -> Engine:
    """The engine a server worker or a command opens on the configured database, with the
    configured connection pool (ATTEND_DB_POOL_SIZE, ATTEND_DB_MAX_OVERFLOW)."""
    return make_engine(
        settings.db_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow
        )
    if parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets the live board read while a kiosk writes; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows and freed pages are overwritten with zeros, not left in free space:
        # a closed secret poll's sealed ballots must not stay readable in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "savepoint")
    def _begin_before_savepoint(connection: Any, _name: str | None) -> None:
        # Python's sqlite3 opens a transaction only before a write, so a SAVEPOINT sent first
        # would open one of its own and its RELEASE would commit it: an arrival written inside
        # begin_nested() would stay although the request around it rolled back. Begin here
        # (IMMEDIATE: the savepoint is there for a write, so take the write lock now, with the
        # busy timeout, rather than fail to upgrade a read snapshot later).
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def private_file(path: Path) -> None:
    """Faces, votes and names: the database is readable by its owner only. SQLite gives the
    WAL and shared-memory files the database file's own permissions."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    elif path.stat().st_mode & 0o077:
        logger.warning("%s was readable by other users; now owner-only (0600)", path)
        path.chmod(0o600)


def make_session_factory(
    engine: Engine, *, template_keys: TemplateKeys | None = None
) -> sessionmaker[Session]:
    """Sessions that carry the keyring of face templates (by default the one settings name)."""
    keys = template_keys or TemplateKeys.from_settings(get_settings())
    factory = sessionmaker(bind=engine, expire_on_commit=False, info={SESSION_INFO: keys})
    event.listen(factory, "after_commit", _forget_if_asked)
    event.listen(factory, "after_rollback", lambda session: session.info.pop(FORGET, None))
    # A meeting's document files leave the documents folder once their rows' deletion commits.
    event.listen(factory, "after_commit", store.erase_if_asked)
    # An upload whose file a racing deletion's erase unlinked writes it back (store.py).
    event.listen(factory, "after_commit", store.put_back_if_gone)
    event.listen(factory, "after_rollback", store.forget_erase)
    audit_chain.install(factory)  # audit entries are hash-chained as their transaction commits
    return factory


def forget_after_commit(session: Session) -> None:
    """Ask that what this transaction deletes also leave the database's logs once it commits
    (a service never commits; whoever commits the session runs this after)."""
    session.info[FORGET] = True


def _forget_if_asked(session: Session) -> None:
    if session.info.pop(FORGET, False):
        bind = session.get_bind()
        forget_deleted(bind if isinstance(bind, Engine) else bind.engine)


def forget_deleted(engine: Engine) -> bool:
    """Empty the logs that still hold deleted rows: on SQLite, checkpoint the WAL into the
    database file and truncate it; on PostgreSQL, rewrite the secret-ballot tables. Best
    effort after a commit: a failure is logged, never raised. True when it was done."""
    try:
        if engine.dialect.name == "sqlite":
            return _truncate_wal(engine)
        if engine.dialect.name == "postgresql":
            # FULL: a plain VACUUM frees dead rows' space but leaves their bytes in the page.
            # Both tables are small (open polls' ballots, one row per poll): the exclusive
            # lock lasts milliseconds, and is given up rather than queued for long.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("SET lock_timeout = '2s'")
                connection.exec_driver_sql("VACUUM FULL poll_secret_ballots, polls")
            return True
    except SQLAlchemyError as exc:
        logger.warning("could not purge deleted rows from the database's logs: %s", exc)
    return False


def _truncate_wal(engine: Engine) -> bool:
    with engine.connect() as connection:
        run = connection.exec_driver_sql
        # The connection's usual busy timeout (30 s) would hold up the request that closed.
        usual = int(run("PRAGMA busy_timeout").scalar_one())
        run(f"PRAGMA busy_timeout={BUSY_MS}")
        try:
            for _ in range(CHECKPOINT_TRIES):
                if not run("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]:  # not busy: emptied
                    return True
                time.sleep(0.1)
        finally:
            run(f"PRAGMA busy_timeout={usual}")
    logger.warning(
        "the WAL could not be emptied after a secret poll closed (a reader held the database "
        "for %.0f s): run PRAGMA wal_checkpoint(TRUNCATE) when it is idle",
        CHECKPOINT_TRIES * (0.1 + BUSY_MS / 1000),
    )
    return False


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Commit when the block succeeds, roll back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
