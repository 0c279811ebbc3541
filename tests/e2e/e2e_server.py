"""Running `attendance serve` as a child process and stopping it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

STARTUP_SECONDS = 120  # a loaded 2-core machine starts a server slowly


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    stdout_path: Path

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


StartServer = Callable[..., Server]


def attendance_command() -> str:
    beside_python = Path(sys.executable).parent / "attendance"
    found = str(beside_python) if beside_python.is_file() else shutil.which("attendance")
    if found is None:
        pytest.skip("the `attendance` command is not installed (pip install -e .)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
