"""AES-GCM for secret ballots: a poll's key wrapped under the master key, choices sealed under it.

A sealed choice is a bitmap of the poll's options in position order, so every ballot of a
poll has the same size whatever and however many it chose. The associated data binds a
wrapped key to its poll and a sealed ballot to its poll and its random id: neither can be
moved to another poll, nor a ballot copied under a new id and counted twice.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from attendance.errors import Conflict, Unavailable
from attendance.voting.master_key import MasterKey

NONCE = 12
FORMAT = b"\x01"  # the first plaintext byte: how the rest is laid out


def new_poll_key(master: MasterKey, *, poll_id: int) -> tuple[bytes, bytes, str]:
    """A fresh key for one poll: (key, the key wrapped under the master key, the master's check)."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(NONCE)
    wrapped = nonce + AESGCM(master.key).encrypt(nonce, key, _poll_context(poll_id))
    return key, wrapped, master.check


def unwrap_poll_key(master: MasterKey, *, poll_id: int, wrapped: bytes, check: str | None) -> bytes:
    if check is not None and check != master.check:
        raise wrong_master_key()
    try:
        return AESGCM(master.key).decrypt(wrapped[:NONCE], wrapped[NONCE:], _poll_context(poll_id))
    except InvalidTag as exc:
        raise wrong_master_key() from exc


def seal_choice(
    key: bytes, *, poll_id: int, ballot_id: bytes, positions: set[int], size: int
) -> bytes:
    """The chosen option positions (0-based, of `size` options), sealed."""
    bitmap = bytearray((size + 7) // 8)
    for p in positions:
        bitmap[p // 8] |= 1 << (p % 8)
    nonce = secrets.token_bytes(NONCE)
    plain = FORMAT + bytes(bitmap)
    return nonce + AESGCM(key).encrypt(nonce, plain, _ballot_context(poll_id, ballot_id))


def open_choice(
    key: bytes, *, poll_id: int, ballot_id: bytes, sealed: bytes, size: int
) -> set[int]:
    try:
        plain = AESGCM(key).decrypt(
            sealed[:NONCE], sealed[NONCE:], _ballot_context(poll_id, ballot_id)
        )
    except InvalidTag as exc:
        raise Conflict(
            "Một phiếu kín không giải mã được: dữ liệu đã bị sửa. Không thể kiểm phiếu. "
            "A secret ballot does not decrypt: the data was altered. The poll cannot be counted.",
            code="BALLOT_DAMAGED",
        ) from exc
    if plain[:1] != FORMAT or len(plain) != 1 + (size + 7) // 8:
        raise Conflict(
            "Một phiếu kín có định dạng lạ. A secret ballot has an unknown layout.",
            code="BALLOT_DAMAGED",
        )
    bitmap = plain[1:]
    return {p for p in range(size) if bitmap[p // 8] >> (p % 8) & 1}


def _poll_context(poll_id: int) -> bytes:
    return f"attendance poll key:{poll_id}".encode()


def _ballot_context(poll_id: int, ballot_id: bytes) -> bytes:
    return f"attendance ballot:{poll_id}:".encode() + ballot_id


def wrong_master_key() -> Unavailable:
    return Unavailable(
        "Khóa bí mật của máy chủ không phải khóa đã niêm phong các phiếu của biểu quyết kín "
        "này: không thể nhận thêm phiếu hay kết thúc biểu quyết. Hãy khôi phục khóa cũ "
        "(ATTEND_SECRET_KEY_FILE hoặc ATTEND_SECRET_KEY) rồi thử lại. "
        "The server's secret key is not the one this secret poll's ballots were sealed with: "
        "no ballot can be taken and the poll cannot be closed. Restore the original key "
        "(ATTEND_SECRET_KEY_FILE or ATTEND_SECRET_KEY) and try again.",
        code="SECRET_KEY_MISMATCH",
    )
