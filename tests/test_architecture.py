"""Dependencies run one way (STYLE.md habit 1): the domain stays free of web and vision."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
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


@pytest.mark.slow
@pytest.mark.parametrize(
    "module",
    ["attendance.meetings", "attendance.board_links", "attendance.orm", "usecases.reviews"],
)
def test_a_module_of_the_orm_cycle_imports_first_in_a_fresh_interpreter(module: str) -> None:
    # orm.py imports board_links.py (its table) at the end, which uses meetings.py, which
    # imports orm.py: whichever of them a script imports first must work.
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", f"import {module}"], env=env, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()[-500:]
