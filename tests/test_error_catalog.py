"""One error-code catalog (STYLE.md habit 14): every code raised has one HTTP status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from api.errors import status_for
from attendance import errors
from attendance.errors import STATUS_OF_CODE, Conflict, DomainError, Forbidden, Invalid
from enrollment.quality_gate import Reason
from models import images

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("attendance", "models", "enrollment", "usecases", "wire", "kiosk", "api")

ERROR_CLASSES = {
    cls.__name__
    for module in (errors, images)
    for cls in vars(module).values()
    if isinstance(cls, type) and issubclass(cls, DomainError | images.ImageRejected)
}
# Functions of api/ that answer with a code given as a literal: error_body(code, detail) and
# page_error(request, status, code, detail).
CODE_ARGUMENT = {"error_body": 0, "page_error": 2}


# Codes computed at run time that the scan cannot read, each with why it is safe: an error's
# own code passed on, the enrollment gate's reasons (checked from the enum below), and the
# framework's own errors (an unknown route, a wrong method) named after their HTTP status.
COMPUTED_ELSEWHERE = ("exc.code", ".reason.value")
FRAMEWORK_NAMED = {
    ("api/errors.py", "name"),
    ("api/errors.py", "HTTPStatus(exc.status_code).name"),
    # The documents page's wrapper of page_error hands on the reason it was given.
    ("api/web/document_pages.py", "reason"),
}


def literals(node: ast.AST) -> list[str] | None:
    """The codes an expression can give: a literal, a choice of literals, a lookup in a dict of
    literals (its values); None when it is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    parts: list[ast.AST] = []
    if isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
        parts = list(node.value.values)
    found = [literals(part) for part in parts]
    if not found or any(f is None for f in found):
        return None
    return [code for f in found if f is not None for code in f]


def codes_in(path: Path) -> tuple[set[str], list[str]]:
    """The codes a module raises (or answers with), and the ones it computes out of sight."""
    where = str(path.relative_to(ROOT))
    codes: set[str] = set()
    computed: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        given: list[ast.expr] = []
        if isinstance(node, ast.ClassDef):
            given = [
                item.value
                for item in node.body
                if isinstance(item, ast.Assign)
                and [ast.unparse(t) for t in item.targets] == ["code"]
            ]
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func).split(".")[-1]
            if name in ERROR_CLASSES:
                given = [k.value for k in node.keywords if k.arg == "code"]
                if name == "PhotoRejected" and node.args:
                    given.append(node.args[0])
            elif name in CODE_ARGUMENT and len(node.args) > CODE_ARGUMENT[name]:
                given = [node.args[CODE_ARGUMENT[name]]]
        for value in given:
            found, text = literals(value), ast.unparse(value)
            if found is not None:
                codes.update(found)
            elif not (
                text.endswith(COMPUTED_ELSEWHERE)
                or text.startswith("Reason.")
                or (where, text) in FRAMEWORK_NAMED
            ):
                computed.append(f"{where}:{getattr(value, 'lineno', '?')} {text}")
    return codes, computed


def raised_codes() -> tuple[set[str], list[str]]:
    codes: set[str] = {reason.value for reason in Reason}
    computed: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found, unknown = codes_in(path)
            codes |= found
            computed += unknown
    return codes, computed


def test_every_error_code_raised_has_a_status_in_the_catalog() -> None:
    codes, computed = raised_codes()
    assert computed == []  # a code built at run time cannot be checked: spell it out
    assert sorted(codes - set(STATUS_OF_CODE)) == []
    # The scan sees the codes this file names (it would pass vacuously otherwise).
    assert {"NOT_ON_ROSTER", "NOT_PRESENT", "IMAGE_TOO_LARGE", "DUPLICATE_PERSON"} <= codes


def test_the_catalog_holds_only_codes_that_are_used() -> None:
    codes, _ = raised_codes()
    assert sorted(set(STATUS_OF_CODE) - codes) == []


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Invalid("Không có. Not there.", code="NOT_ON_ROSTER"), 403),
        (Forbidden("Không có. Not there.", code="NOT_ON_ROSTER"), 403),
        (Conflict("Vắng. Absent.", code="NOT_PRESENT"), 403),
        (Invalid("Không quyền. No rights.", code="NO_VOTING_RIGHTS"), 403),
        (images.ImageTooLarge("Lớn. Large."), 413),
    ],
)
def test_a_code_decides_its_status_whichever_exception_carries_it(
    error: Exception, status: int
) -> None:
    assert status_for(error) == status


def test_a_code_missing_from_the_catalog_falls_back_to_its_class() -> None:
    assert status_for(Forbidden("Mới. New.", code="SOMETHING_NEW")) == 403
    assert status_for(Conflict("Mới. New.", code="SOMETHING_NEW")) == 409
