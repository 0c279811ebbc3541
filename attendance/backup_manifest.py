"""What a backup holds, written beside it as manifest.json: read from the same snapshot as
the copy (row counts, revision, the audit chain's head, the keys its data needs)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, inspect, select, text

from attendance.audit_chain import AT_FORMAT, GENESIS
from attendance.documents.store import SHA256
from attendance.errors import Invalid
from attendance.orm import AuditEntry, Base, FaceTemplate
from attendance.template_keyfile import KEY_ID_BYTES
from attendance.voting.tables import Poll

logger = logging.getLogger(__name__)

FORMAT = "attendance-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "attendance.db"
DUMP_FILE = "attendance.dump"
KEYS_FOLDER = "keys"
SigningKey = bytes  # a field of Manifest is named `bytes`


@dataclass
class Manifest:
    backend: str  # sqlite | postgresql
    database_file: str  # SQLITE_FILE or DUMP_FILE, in the backup's folder
    revision: str | None
    rows: dict[str, int]
    template_keys: dict[str, int]  # key id -> templates it seals
    open_secret_polls: int
    audit_head: dict[str, Any]  # {seq, hash, at}: restored, the chain must end here
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime(AT_FORMAT))
    bytes: int = 0
    sha256: str = ""
    keys_included: list[str] = field(default_factory=list)
    # The documents folder's files the database names (backup_documents.py): SHA-256 -> size.
    documents: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    signature: str = ""  # HMAC-SHA256 of the rest under the installation's key (sign())

    def sign(self, key: SigningKey) -> None:
        self.signature = self._mac(key)

    def signed_by(self, key: SigningKey) -> bool:
        return bool(self.signature) and hmac.compare_digest(self.signature, self._mac(key))

    def _mac(self, key: SigningKey) -> str:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        if not self.documents:
            # Signed as before documents existed: older backups' signatures still hold.
            del fields["documents"]
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()

    def write(self, folder: Path) -> None:
        path = folder / MANIFEST
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # owner-only, as the copy
        path.chmod(0o600)
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("format")
            manifest = cls(**data)
            _validate(manifest)
            return manifest
        except (OSError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise Invalid(
                f"{path} không phải bản sao lưu của attendance ({exc}). "
                f"{path} is not an attendance backup ({exc})."
            ) from exc

    def describe(self) -> str:
        """What it holds, in a sentence of each language."""
        people, events = self.rows.get("people", 0), self.rows.get("attendance_events", 0)
        entries = self.audit_head.get("seq", 0)
        keys = ", ".join(sorted(self.template_keys)) or "-"
        files, size = len(self.documents), sum(self.documents.values()) / 1e6
        return (
            f"{people} người, {events} lượt điểm danh, {entries} mục nhật ký, {files} tệp tài "
            f"liệu ({size:.1f} MB), phiên bản {self.revision}; mẫu khuôn mặt cần khóa {keys}. "
            f"{people} people, {events} attendance events, {entries} audit entries, {files} "
            f"document files ({size:.1f} MB), revision {self.revision}; face templates need "
            f"key(s) {keys}."
        )


def is_backup_folder(folder: Path) -> bool:
    """Whether `folder` holds a manifest.json of ours that reads whole."""
    try:
        Manifest.read(folder)
    except Invalid:
        return False
    return True


def _validate(m: Manifest) -> None:
    """Every field of the type the restore relies on; the database a plain known name."""
    expected = {"sqlite": SQLITE_FILE, "postgresql": DUMP_FILE}
    if m.backend not in expected or m.database_file != expected[m.backend]:
        raise ValueError(f"backend {m.backend!r}, database_file {m.database_file!r}")
    if m.revision is not None and not isinstance(m.revision, str):
        raise ValueError("revision")
    for name, value in (("rows", m.rows), ("template_keys", m.template_keys)):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and type(v) is int for k, v in value.items()
        ):
            raise ValueError(name)
    head = m.audit_head
    if (
        not isinstance(head, dict)
        or type(head.get("seq")) is not int
        or not isinstance(head.get("hash"), str)
    ):
        raise ValueError("audit_head")
    if type(m.bytes) is not int or not isinstance(m.sha256, str):
        raise ValueError("bytes, sha256")
    if type(m.open_secret_polls) is not int or not isinstance(m.signature, str):
        raise ValueError("open_secret_polls, signature")
    if not isinstance(m.keys_included, list) or not isinstance(m.created_at, str):
        raise ValueError("keys_included, created_at")
    if not isinstance(m.documents, dict) or not all(
        isinstance(k, str) and SHA256.match(k) and type(v) is int and v >= 0
        for k, v in m.documents.items()
    ):
        raise ValueError("documents")


def file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


def revision_of(connection: Connection) -> str | None:
    """The Alembic revision; None for a database without the table (empty, or not ours)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows of every table of the schema (what a restore or a copy must give back)."""
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in Base.metadata.sorted_tables
    }


def gather(connection: Connection, *, backend: str, database_file: str) -> Manifest:
    """Everything but the file's size and digest, read on `connection` (one snapshot)."""
    key_id = func.substr(FaceTemplate.embedding, 2, KEY_ID_BYTES)
    keys = connection.execute(select(key_id, func.count()).group_by(key_id)).all()
    open_secret = connection.execute(
        select(func.count()).where(Poll.state == "open", Poll.secrecy == "secret")
    ).scalar_one()
    head = connection.execute(
        select(AuditEntry.seq, AuditEntry.hash, AuditEntry.at)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    audit_head: dict[str, Any] = {"seq": 0, "hash": GENESIS, "at": None}
    if head is not None:
        at = head.at.strftime(AT_FORMAT) if head.at is not None else None
        audit_head = {"seq": int(head.seq), "hash": str(head.hash), "at": at}
    return Manifest(
        backend=backend,
        database_file=database_file,
        revision=revision_of(connection),
        rows=row_counts(connection),
        template_keys={bytes(k).hex(): int(n) for k, n in keys if k is not None},
        open_secret_polls=int(open_secret),
        audit_head=audit_head,
    )
