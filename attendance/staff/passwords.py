"""Passwords of staff accounts: argon2id hashes only, and the rules a new password meets."""

from __future__ import annotations

import logging
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from attendance.errors import Invalid

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
# Hashing is deliberately slow: a megabyte "password" would only cost the server time.
MAX_PASSWORD_LENGTH = 1024


@cache
def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, t=3)."""
    return PasswordHasher()


@cache
def _unknown_user_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one behind `stored`; with no stored hash (no such user) a
    dummy one is checked all the same, so the answer takes as long either way."""
    try:
        return hasher().verify(stored or _unknown_user_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with other argon2 parameters than today's."""
    try:
        return hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def check_password_rules(password: str, *, username: str) -> None:
    """A new password: at least 10 characters, not the username, not absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự. "
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            code="WEAK_PASSWORD",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            f"Mật khẩu dài quá {MAX_PASSWORD_LENGTH} ký tự. "
            f"The password is longer than {MAX_PASSWORD_LENGTH} characters.",
            code="WEAK_PASSWORD",
        )
    if password.strip().lower() == username.strip().lower():
        raise Invalid(
            "Mật khẩu không được trùng tên đăng nhập. The password must not be the username.",
            code="WEAK_PASSWORD",
        )
