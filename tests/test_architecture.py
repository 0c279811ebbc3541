"""Dependencies run one way (STYLE.md habit 1): the domain stays free of web and vision."""

from __future__ import annotations

import ast
import json
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


BEYOND_TOP = "<relative import past the top-level package>"


def package_of(path: Path) -> list[str]:
    """The package a module's relative imports start from: `api/routes/people.py` ->
    ["api", "routes"]; a package's `__init__.py` is that package."""
    return list(path.relative_to(ROOT).parent.parts)


def imported_roots_of(source: str, package: list[str]) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # `from . import x` is the package itself, each further dot one package up.
            roots.add(package[0] if node.level <= len(package) else BEYOND_TOP)
    return roots


def imported_roots(path: Path) -> set[str]:
    return imported_roots_of(path.read_text(encoding="utf-8"), package_of(path))


def test_relative_imports_count_as_imports_of_their_package_root() -> None:
    source = "from . import x\nfrom ..errors import NotFound\nfrom ... import api\n"
    assert imported_roots_of(source, ["attendance", "voting"]) == {"attendance", BEYOND_TOP}
    assert imported_roots_of("from .routes import people\n", ["api"]) == {"api"}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_allows(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            imported_roots(path) & (FORBIDDEN[package] | {BEYOND_TOP})
        )
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


# Alembic runs its env script inside `alembic.context`; it is not a module to import.
NOT_MODULES = {"attendance.migrations.env"}


@pytest.mark.slow
def test_every_module_imports_first_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """No import cycle hidden by the order modules happen to load in (STYLE.md habit 15).

    One process forks a child per module (see tests/fresh_imports.py): about a minute of CPU
    for all of them, where a new interpreter each would take many. The limit is wall time on
    a shared machine: at load 8 on two cores the same run took 3.5 min (it had 120 s, and
    failed there with nothing wrong)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
    env |= {"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-P", str(ROOT / "tests" / "fresh_imports.py"), *sorted(FORBIDDEN), "api"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    failures = json.loads(done.stdout)
    assert {name: failures[name] for name in sorted(set(failures) - NOT_MODULES)} == {}
