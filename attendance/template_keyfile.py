"""The keyring file of face templates: JSON {"current": id, "keys": {id: secret}}, 0600."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from attendance.errors import Unavailable

logger = logging.getLogger(__name__)

KEY_ID_BYTES = 4
MIN_SECRET = 32  # characters; secrets.token_urlsafe(32) gives 43


@dataclass(frozen=True)
class KeySet:
    """The keys one reading of the file (or of ATTEND_KEY) gave: the current one first."""

    current: str
    ciphers: dict[str, AESGCM]
    secrets: dict[str, str]


def key_id_of(secret: str) -> str:
    """Names a key without revealing it (8 hex digits): stored in every row it seals."""
    return hmac.new(derive(secret), b"attendance template key id", hashlib.sha256).hexdigest()[
        : 2 * KEY_ID_BYTES
    ]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def read_key_file(path: Path) -> KeySet:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        current, listed = str(data["current"]), dict(data["keys"])
    except OSError as exc:
        raise key_unavailable(f"{path}: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise key_unavailable(f"{path}: not a key file") from exc
    if path.stat().st_mode & 0o077:
        logger.warning("%s is readable by other users: make it owner-only (chmod 600)", path)
    secrets_by_id = {str(k): str(v) for k, v in listed.items()}
    if current not in secrets_by_id:
        raise key_unavailable(f"{path}: the current key {current} is not listed")
    for key_id, secret in secrets_by_id.items():
        if key_id_of(secret) != key_id:
            raise key_unavailable(f"{path}: key {key_id} does not match its id")
    return keyset_of(secrets_by_id[current], list(secrets_by_id.values()))


def write_key_file(path: Path, *, current: str, secrets_by_id: dict[str, str]) -> None:
    """Written whole under another name (0600), then renamed over the file: a reader sees
    the old keyring or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps({"current": current, "keys": secrets_by_id}, indent=2) + "\n"
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def create_key_file(path: Path) -> KeySet:
    """A first key, written whole before it appears under its name (0600); a file another
    process created first wins."""
    secret = new_secret()
    key_id = key_id_of(secret)
    text = json.dumps({"current": key_id, "keys": {key_id: secret}}, indent=2) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.link(draft, path)
        except FileExistsError:
            return read_key_file(path)
        finally:
            draft.unlink(missing_ok=True)
    except OSError as exc:
        raise key_unavailable(f"{path}: {exc.strerror}") from exc
    logger.warning(
        "Đã tạo khóa mã hóa mẫu khuôn mặt tại %s: hãy sao lưu nó riêng, ngoài thư mục dữ liệu. "
        "Created the face template key at %s: back it up apart from data/.",
        path,
        path,
    )
    return keyset_of(secret, [secret])


def keyset_of(current: str, listed: Sequence[str]) -> KeySet:
    by_id = {key_id_of(s): s for s in listed}
    return KeySet(
        current=key_id_of(current),
        ciphers={k: AESGCM(derive(s)) for k, s in by_id.items()},
        secrets=by_id,
    )


def derive(secret: str) -> bytes:
    if len(secret) < MIN_SECRET:
        raise Unavailable(
            f"Khóa mã hóa mẫu khuôn mặt quá ngắn: cần ít nhất {MIN_SECRET} ký tự (ATTEND_KEY "
            f"hoặc tệp ATTEND_KEY_FILE). The face template key is too short: use at least "
            f"{MIN_SECRET} characters (ATTEND_KEY or the ATTEND_KEY_FILE file).",
            code="TEMPLATE_KEY_UNAVAILABLE",
        )
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"attendance templates v1")
    return hkdf.derive(secret.encode("utf-8"))


def key_unavailable(why: str) -> Unavailable:
    return Unavailable(
        f"Không đọc được khóa mã hóa mẫu khuôn mặt ({why}); kiểm tra ATTEND_KEY_FILE hoặc "
        f"ATTEND_KEY. The face template key cannot be read ({why}); check ATTEND_KEY_FILE "
        "or ATTEND_KEY.",
        code="TEMPLATE_KEY_UNAVAILABLE",
    )
