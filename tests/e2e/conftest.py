"""A real `attendance serve` process on a free port, always stopped after the test."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_server import STARTUP_SECONDS, Server, StartServer, attendance_command, free_port


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture
def start_server(tmp_path: Path, model_cache: Path) -> Iterator[StartServer]:
    """Start servers on `db` (on `port`, or a free one), each with its own log files;
    all are stopped afterwards."""
    servers: list[Server] = []

    def start(
        db: Path | str,
        admin_token: str | None,
        port: int | None = None,
        env_extra: dict[str, str] | None = None,
        settings: dict[str, str] | None = None,
        workers: int | None = None,
        startup_seconds: float = STARTUP_SECONDS,
    ) -> Server:
        """`db`: the `database_url` fixture's URL (either backend), or an SQLite file's path.
        `settings` / `env_extra`: more ATTEND_ variables for this server (timings, say).
        `workers`: `attendance serve --workers N` (each loads the models: give them longer)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEND_")}
        env |= {
            "ATTEND_DB_URL": db if isinstance(db, str) else f"sqlite:///{db}",
            "ATTEND_MODELS__CACHE_DIR": str(model_cache),
            **(settings or {}),
        }
        if admin_token is not None:
            env["ATTEND_ADMIN_TOKEN"] = admin_token
        env |= env_extra or {}
        port = port or free_port()
        n = len(servers)
        stdout_path, stderr_path = tmp_path / f"stdout-{n}.txt", tmp_path / f"stderr-{n}.txt"
        with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
            # cwd: a folder without a .env file, so only the variables above configure it.
            command = [attendance_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
            if workers is not None:
                command += ["--workers", str(workers)]
            process = subprocess.Popen(
                command,
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=err,
            )
        server = Server(f"http://127.0.0.1:{port}", process, stdout_path)
        servers.append(server)
        # Each worker imports the app and loads the models on its own: on a busy machine the
        # last one answers later.
        deadline = time.monotonic() + startup_seconds * (workers or 1)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = stderr_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"server exited with {process.returncode}:\n{log}")
            try:
                if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"server did not answer /healthz within {startup_seconds * (workers or 1)} s")

    yield start
    for server in servers:
        server.stop()
