"""Dependencies run one way (STYLE.md habit 1): the domain stays free of web and vision."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "attendance": {
        "fastapi",
        "starlette",
        "cv2",
        "onnxruntime",
        "onnx",
        "insightface",
        "api",
        "kiosk",
        "enrollment",
        "models",
        "uvicorn",
    },
    "models": {"sqlalchemy", "fastapi", "starlette", "attendance", "api", "enrollment", "kiosk"},
    "enrollment": {"fastapi", "starlette", "api", "kiosk"},
    "usecases": {"fastapi", "starlette", "api", "kiosk"},
    "wire": {"fastapi", "starlette", "sqlalchemy", "api", "kiosk", "attendance", "models"},
    "kiosk": {"api", "fastapi", "starlette", "sqlalchemy", "uvicorn"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_http_exceptions_are_raised_only_in_the_api_package() -> None:
    users = [
        str(p.relative_to(ROOT))
        for package in ("attendance", "models", "enrollment", "kiosk")
        for p in (ROOT / package).rglob("*.py")
        if "HTTPException" in p.read_text(encoding="utf-8")
    ]
    assert users == []
