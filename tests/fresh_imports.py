"""Import each named module first in a process that has loaded none of the project's modules.

Run as `python -P tests/fresh_imports.py PACKAGE...`; prints one JSON object, module name ->
traceback, for the modules that failed (an empty object when all imported).

Starting a new interpreter per module costs seconds each (onnx, scipy and fastapi load for
every one), far too slow for the suite on two cores. Instead this process loads the
third-party libraries the project uses, then forks one child per module: each child starts
with no project module in `sys.modules` (none was ever imported here), so the order the
project's own modules load in is exactly that of a fresh interpreter importing this one
module first, which is what an import cycle depends on.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import traceback
import warnings
from pathlib import Path


def modules_of(packages: list[str]) -> list[str]:
    """Module names from the files (pkgutil.walk_packages would import the packages here)."""
    names: list[str] = []
    for package in packages:
        for path in Path(package).rglob("*.py"):
            parts = path.with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def is_project(name: str, packages: list[str]) -> bool:
    return name.split(".")[0] in packages


def _try_import(name: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module(name)
    except BaseException:
        return traceback.format_exc()
    return None


def third_party_modules(modules: list[str], packages: list[str]) -> list[str]:
    """Names of the non-project modules loaded by importing every project module (in a child,
    so that this process stays free of project modules)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        for name in modules:
            _try_import(name)
        loaded = [name for name in sys.modules if not is_project(name, packages)]
        with os.fdopen(write_end, "w") as out:
            out.write("\n".join(loaded))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as source:
        loaded = source.read().split("\n")
    os.waitpid(pid, 0)
    return loaded


def import_each_in_a_child(modules: list[str], workers: int) -> dict[str, str]:
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        running: dict[int, str] = {}
        pending = list(modules)
        while pending or running:
            while pending and len(running) < workers:
                name = pending.pop(0)
                pid = os.fork()
                if pid == 0:
                    problem = _try_import(name)
                    if problem is not None:
                        Path(folder, name).write_text(problem, encoding="utf-8")
                    os._exit(0 if problem is None else 1)
                running[pid] = name
            pid, status = os.wait()
            name = running.pop(pid)
            if status != 0:
                report = Path(folder, name)
                failures[name] = (
                    report.read_text(encoding="utf-8") if report.exists() else f"status {status}"
                )
    return failures


def main(packages: list[str]) -> None:
    modules = modules_of(packages)
    for name in third_party_modules(modules, packages):
        _try_import(name)
    assert not [name for name in sys.modules if is_project(name, packages)]
    workers = max(2, os.cpu_count() or 2)
    print(json.dumps(import_each_in_a_child(modules, workers), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
