"""Domain errors; the HTTP edge maps each kind to a status code in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: `message` is bilingual (Vietnamese first), `code` machine-readable."""

    code = "ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class Invalid(DomainError):
    code = "INVALID"


class Unauthorized(DomainError):
    code = "UNAUTHORIZED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class PhotoRejected(DomainError):
    """A photo failed the enrollment quality gate; `code` is the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


class NoGallery(DomainError):
    code = "NO_GALLERY"


class TooManyAttempts(DomainError):
    """Refused for now: too many failed attempts (or open streams); `retry_after` seconds."""

    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, retry_after)


class Busy(DomainError):
    """The server is at a capacity limit; try again in `retry_after` seconds."""

    code = "SERVER_BUSY"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, retry_after)


class Unavailable(DomainError):
    """The server cannot do this now as configured (a key it needs is missing or wrong)."""

    code = "UNAVAILABLE"
