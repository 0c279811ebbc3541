"""PostgreSQL's own client programs (pg_dump, pg_restore): found, version-checked, and given
a database without its password on their command line."""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from attendance.errors import Unavailable

logger = logging.getLogger(__name__)

# Debian and Ubuntu keep each major version's programs here; /usr/bin holds a wrapper.
VERSIONED_BINS = "/usr/lib/postgresql/*/bin"
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


@dataclass(frozen=True)
class PgProgram:
    path: Path
    major: int


def program_major(path: Path) -> int | None:
    """The major version `PROGRAM --version` names; None when it cannot be run."""
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except OSError:
        return None
    found = _VERSION.search(out)
    return int(found.group(1)) if found else None


def find_program(name: str, *, server_major: int) -> PgProgram:
    """`name` (pg_dump, pg_restore) of the server's major version or newer: the versioned
    folders first (the closest version wins), then PATH. pg_dump refuses a newer server."""
    candidates = [Path(p) / name for p in sorted(glob.glob(VERSIONED_BINS))]
    on_path = shutil.which(name)
    if on_path is not None:
        candidates.append(Path(on_path))
    found: list[PgProgram] = []
    for path in candidates:
        major = program_major(path) if path.is_file() else None
        if major is not None:
            found.append(PgProgram(path, major))
    usable = sorted((p for p in found if p.major >= server_major), key=lambda p: p.major)
    if usable:
        return usable[0]
    seen = ", ".join(f"{p.path} ({p.major})" for p in found) or "không có / none"
    raise Unavailable(
        f"Cần {name} của PostgreSQL {server_major} trở lên (máy chủ cơ sở dữ liệu là bản "
        f"{server_major}); đã tìm trong PATH và {VERSIONED_BINS}: {seen}. Hãy cài gói "
        f"postgresql-client-{server_major}. "
        f"{name} of PostgreSQL {server_major} or newer is needed (the database server is "
        f"{server_major}); looked on PATH and in {VERSIONED_BINS}: {seen}. Install the "
        f"package postgresql-client-{server_major}."
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries the
    password (PGPASSWORD): a password on a command line is readable by every user's `ps`."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    bare = parsed.set(drivername="postgresql", password=None)
    return bare.render_as_string(hide_password=False), env


def run_program(command: list[str], env: dict[str, str], what: str) -> None:
    """Run a client program; its complaint, if it fails, becomes the error's message."""
    logger.info("running %s", command[0])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Unavailable(
            f"{what} thất bại (mã {done.returncode}). {what} failed (status "
            f"{done.returncode}): {done.stderr.strip()[-2000:]}"
        )
