"""Face templates sealed at rest: AES-256-GCM under a keyring kept in ATTEND_KEY_FILE or ATTEND_KEY.

A sealed embedding is `version (1 byte) | key id (4) | nonce (12) | AES-GCM(float32 bytes) + tag
(16)`; the associated data binds the version, the key id, the person and the template id, so a
row moved to another person or another template by hand does not open. The keyring re-reads
its file when it changes (checked at most once a second, and whenever a row names a key it
does not hold): `attendance keys rotate` adds a key while servers run (docs/encryption.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from attendance.data_dir import sqlite_file
from attendance.errors import DomainError, Unavailable
from attendance.settings import Settings, get_settings
from attendance.template_keyfile import (
    KEY_ID_BYTES,
    KeySet,
    create_key_file,
    key_unavailable,
    keyset_of,
    read_key_file,
)

logger = logging.getLogger(__name__)

VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES
OVERHEAD = HEADER_BYTES + TAG_BYTES
RECHECK_SECONDS = 1.0  # how stale a server's idea of the current key may be
SESSION_INFO = "template_keys"
_VERSION = bytes([VERSION])
_PREFIX = b"attendance face template\x00"  # what every sealing's associated data starts with
_IDS = struct.Struct(">qq")  # person id, template id


class TemplateKeys:
    """The keyring of face templates: read (a missing file created 0600) on first use."""

    def __init__(
        self,
        *,
        given: Sequence[str] | None = None,
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not given and path is None:
            raise ValueError("template keys need ATTEND_KEY or a file")
        self._given = list(given) if given else None
        self.path = path
        self._clock = clock
        self._set: KeySet | None = None
        self._stamp: tuple[int, int, int] | None = None  # the file's, when read
        self._checked = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TemplateKeys(path={self.path})" if self._given is None else "TemplateKeys(given)"

    @classmethod
    def from_settings(cls, settings: Settings) -> TemplateKeys:
        if settings.key is not None:
            given = [s.strip() for s in settings.key.get_secret_value().split(",") if s.strip()]
            return cls(given=given)
        database = sqlite_file(settings.db_url)
        folders = [settings.data_dir] + ([database.parent] if database is not None else [])
        if any(settings.key_file.resolve().is_relative_to(f.resolve()) for f in folders):
            logger.warning(
                "ATTEND_KEY_FILE %s is inside the data folder (or the database's): a copy of "
                "that folder then holds the key that opens its face templates",
                settings.key_file,
            )
        return cls(path=settings.key_file)

    @property
    def from_file(self) -> bool:
        return self._given is None

    def keyset(self) -> KeySet:
        """The keys now; a file that changed is read again (looked at once a second)."""
        with self._lock:
            now = self._clock()
            if self._set is None or now - self._checked >= RECHECK_SECONDS:
                self._refresh(now)
            assert self._set is not None
            return self._set

    def cipher(self, key_id: str) -> AESGCM:
        """The key a row names; a key this process does not hold yet sends it to the file."""
        found = self.keyset().ciphers.get(key_id)
        if found is None:
            with self._lock:
                self._refresh(self._clock())
                assert self._set is not None
                found = self._set.ciphers.get(key_id)
        if found is None:
            raise unknown_key(key_id)
        return found

    def seal(self, vector: NDArray[np.float32], *, person_id: int, template_id: int) -> bytes:
        keys = self.keyset()
        return seal_with(keys.ciphers[keys.current], keys.current, vector, person_id, template_id)

    def open(self, blob: bytes, *, person_id: int, template_id: int) -> NDArray[np.float32]:
        """The embedding a row seals; TEMPLATE_DAMAGED when it does not open as this row's."""
        key_id = sealed_key_id(blob, template_id=template_id)
        return open_with(self.cipher(key_id), blob, person_id, template_id)

    def reload(self) -> KeySet:
        """The keys as the file holds them now (after this process rewrote it)."""
        with self._lock:
            self._refresh(self._clock())
            assert self._set is not None
            return self._set

    def _refresh(self, now: float) -> None:
        self._checked = now
        if self._given is not None:
            if self._set is None:
                self._set = keyset_of(self._given[0], self._given)
            return
        assert self.path is not None
        stamp = _stamp(self.path)
        if self._set is not None and stamp in (self._stamp, None):
            if stamp is None:  # never a new key in place of one a running process holds
                logger.warning("the face template key file %s is gone: keys kept", self.path)
            return
        self._set = read_key_file(self.path) if stamp is not None else create_key_file(self.path)
        self._stamp = _stamp(self.path)
        logger.info("template keys read from %s: current %s", self.path, self._set.current)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever the file is rewritten (a rotation renames a new file over it)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise key_unavailable(f"{path}: {exc.strerror}") from exc
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def seal_with(
    cipher: AESGCM, key_id: str, vector: NDArray[np.float32], person_id: int, template_id: int
) -> bytes:
    header = bytes([VERSION]) + bytes.fromhex(key_id)
    nonce = os.urandom(NONCE_BYTES)
    plain = np.ascontiguousarray(vector, dtype="<f4").ravel().tobytes()
    sealed = cipher.encrypt(nonce, plain, _associated(header, person_id, template_id))
    return header + nonce + sealed


