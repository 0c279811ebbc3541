"""The OpenAPI document describes the error answers: their one shape and each route's statuses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.schemas import ErrorRead

ERROR_REF = {"$ref": "#/components/schemas/ErrorRead"}
BEARER = "bearer"

DESCRIPTIONS = {
    400: (
        "Yêu cầu hỏng (JSON hoặc multipart không đọc được). "
        "Malformed request (a body that is not JSON, not UTF-8, or an unreadable multipart)."
    ),
    401: "Thiếu hoặc sai mã truy cập. Missing or invalid token.",
    403: "Không được phép: vai trò, phòng, cuộc họp hoặc sự có mặt. "
    "Not allowed: role, room, meeting scope or presence.",
    404: "Không tìm thấy: một mã số không trỏ tới gì. Not found: an id names nothing.",
    409: "Trạng thái hiện tại không cho phép. The current state does not allow it.",
    410: "Đã hết hạn và đã bị xoá. Expired and erased.",
    413: "Tệp gửi lên quá lớn. The upload is larger than the limits.",
    422: "Dữ liệu không hợp lệ. The request is not valid.",
    429: "Quá nhiều yêu cầu; hãy thử lại sau. Too many requests; try again later.",
}

# Statuses a route answers that its shape does not show (see error_statuses); by operation.
EXTRA: dict[tuple[str, str], set[int]] = {
    # Results are published once the poll closes (POLL_NOT_CLOSED).
    ("get", "/api/v1/meetings/{meeting_id}/polls/{poll_id}/results"): {409},
    # A class photo past its hours (CLASS_PHOTO_EXPIRED).
    ("get", "/api/v1/meetings/{meeting_id}/class-photo/{photo_id}"): {410},
    ("get", "/api/v1/meetings/{meeting_id}/class-photo/{photo_id}/crops/{face}"): {410},
    ("post", "/api/v1/meetings/{meeting_id}/class-photo/{photo_id}/confirm"): {410},
}
# Writes that answer 200 with the first record when it exists already (a repeated
# idempotency key, a second sighting, a photo with no new arrivals), 201 when they write.
REPEATABLE = {
    ("post", "/api/v1/meetings/{meeting_id}/checkins"),
    ("post", "/api/v1/meetings/{meeting_id}/checkouts"),
}


def error_statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses of one operation, from what it takes and where it lives."""
    body = operation.get("requestBody", {}).get("content", {})
    statuses: set[int] = set()
    if operation.get("parameters") or body:
        statuses.add(422)
    if path.startswith("/api/v1/"):
        # A token or a voting link on every call; a role, room or meeting scope on most.
        statuses |= {401, 403, 429}
    if "{" in path:
        statuses.add(404)
    if body:
        # Ids in the body; the upload limit counts every body; 400 is FastAPI's own answer
        # to a body it cannot parse at all (not JSON, not UTF-8, a broken multipart).
        statuses |= {400, 404, 413}
    if method != "get":
        statuses.add(409)
    return statuses | EXTRA.get((method, path), set())


def describe_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Every error answer is an ErrorRead ({reason, detail}), FastAPI's HTTPValidationError
    included; each operation lists its statuses, and /api/v1 its bearer token."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    error_schema = ErrorRead.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorRead"] = error_schema
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    components.setdefault("securitySchemes", {})[BEARER] = {"type": "http", "scheme": "bearer"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if (method, path) in REPEATABLE and "201" in responses:
                first = "Đã ghi từ trước: bản ghi đầu tiên. Already recorded: the first record."
                responses.setdefault("200", {**responses["201"], "description": first})
            for status in sorted(error_statuses(method, path, operation)):
                responses[str(status)] = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
            if path.startswith("/api/v1/"):
                operation.setdefault("security", [{BEARER: []}])
    return schema


class DocumentedAPI(FastAPI):
    """FastAPI whose OpenAPI document is passed through describe_errors, once."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = describe_errors(super().openapi())
        return self.openapi_schema
