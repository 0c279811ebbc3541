"""The one place where domain and image errors become HTTP status codes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from starlette.exceptions import HTTPException

from attendance.errors import (
    STATUS_OF_CODE,
    Busy,
    DomainError,
    TooManyAttempts,
    Unauthorized,
    status_of,
)
from models.images import ImageRejected
from models.packs import ModelPackError

logger = logging.getLogger(__name__)

POOL_BUSY_DETAIL = (
    "Máy chủ đang bận, thử lại sau giây lát. The server is busy; try again in a moment."
)
POOL_RETRY_AFTER = 5


def error_body(
    reason: str, detail: str, extra: dict[str, object] | None = None
) -> dict[str, object]:
    return {"reason": reason, "detail": detail, **(extra or {})}


# The framework's own answers carry only an English phrase: the Vietnamese goes first.
FRAMEWORK_VI = {
    400: "Yêu cầu không đọc được.",
    404: "Không có trang hoặc địa chỉ này.",
    405: "Địa chỉ này không nhận phương thức đó.",
    413: "Yêu cầu quá lớn.",
}


# Paths whose errors are JSON ({reason, detail}), not pages: the API and the metrics a
# Prometheus scrapes (api/routes/metrics.py).
JSON_PATHS = ("/api/", "/metrics")


def answers_json(path: str) -> bool:
    return path.startswith(JSON_PATHS)


def count_rate_limited(request: Request, code: str) -> None:
    """A 429 (too many failed attempts, streams, analyses): the metric by its code."""
    services = getattr(request.state, "services", None)
    if services is not None:
        services.metrics.refused(code)


def invalid_request_detail(errors: Sequence[Any]) -> str:
    """What was wrong with a request's fields, one clause each, without library links."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in errors
    )
    return f"Dữ liệu gửi lên không hợp lệ. The request is not valid: {problems}"


def headers_for(exc: Exception) -> dict[str, str]:
    """What a client needs besides the body: how to authenticate, or when to come back."""
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, TooManyAttempts | Busy):
        return {"Retry-After": str(exc.retry_after)}
    return {}


def status_for(exc: Exception) -> int:
    """The catalog's status for the error's code (attendance/errors.py); a code it lacks falls
    back to the code of its exception class (Forbidden's FORBIDDEN), then to 500."""
    codes = [getattr(exc, "code", None), *(kind.__dict__.get("code") for kind in type(exc).__mro__)]
    for code in codes:
        if isinstance(code, str) and (status := status_of(code)) is not None:
            return status
    logger.error("error code %s has no status in attendance/errors.py", codes[0])
    return 500


CONCURRENT_DETAIL = (
    "Dữ liệu vừa được một thao tác khác thay đổi (chẳng hạn người hoặc cuộc họp vừa bị xóa); "
    "không có gì được ghi. Hãy tải lại và thử lại. The data was changed by another action at "
    "the same moment (a person or meeting just deleted, say); nothing was written. Reload "
    "and try again."
)


UNSTORABLE_TEXT_DETAIL = (
    "Dữ liệu gửi lên chứa ký tự NUL (mã 0), không thể lưu hay tìm. "
    "The request holds a NUL character (code 0), which can be neither stored nor searched."
)


def is_unstorable_text(exc: Exception) -> bool:
    """PostgreSQL's driver refuses any text holding NUL before it sends the query (a search,
    a sign-in name, a URL): the caller's input, not a server fault."""
    return "NUL (0x00)" in str(getattr(exc, "orig", None) or exc)


# For a web page (not /api): (request, status, reason, detail) -> an HTML response.
PageError = Callable[[Request, int, str, str], Response]


