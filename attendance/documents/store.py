"""The documents folder: each file once, named by the SHA-256 of its bytes.

A version's row names its file by that hash. A file is written (to a temporary name, synced,
then renamed) before the row that names it commits, so a committed row always finds its file;
a file whose row never committed, or whose rows were deleted, is an orphan: it is unlinked
after the deleting transaction commits (`erase_after_commit`), and `sweep` removes any left by
a crash. Files and folders are the owner's only (0600/0700), like the database.

Files are shared by hash, so a deletion's erase can meet an upload of the same bytes whose
row is flushed but not committed: the erase, seeing only committed rows, unlinks the file the
upload is about to name. The two take turns on the folder's lock file (`folder_lock`): the
erase holds it while it reads the rows and unlinks, and the upload, once its transaction has
committed, takes it and writes its bytes back if they are gone (`keep_after_commit`). Either
the erase reads the upload's committed row and keeps the file, or it unlinks before the
upload's check, which then finds the file gone and puts it back.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from attendance.durable import fsync_folder

logger = logging.getLogger(__name__)

SHA256 = re.compile(r"^[0-9a-f]{64}$")
TEMP = ".incoming"  # files being written; never named by a row
ERASE = "attendance.documents.erase"  # session.info: (root, hashes) to unlink after commit
KEEP = "attendance.documents.keep"  # session.info: (root, hash -> bytes) to check after commit
LOCK = ".lock"  # in the folder: erases and uploads' checks after commit take turns on it
# A file younger than this is not swept: its row may be about to commit.
SWEEP_GRACE_SECONDS = 3600.0


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Keep these bytes (once, whoever else kept the same); their SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists() and target.stat().st_size == len(data):
            os.utime(target)  # young again: a sweep racing this upload leaves it
            return sha256
        temp_dir = self.root / TEMP
        for folder in (self.root, temp_dir, target.parent):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = temp_dir / f"{sha256}.{os.getpid()}.{time.monotonic_ns()}"
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        fsync_folder(target.parent)
        return sha256

    def read(self, sha256: str) -> bytes:
        """The file's bytes; FileNotFoundError if it is gone (a row whose file was lost)."""
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def unlink(self, hashes: Iterable[str]) -> int:
        removed = 0
        for sha256 in hashes:
            try:
                self.path(sha256).unlink()
                removed += 1
            except FileNotFoundError:
                pass
        return removed

    def hashes(self) -> set[str]:
        """Every file kept (not those being written)."""
        if not self.root.is_dir():
            return set()
        return {
            path.name
            for folder in self.root.iterdir()
            if folder.is_dir() and folder.name != TEMP
            for path in folder.iterdir()
            if SHA256.match(path.name)
        }

    def sweep(self, referenced: set[str], *, grace_seconds: float = SWEEP_GRACE_SECONDS) -> int:
        """Unlink the files no row names (older than the grace, so an upload whose row is
        about to commit keeps its file), and leftovers of interrupted writes."""
        old_before = time.time() - grace_seconds
        unnamed = [self.path(sha256) for sha256 in self.hashes() - referenced]
        temp_dir = self.root / TEMP
        leftovers = list(temp_dir.iterdir()) if temp_dir.is_dir() else []
        return sum(_unlink_if_older(path, old_before) for path in unnamed + leftovers)


def _unlink_if_older(path: Path, old_before: float) -> bool:
    """Unlinked when last written before `old_before` (a time.time()); a file already gone
    (another sweep, an erasure) is not an error."""
    try:
        if path.stat().st_mtime <= old_before:
            path.unlink()
            return True
    except FileNotFoundError:
        pass
    return False


def referenced_hashes(session: Session) -> set[str]:
    from attendance.documents.tables import DocumentVersion

    return set(session.scalars(select(DocumentVersion.sha256).distinct()))


def erase_after_commit(session: Session, root: Path, hashes: Iterable[str]) -> None:
    """Once this transaction commits, unlink those of these files no remaining row names (a
    rollback keeps them all). Call it with the hashes of the versions the transaction
    deletes; attendance/db.py runs it after the commit."""
    pending = session.info.setdefault(ERASE, {})
    pending.setdefault(root, set()).update(hashes)


def keep_after_commit(session: Session, root: Path, sha256: str, data: bytes) -> None:
    """Once this transaction commits, write these bytes back if an erase racing it unlinked
    them (see the module's docstring). The bytes stay in the session until then: the request
    holds them anyway."""
    session.info.setdefault(KEEP, {}).setdefault(root, {})[sha256] = data


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """The documents folder's lock, held exclusively: between processes and between threads
    (each holder opens its own descriptor, and flock locks belong to the open file)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def erase_if_asked(session: Session) -> None:
    """After a commit: unlink what `erase_after_commit` asked for, unless a row still names
    it (the same file uploaded to another document). Best effort: a failure is logged, and
    the sweep removes the file later."""
    pending: dict[Path, set[str]] = session.info.pop(ERASE, {})
    if not pending:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    try:
        from attendance.documents.tables import DocumentVersion

        for root, hashes in pending.items():
            # Read the rows and unlink under the lock: an upload of the same bytes that
            # commits meanwhile checks its file only after this (`put_back_if_gone`).
            with folder_lock(root), engine.connect() as connection:
                still = set(
                    connection.scalars(
                        select(DocumentVersion.sha256).where(DocumentVersion.sha256.in_(hashes))
                    )
                )
                DocumentStore(root).unlink(hashes - still)
    except Exception:
        logger.exception("documents not erased after commit; the sweep will remove them")


def put_back_if_gone(session: Session) -> None:
    """After an upload's commit: its file is there, or an erase that did not see its row
    unlinked it, and it is written again (under the lock, after any such erase)."""
    pending: dict[Path, dict[str, bytes]] = session.info.pop(KEEP, {})
    for root, files in pending.items():
        store = DocumentStore(root)
        with folder_lock(root):
            for sha256, data in files.items():
                if not store.exists(sha256):
                    logger.warning(
                        "document file %s erased by a racing deletion; written back", sha256[:12]
                    )
                    store.put(data)


def forget_erase(session: Session) -> None:
    session.info.pop(ERASE, None)
    session.info.pop(KEEP, None)
