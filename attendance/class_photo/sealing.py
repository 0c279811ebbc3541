"""Unknown faces' crops sealed under the face templates' current key (AES-GCM), bound to
their photo and face index, as templates are bound to their row (attendance/template_crypto)."""

from __future__ import annotations

import logging
import os

from cryptography.exceptions import InvalidTag
from sqlalchemy.orm import Session

from attendance.errors import DomainError
from attendance.template_crypto import keys_of
from attendance.template_keyfile import KEY_ID_BYTES

logger = logging.getLogger(__name__)

VERSION = 1
NONCE_BYTES = 12
HEADER_BYTES = 1 + KEY_ID_BYTES
_PREFIX = b"attendance class photo crop\x00"


def seal_crop(session: Session, data: bytes, *, photo_id: str, index: int) -> bytes:
    keys = keys_of(session).keyset()
    header = bytes([VERSION]) + bytes.fromhex(keys.current)
    nonce = os.urandom(NONCE_BYTES)
    sealed = keys.ciphers[keys.current].encrypt(nonce, data, _associated(header, photo_id, index))
    return header + nonce + sealed


def open_crop(session: Session, blob: bytes, *, photo_id: str, index: int) -> bytes:
    header, nonce = blob[:HEADER_BYTES], blob[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    cipher = keys_of(session).cipher(header[1:].hex())
    try:
        return cipher.decrypt(
            nonce, blob[HEADER_BYTES + NONCE_BYTES :], _associated(header, photo_id, index)
        )
    except InvalidTag as exc:
        raise DomainError(
            "Ảnh khuôn mặt đã lưu không mở được: dữ liệu đã bị thay đổi. "
            "The stored face crop does not open: the data was altered.",
            code="TEMPLATE_DAMAGED",
        ) from exc


def _associated(header: bytes, photo_id: str, index: int) -> bytes:
    return _PREFIX + header + f"{photo_id}:{index}".encode()