def install_error_handlers(app: FastAPI, *, page_error: PageError | None = None) -> None:
    def is_page(request: Request) -> bool:
        return page_error is not None and not answers_json(request.url.path)

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError | ImageRejected)
        detail = exc.message if isinstance(exc, DomainError) else exc.detail
        if status_for(exc) == HTTPStatus.TOO_MANY_REQUESTS:
            count_rate_limited(request, exc.code)
        if is_page(request):
            assert page_error is not None
            page = page_error(request, status_for(exc), exc.code, detail)
            if not isinstance(exc, Unauthorized):  # a 401 page is a redirect to sign in
                page.headers.update(headers_for(exc))
            return page
        extra = exc.extra if isinstance(exc, DomainError) else None
        return JSONResponse(
            error_body(exc.code, detail, extra),
            status_code=status_for(exc),
            headers=headers_for(exc),
        )

    async def model_error(_: Request, exc: Exception) -> JSONResponse:
        status = STATUS_OF_CODE["MODEL_UNAVAILABLE"]
        return JSONResponse(error_body("MODEL_UNAVAILABLE", str(exc)), status_code=status)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = invalid_request_detail(exc.errors())
        if is_page(request):
            assert page_error is not None
            return page_error(request, STATUS_OF_CODE["INVALID_REQUEST"], "INVALID_REQUEST", detail)
        status = STATUS_OF_CODE["INVALID_REQUEST"]
        return JSONResponse(error_body("INVALID_REQUEST", detail), status_code=status)

    async def http_error(request: Request, exc: Exception) -> Response:
        # Raised by the framework itself: unknown routes, malformed multipart bodies.
        assert isinstance(exc, HTTPException)
        name = HTTPStatus(exc.status_code).name
        detail = str(exc.detail)
        if exc.status_code in FRAMEWORK_VI and detail == HTTPStatus(exc.status_code).phrase:
            detail = f"{FRAMEWORK_VI[exc.status_code]} {detail}."  # the bare phrase: say it twice
        if is_page(request) and exc.status_code >= 400:
            assert page_error is not None
            return page_error(request, exc.status_code, name, detail)
        return JSONResponse(
            error_body(name, detail),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    async def concurrent_change(request: Request, exc: Exception) -> Response:
        # Two requests raced (a check-in while the person or meeting was being deleted, two
        # edits of one roster row): the database refused the loser's write and its
        # transaction rolled back. Not a server error: the caller reloads and tries again.
        # Which constraint or row, so a check missing in the code (not a race) can be found.
        first_line = str(exc).splitlines()[0][:300] if str(exc) else ""
        logger.info("a write lost a race: %s: %s", type(exc).__name__, first_line)
        status = STATUS_OF_CODE["CONCURRENT_CHANGE"]
        if is_page(request):
            assert page_error is not None
            return page_error(request, status, "CONCURRENT_CHANGE", CONCURRENT_DETAIL)
        return JSONResponse(error_body("CONCURRENT_CHANGE", CONCURRENT_DETAIL), status_code=status)

    async def unstorable_text(request: Request, exc: Exception) -> Response:
        if not is_unstorable_text(exc):
            return await unexpected(request, exc)
        status = STATUS_OF_CODE["INVALID_TEXT"]
        if is_page(request):
            assert page_error is not None
            return page_error(request, status, "INVALID_TEXT", UNSTORABLE_TEXT_DETAIL)
        return JSONResponse(error_body("INVALID_TEXT", UNSTORABLE_TEXT_DETAIL), status_code=status)

    async def pool_timeout(request: Request, exc: Exception) -> Response:
        # Every pooled connection stayed busy for the pool's whole timeout: a load to wait
        # out, not a fault of this request (attack report 13, F2).
        logger.warning("no database connection came free in time: %s", str(exc)[:200])
        busy = Busy(POOL_BUSY_DETAIL, retry_after=POOL_RETRY_AFTER)
        return await domain_error(request, busy)

    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error", exc_info=exc)
        detail = "Lỗi máy chủ; đã ghi nhật ký. Internal server error; it has been logged."
        if is_page(request):
            assert page_error is not None
            return page_error(request, STATUS_OF_CODE["INTERNAL_ERROR"], "INTERNAL_ERROR", detail)
        status = STATUS_OF_CODE["INTERNAL_ERROR"]
        return JSONResponse(error_body("INTERNAL_ERROR", detail), status_code=status)

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(ImageRejected, domain_error)
    app.add_exception_handler(ModelPackError, model_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    for race in (IntegrityError, StaleDataError, ObjectDeletedError):
        app.add_exception_handler(race, concurrent_change)
    app.add_exception_handler(DataError, unstorable_text)
    app.add_exception_handler(PoolTimeout, pool_timeout)
    app.add_exception_handler(Exception, unexpected)