def open_with(cipher: AESGCM, blob: bytes, person_id: int, template_id: int) -> NDArray[np.float32]:
    header, nonce = blob[: 1 + KEY_ID_BYTES], blob[1 + KEY_ID_BYTES : HEADER_BYTES]
    try:
        associated = _associated(header, person_id, template_id)
        plain = cipher.decrypt(nonce, blob[HEADER_BYTES:], associated)
    except InvalidTag as exc:
        raise damaged(template_id) from exc
    return np.frombuffer(plain, dtype="<f4").astype(np.float32)


def open_many(
    keys: TemplateKeys, rows: Sequence[tuple[int, int, bytes]], dim: int
) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """Rows of (template id, person id, sealed bytes) as an (n, dim) matrix, one AESGCM per
    key; a row that does not open is logged and marked False (its vector stays zero). A key
    that no file holds stops it all (TEMPLATE_KEY_UNKNOWN): without the key, no vectors.
    The loop is kept lean: a gallery of 100k templates goes through it (bench/template_crypto)."""
    ciphers = {bytes.fromhex(k): c for k, c in keys.keyset().ciphers.items()}
    size = 4 * dim
    zero = bytes(size)
    pack = _IDS.pack
    plains: list[bytes] = []
    opened = np.ones(len(rows), dtype=bool)
    for i, (template_id, person_id, blob) in enumerate(rows):
        header = blob[: 1 + KEY_ID_BYTES]
        cipher = ciphers.get(header[1:])
        if cipher is None and header[:1] == _VERSION and len(blob) == size + OVERHEAD:
            cipher = ciphers[header[1:]] = keys.cipher(header[1:].hex())  # or raises
        plain: bytes | None = None
        if cipher is not None and header[:1] == _VERSION and len(blob) == size + OVERHEAD:
            nonce, sealed = blob[1 + KEY_ID_BYTES : HEADER_BYTES], blob[HEADER_BYTES:]
            with contextlib.suppress(InvalidTag):  # altered: left out, said below
                plain = cipher.decrypt(
                    nonce, sealed, _PREFIX + header + pack(person_id, template_id)
                )
        if plain is None:
            logger.error("face template %d does not decrypt: left out", template_id)
            opened[i] = False
        plains.append(plain or zero)
    matrix = np.frombuffer(b"".join(plains), dtype="<f4").astype(np.float32, copy=False)
    return matrix.reshape(len(rows), dim), opened


def sealed_key_id(blob: bytes, *, template_id: int) -> str:
    """The key id a sealed row names; a row that is not sealed (or cut short) is damaged."""
    if len(blob) < OVERHEAD or blob[0] != VERSION:
        raise damaged(template_id)
    return blob[1 : 1 + KEY_ID_BYTES].hex()


def is_plain(blob: bytes, dim: int) -> bool:
    """A row written before templates were sealed: the bare float32 vector."""
    return len(blob) == 4 * dim


def _associated(header: bytes, person_id: int, template_id: int) -> bytes:
    return _PREFIX + header + _IDS.pack(person_id, template_id)


def keys_of(session: Session) -> TemplateKeys:
    """The keyring of the session's factory (attendance.db), else the one settings name."""
    found = session.info.get(SESSION_INFO)
    if isinstance(found, TemplateKeys):
        return found
    keys = TemplateKeys.from_settings(get_settings())
    session.info[SESSION_INFO] = keys
    return keys


def unknown_key(key_id: str) -> Unavailable:
    return Unavailable(
        f"Mẫu khuôn mặt được mã hóa bằng khóa {key_id}, không có trong ATTEND_KEY_FILE hoặc "
        "ATTEND_KEY: hãy dùng tệp khóa đi cùng cơ sở dữ liệu này. Face templates are "
        f"encrypted under key {key_id}, which ATTEND_KEY_FILE or ATTEND_KEY does not hold: "
        "use the key file that belongs with this database.",
        code="TEMPLATE_KEY_UNKNOWN",
    )


def damaged(template_id: int) -> DomainError:
    return DomainError(
        f"Mẫu khuôn mặt số {template_id} không giải mã được: dữ liệu đã bị thay đổi. "
        f"Face template {template_id} does not decrypt: its data was altered.",
        code="TEMPLATE_DAMAGED",
    )
