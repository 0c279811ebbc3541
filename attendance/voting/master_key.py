"""The master key of secret ballots: given in settings, or kept in a file outside data/."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import make_url

from attendance.errors import Unavailable
from attendance.settings import Settings

logger = logging.getLogger(__name__)

MIN_SECRET = 32  # characters; secrets.token_urlsafe(32) gives 43


class MasterKey:
    """Read (or, for a file that does not exist yet, created) on first use, then kept."""

    def __init__(self, *, secret: str | None = None, path: Path | None = None) -> None:
        if secret is None and path is None:
            raise ValueError("a master key needs a secret or a file")
        self._secret = secret
        self._path = path
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MasterKey(path={self._path})" if self._secret is None else "MasterKey(given)"

    @classmethod
    def from_settings(cls, settings: Settings) -> MasterKey:
        if settings.secret_key is not None:
            return cls(secret=settings.secret_key.get_secret_value())
        url = make_url(settings.db_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            data_dir = Path(url.database).resolve().parent
            if settings.secret_key_file.resolve().is_relative_to(data_dir):
                logger.warning(
                    "ATTEND_SECRET_KEY_FILE %s is inside the database's folder: a copy of that "
                    "folder then holds the key that opens its secret ballots",
                    settings.secret_key_file,
                )
        return cls(path=settings.secret_key_file)

    @property
    def key(self) -> bytes:
        """32 bytes for AES-256; raises Unavailable with what to change if none can be had."""
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = _derive(self._secret if self._secret else self._read_or_create())
        return self._key

    @property
    def check(self) -> str:
        """Names this key without revealing it: stored beside what it wraps."""
        return hmac.new(self.key, b"attendance master key check", hashlib.sha256).hexdigest()[:16]

    def _read_or_create(self) -> str:
        assert self._path is not None
        try:
            return self._path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _unavailable(f"{self._path}: {exc.strerror}") from exc
        try:
            return _create(self._path)
        except OSError as exc:
            raise _unavailable(f"{self._path}: {exc.strerror}") from exc


def _create(path: Path) -> str:
    """A new random key, written whole before it appears under its name (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_urlsafe(32)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secret + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)  # fails if another process created it first: use theirs
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    finally:
        draft.unlink(missing_ok=True)
    logger.warning(
        "Đã tạo khóa chính cho phiếu kín tại %s: hãy sao lưu nó riêng, ngoài thư mục dữ liệu. "
        "Created the master key for secret ballots at %s: back it up apart from data/.",
        path,
        path,
    )
    return secret


def _derive(secret: str) -> bytes:
    if len(secret) < MIN_SECRET:
        raise Unavailable(
            f"Khóa bí mật của máy chủ quá ngắn: cần ít nhất {MIN_SECRET} ký tự "
            "(ATTEND_SECRET_KEY hoặc tệp ATTEND_SECRET_KEY_FILE). "
            f"The server's secret key is too short: use at least {MIN_SECRET} characters "
            "(ATTEND_SECRET_KEY or the ATTEND_SECRET_KEY_FILE file).",
            code="SECRET_KEY_UNAVAILABLE",
        )
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"attendance ballots v1")
    return hkdf.derive(secret.encode("utf-8"))


def _unavailable(why: str) -> Unavailable:
    return Unavailable(
        f"Không đọc được khóa bí mật của máy chủ ({why}); kiểm tra ATTEND_SECRET_KEY_FILE. "
        f"The server's secret key cannot be read ({why}); check ATTEND_SECRET_KEY_FILE.",
        code="SECRET_KEY_UNAVAILABLE",
    )
