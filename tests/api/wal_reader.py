"""What a file reader recovers from copies of a SQLite database and its write-ahead log.

The attacker of the secret-ballot tests: it rebuilds the database as it stood after each
commit recorded in a WAL copy (32-byte header, then frames of a 24-byte header and one page;
a frame whose "database size" field is not zero ends a commit), reads every table of each
state, and diffs consecutive states.

The database file of a copy is not the state before its log: a checkpoint (SQLite's own,
once the log holds 1,000 pages) writes the log's pages into the file and keeps the log, so
the file may already hold pages of commits later than one the log replays. Taken as the
base, it would fold those later commits into earlier ones (an opinion into the ballot
before it). The reader keeps what it rebuilt from the earlier copies instead: for a page
the log rewrites, the base is that page as the last known commit left it. When the log has
started again (new salts: a checkpoint took it all, then a writer reset it), the commits
between the last one seen and the reset are gone from the log but the file holds their
result: the file itself is then a state of its own, before the new log's first commit.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: frozenset[tuple[object, ...]]

    def records(self, rows: frozenset[tuple[object, ...]] | None = None) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in (rows or self.rows)]


State = dict[str, Table]


def _logged_pages(wal: bytes, page_size: int, salts: tuple[int, ...]) -> set[int]:
    """The pages that the frames of this generation of the log write."""
    pages: set[int] = set()
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        page, _, salt1, salt2 = struct.unpack(">IIII", wal[offset : offset + 16])
        if (salt1, salt2) != salts:
            break
        pages.add(page)
        offset += FRAME_HEADER + page_size
    return pages


def committed_images(
    db: bytes, wal: bytes, known: bytes | None = None
) -> Iterator[tuple[tuple[int, int, int], bytes]]:
    """The database file after each commit of this WAL, keyed by (salt-1, salt-2, frame).

    `known`: the database as the last commit seen in an earlier copy left it. The pages the
    log writes are taken from it, not from `db`, which a checkpoint may have brought past
    some of the commits replayed here; exact for each commit after that known one.
    """
    if len(wal) < WAL_HEADER:
        return
    page_size = struct.unpack(">I", wal[8:12])[0]
    salts = struct.unpack(">II", wal[16:24])
    image = bytearray(db)
    if known is not None:
        for number in _logged_pages(wal, page_size, salts):
            end = number * page_size
            if end <= len(known):
                if len(image) < end:
                    image.extend(bytes(end - len(image)))
                image[end - page_size : end] = known[end - page_size : end]
    pending: dict[int, bytes] = {}
    offset, frame = WAL_HEADER, 0
    while offset + FRAME_HEADER + page_size <= len(wal):
        page, db_pages, salt1, salt2 = struct.unpack(">IIII", wal[offset : offset + 16])
        if (salt1, salt2) != salts:  # frames left over from an earlier generation of the log
            break
        start = offset + FRAME_HEADER
        pending[page] = wal[start : start + page_size]
        offset, frame = start + page_size, frame + 1
        if db_pages:
            for number, data in pending.items():
                end = number * page_size
                if len(image) < end:
                    image.extend(bytes(end - len(image)))
                image[end - page_size : end] = data
            pending.clear()
            del image[db_pages * page_size :]
            yield (salts[0], salts[1], frame), bytes(image)


def read_state(image: bytes, scratch: Path) -> State:
    """Every table of a database image (opened as a plain rollback-journal file)."""
    data = bytearray(image)
    data[18:20] = b"\x01\x01"  # read and write versions 1: no WAL wanted beside this copy
    scratch.write_bytes(bytes(data))
    db = sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)
    try:
        names = [
            n
            for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not n.startswith("sqlite_")
        ]
        state: State = {}
        for name in names:
            cursor = db.execute(f'SELECT * FROM "{name}"')
            columns = tuple(d[0] for d in cursor.description)
            state[name] = Table(columns, frozenset(tuple(r) for r in cursor.fetchall()))
        return state
    finally:
        db.close()


def states_in_commit_order(copies: list[Path], db_name: str, scratch: Path) -> list[State]:
    """Each commit seen in any copy of the data directory, once, in the order committed."""
    seen: set[tuple[int, int, int]] = set()
    states: list[State] = []
    known: bytes | None = None  # the database after the last commit seen so far
    generation: tuple[int, int] | None = None  # the salts of the log that commit was in
    for copy in copies:
        db = (copy / db_name).read_bytes()
        wal_path = copy / f"{db_name}-wal"
        wal = wal_path.read_bytes() if wal_path.exists() else b""
        salts = struct.unpack(">II", wal[16:24]) if len(wal) >= WAL_HEADER else None
        if salts is None or salts != generation:  # a log not seen before: the file is its base
            base = (salts or (0, 0)) + (0,)
            if base not in seen and db:
                seen.add(base)
                states.append(read_state(db, scratch))
                known = db
            generation = salts
        for key, image in committed_images(db, wal, known):
            if key not in seen:
                seen.add(key)
                states.append(read_state(image, scratch))
                known = image
    return states


def added(before: State, after: State, table: str) -> list[dict[str, object]]:
    """Rows of `table` in `after` that were not in `before` (new, or changed)."""
    if table not in after:
        return []
    old = before[table].rows if table in before else frozenset()
    return after[table].records(after[table].rows - old) if after[table].rows - old else []


def blobs(state: State, min_size: int = 12) -> set[bytes]:
    """Every binary value of a state long enough to be a key, a nonce or a ciphertext."""
    return {
        value
        for table in state.values()
        for row in table.rows
        for value in row
        if isinstance(value, bytes) and len(value) >= min_size
    }
