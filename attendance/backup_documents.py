"""The documents folder in a backup: the files the backed-up database names, copied into
`<backup>/documents/` (the store's own layout) and listed in the manifest with their sizes;
checked whole before a restore replaces anything, then written back into the folder.

The race with a deletion: the files are copied after the database's snapshot, from the live
folder. A file is unlinked only after the transaction deleting its last row commits (or by the
sweep, which removes only files no row names), so a file the snapshot names that is missing
when copied proves its deletion committed after the snapshot: the whole backup is then taken
again from a fresh snapshot, which no longer names it (attendance/backup.py). The one other
way a named file is missing for a moment: a deletion's erase unlinked the bytes an upload's row
names before that upload's commit, and the upload writes them back just after it (store.py,
under the folder's lock, within milliseconds); the fresh snapshot then finds them. A file added
after the snapshot is not copied: the copied database does not name it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, inspect, select

from attendance.documents.store import SHA256, TEMP, DocumentStore
from attendance.documents.tables import DocumentVersion
from attendance.durable import fsync_folder
from attendance.errors import Invalid

logger = logging.getLogger(__name__)

FOLDER = "documents"  # in the backup's folder
BLOCK = 1 << 20


class FilesGone(Exception):
    """Files the snapshot names were removed from the folder before they were copied."""

    def __init__(self, hashes: set[str]) -> None:
        super().__init__(f"{len(hashes)} document file(s) removed during the backup")
        self.hashes = hashes


def named_files(connection: Connection) -> set[str]:
    """The files the database on `connection` (one snapshot) names; none before 0021."""
    if not inspect(connection).has_table(DocumentVersion.__tablename__):
        return set()
    return set(connection.scalars(select(DocumentVersion.sha256).distinct()))


def copy_out(hashes: Iterable[str], source: Path, draft: Path) -> dict[str, int]:
    """Copy each named file from the documents folder `source` into `draft/documents`,
    checking its SHA-256 on the way; their sizes by hash. FilesGone for those missing."""
    store, target = DocumentStore(source), DocumentStore(draft / FOLDER)
    sizes: dict[str, int] = {}
    gone: set[str] = set()
    for sha256 in sorted(hashes):
        path = target.path(sha256)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            sizes[sha256] = copy_checked(store.path(sha256), path, sha256)
        except FileNotFoundError:
            gone.add(sha256)
    if target.root.exists():  # mkdir(parents=True) made it with the umask's mode
        target.root.chmod(0o700)
    if gone:
        raise FilesGone(gone)
    # One sync for all (a sync per file costs ~5 ms: half a minute for 5,000 files); the
    # draft folder is renamed into place only after this.
    os.sync()
    return sizes


def check_backup_files(folder: Path, listed: dict[str, int]) -> None:
    """Before a restore replaces anything: every listed file there, of its size and hash."""
    store = DocumentStore(folder / FOLDER)
    missing, altered = [], []
    for sha256, size in sorted(listed.items()):
        path = store.path(sha256)
        if not path.is_file():
            missing.append(sha256)
        elif path.stat().st_size != size or _digest(path) != sha256:
            altered.append(sha256)
    if missing or altered:
        names = ", ".join(h[:12] for h in (missing + altered)[:5])
        raise Invalid(
            f"Thư mục tài liệu của bản sao lưu thiếu {len(missing)} tệp và có {len(altered)} "
            f"tệp đã bị thay đổi ({names}…) so với manifest.json: không khôi phục gì. Hãy dùng "
            "một bản sao lưu khác, nguyên vẹn. "
            f"The backup's documents folder lacks {len(missing)} file(s) and holds "
            f"{len(altered)} changed file(s) ({names}…) against manifest.json: nothing was "
            "restored. Use another backup, one that is whole."
        )


def put_back(folder: Path, listed: Iterable[str], root: Path) -> set[str]:
    """Write each listed file of the backup into the documents folder `root`, fresh (an
    existing file of the same name is replaced, not trusted); those that were not there
    before (to take back if the database's restore fails). Every file is written and synced
    under a temporary name first, then all renamed into place: a crash never leaves a
    file half-written under a hash's name."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    temp_dir = root / TEMP
    temp_dir.mkdir(mode=0o700, exist_ok=True)
    source, store = DocumentStore(folder / FOLDER), DocumentStore(root)
    written: list[tuple[Path, Path]] = []
    try:
        for sha256 in sorted(listed):
            temp = temp_dir / f"{sha256}.{os.getpid()}.{secrets.token_hex(4)}"
            written.append((temp, store.path(sha256)))
            copy_checked(source.path(sha256), temp, sha256)
        os.sync()
        new = {target.name for _, target in written if not target.exists()}
        for temp, target in written:
            target.parent.mkdir(mode=0o700, exist_ok=True)
            os.replace(temp, target)
        for parent in {target.parent for _, target in written} | {root}:
            fsync_folder(parent)
    finally:
        for temp, _ in written:
            temp.unlink(missing_ok=True)
    return new


def remove_unnamed(root: Path, named: set[str]) -> int:
    """After a restore: the files the restored database does not name, and any leftovers of
    interrupted writes, leave the folder (they belonged to the database it replaced)."""
    store = DocumentStore(root)
    removed = store.unlink(store.hashes() - named)
    temp = root / TEMP
    if temp.is_dir():
        for path in temp.iterdir():
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def copy_checked(source: Path, target: Path, sha256: str) -> int:
    """Copy `source` into the new file `target`, owner only (not yet synced); refused, and
    nothing left, when its bytes are not `sha256` (a damaged file is never spread)."""
    if not SHA256.match(sha256):
        raise ValueError(f"not a SHA-256: {sha256[:80]!r}")
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reading:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "wb") as writing:
                for block in iter(lambda: reading.read(BLOCK), b""):
                    digest.update(block)
                    writing.write(block)
                    size += len(block)
            if digest.hexdigest() != sha256:
                raise Invalid(
                    f"Tệp tài liệu {source} không khớp SHA-256 của tên nó (hỏng trên đĩa). "
                    f"The document file {source} does not match the SHA-256 it is named by "
                    "(damaged on disk)."
                )
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return size


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
