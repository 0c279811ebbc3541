"""Domain errors and the one catalog of error codes; a code decides its HTTP status everywhere."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Base class: `message` is bilingual (Vietnamese first), `code` machine-readable."""

    code = "ERROR"

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        # What a caller needs besides the message to act on it (MULTIPLE_FACES: the faces).
        self.extra: dict[str, object] = extra or {}
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

    code = "PHOTO_REJECTED"

    def __init__(
        self, code: str, message: str, *, faces: Sequence[Sequence[float]] | None = None
    ) -> None:
        # `faces`: every face's box [x, y, width, height] in the photo's pixels, in the order
        # a `face_index` refers to.
        extra: dict[str, object] | None = None
        if faces:
            extra = {
                "faces": [
                    {"index": i, "box": [round(v, 1) for v in box]} for i, box in enumerate(faces)
                ]
            }
        super().__init__(message, code=code, extra=extra)


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


# Every error code an answer can carry, with its HTTP status (STYLE.md habit 14): the HTTP edge
# (api/errors.py) reads the status from here, whichever exception class carries the code, and
# tests/test_error_catalog.py fails when a code is raised anywhere without an entry. The
# domain keeps the numbers so that a rule and its refusal are read in one place.
STATUS_OF_CODE: dict[str, int] = {
    # 400: the request names a host this server does not answer to (api/headers.py).
    "BAD_HOST": 400,
    # 401: who is asking is not known.
    "UNAUTHORIZED": 401,
    "BAD_SIGN_IN": 401,
    "SIGN_IN_REQUIRED": 401,
    # 403: known, but not allowed to do this, here, now.
    "FORBIDDEN": 403,
    "BOARD_LINK_INVALID": 403,
    "CROSS_SITE_REQUEST": 403,
    "FACE_NOT_RECOGNISED": 403,
    "VOTER_REQUIRED": 403,
    "NOT_ON_ROSTER": 403,
    "NOT_PRESENT": 403,
    "NO_VOTING_RIGHTS": 403,
    "NO_PROXY": 403,
    "GRANTOR_PRESENT": 403,
    "KIOSK_CANNOT_CLAIM_MANUAL": 403,
    "ACCOUNT_DISABLED": 403,
    "WRONG_PASSWORD": 403,
    "GATE_NOT_STUDENT": 403,
    # 404: a path or body id names nothing.
    "NOT_FOUND": 404,
    "POLL_NOT_FOUND": 404,
    "UNKNOWN_PERSON": 404,
    "WEBHOOK_NOT_FOUND": 404,
    "CLASS_PHOTO_NOT_FOUND": 404,
    # 410: it existed, and is gone for good (a class photo past its hours, erased).
    "CLASS_PHOTO_EXPIRED": 410,
    # 409: the request is well formed but the state does not allow it.
    "CONFLICT": 409,
    "ALREADY_RESOLVED": 409,
    "ALREADY_ON_ROSTER": 409,
    "ALREADY_ARRIVED": 409,
    "ALREADY_VOTED": 409,
    "IDEMPOTENCY_KEY_REUSED": 409,
    "NO_GALLERY": 409,
    "POLL_CLOSED": 409,
    "POLL_DRAFT": 409,
    "POLL_OPEN": 409,
    "POLL_NOT_CLOSED": 409,
    "PROXY_EXISTS": 409,
    "QUORUM_NOT_MET": 409,
    "MERGE_BOTH_VOTED": 409,
    "MERGE_BOTH_PROXIED": 409,
    "PERSON_HAS_RECORDS": 409,
    "PERSON_IN_OPEN_POLL": 409,
    "CONCURRENT_CHANGE": 409,
    "CONSENT_WITHDRAWN": 409,
    "USERNAME_TAKEN": 409,
    "LAST_ADMIN": 409,
    "TOKEN_NAME_TAKEN": 409,
    "GATE_NOTHING_TO_RECORD": 409,
    # 413: more than the limits allow.
    "IMAGE_TOO_LARGE": 413,
    "DOCUMENT_TOO_LARGE": 413,  # a meeting document over max_file_mb (or max_pdf_pages)
    "MEETING_DOCUMENTS_FULL": 413,  # the meeting's documents over max_meeting_mb
    # 415: a file that is none of the kinds taken, by its content (a renamed EXE).
    "DOCUMENT_TYPE": 415,
    # 422: the content cannot be used.
    "INVALID": 422,
    "INVALID_REQUEST": 422,
    "INVALID_DATE": 422,
    "INVALID_MONTH": 422,
    "OUTSIDE_CHECKIN_WINDOW": 422,
    "NOT_UNCERTAIN": 422,
    "CHECKIN_IN_FUTURE": 422,
    "INVALID_FRACTION": 422,
    "INVALID_OPINION": 422,
    "INVALID_STANCE": 422,
    "INVALID_OPTION": 422,
    "INVALID_POLL": 422,
    "INVALID_TEXT": 422,
    "TOO_LONG": 422,
    "REASON_REQUIRED": 422,
    "UNKNOWN_EXPORT_FORMAT": 422,
    "DOCUMENT_BROKEN": 422,  # a PDF (or DOCX/XLSX) that cannot be parsed, or an encrypted one
    "DOCUMENT_EMPTY": 422,
    "ROSTER_EMPTY": 422,
    "ROSTER_MODE": 422,
    "ROSTER_CHOICE": 422,
    "ROSTER_CHOICE_REQUIRED": 422,
    "MERGE_SELF": 422,
    "UNKNOWN_ACCOUNT": 422,
    "NOT_ASSIGNABLE": 422,
    "ROSTER_NO_NAME_COLUMN": 422,
    "ROSTER_TOO_LARGE": 422,
    "ROSTER_UNREADABLE": 422,
    # No recorded consent for the purpose: no face template is stored (attendance/consent.py).
    "CONSENT_REQUIRED": 422,
    "INVALID_CONSENT": 422,
    # An image or photo that cannot be used (the enrollment quality gate's reasons too).
    "UNREADABLE_IMAGE": 422,
    "PHOTO_REJECTED": 422,
    "NO_FACE": 422,
    "MULTIPLE_FACES": 422,
    "INVALID_FACE_INDEX": 422,
    "PHOTO_EXPIRED": 422,
    "PHOTO_ALREADY_ENROLLED": 409,
    "NOT_A_HUMAN_FACE": 422,
    "FACE_TOO_SMALL": 422,
    "TOO_BLURRY": 422,
    "EXTREME_POSE": 422,
    "TOO_DARK": 422,
    "DUPLICATE_PERSON": 422,
    # Staff accounts: a username, role or password that cannot be used.
    "INVALID_USERNAME": 422,
    "INVALID_ROLE": 422,
    "WEAK_PASSWORD": 422,
    "WRONG_CURRENT_PASSWORD": 422,
    # Schools: classes (the foundation's codes) and timetables, rules, excused absences.
    "UNKNOWN_CLASS": 404,
    "UNKNOWN_SESSION": 404,
    "UNKNOWN_EXCUSED_ABSENCE": 404,
    "CLASS_EXISTS": 409,
    "SESSION_EXISTS": 409,
    "CLASS_INCOMPLETE": 422,
    "NOT_A_TEACHER": 422,
    "SESSION_TIMES": 422,
    "SESSION_PERIOD": 422,
    "INVALID_TIME": 422,
    "PATTERN_DATES": 422,
    "PATTERN_EMPTY": 422,
    "PATTERN_WEEKDAY": 422,
    "PATTERN_TOO_LARGE": 422,
    "RULES_INVALID": 422,
    "EXCUSED_DATES": 422,
    # Webhooks: a URL, event list or secret that cannot be used (docs/webhooks.md).
    "INVALID_WEBHOOK_URL": 422,
    "INVALID_WEBHOOK_EVENTS": 422,
    "WEAK_WEBHOOK_SECRET": 422,
    # Schools: classes, students, guardians and class lists (attendance/schools/).
    "STUDENT_CODE_TAKEN": 409,
    "STUDENT_CODE_OTHER_SCHOOL": 409,
    "INVALID_STUDENT": 422,
    "INVALID_PHONE": 422,
    "INVALID_EMAIL": 422,
    # A minor's face needs a guardian's consent for school attendance (Decree 13/2023 art. 20).
    "GUARDIAN_CONSENT_REQUIRED": 422,
    # A class photo with more faces than a class or hall from the front, or one more pending
    # photo than a meeting may hold (usecases/class_photo.py).
    "TOO_MANY_FACES": 422,
    "TOO_MANY_PENDING_PHOTOS": 409,
    "TOO_MANY_OPINIONS": 409,  # a member's share of opinions on one poll or item is used up
    # Meeting documents: a page past the last one (or of a file not a PDF), and a PDF the
    # upload accepted that cannot be stamped with its reader's name or drawn as images
    # (attendance/documents/watermark.py, pages.py): the secretary re-saves it as a new version.
    "DOCUMENT_PAGE_NOT_FOUND": 404,
    "DOCUMENT_STAMP_FAILED": 422,
    "DOCUMENT_NOT_DRAWN": 422,
    # 5xx: the server's side ("ERROR": a DomainError raised without a kind).
    "ERROR": 500,
    "INTERNAL_ERROR": 500,
    "MODEL_UNAVAILABLE": 503,
    # Come back later: too many failed attempts or streams (429), a capacity limit (503).
    "TOO_MANY_ATTEMPTS": 429,
    "TOO_MANY_STREAMS": 429,
    "TOO_MANY_PINGS": 429,  # webhook test pings already running (attendance/webhooks)
    # Whole-photo analyses at once, server-wide (attendance/class_photo/slots.py).
    "TOO_MANY_ANALYSES": 429,
    "ACCOUNT_LOCKED": 429,
    "SERVER_BUSY": 503,
    "STREAMS_FULL": 503,
    # The server lacks what it needs as configured (a master key missing or not the poll's).
    "UNAVAILABLE": 503,
    "SECRET_KEY_MISMATCH": 503,
    "SECRET_KEY_UNAVAILABLE": 503,
    # The face templates' keyring cannot be read, or lacks the key the rows were sealed with.
    "TEMPLATE_KEY_UNAVAILABLE": 503,
    "TEMPLATE_KEY_UNKNOWN": 503,
    # A sealed face template that does not open as its own row: the data was altered.
    "TEMPLATE_DAMAGED": 500,
    # A sealed ballot that does not open under its poll's key: the data was altered.
    "BALLOT_DAMAGED": 500,
}


def status_of(code: str) -> int | None:
    """The HTTP status of an error code; None for a code the catalog does not know."""
    return STATUS_OF_CODE.get(code)
