"""bench/load.py, tiny (2 kiosks x 20 events, single and batched) against the server it
starts on this test's database: its last line's shape, and every distinct event once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^ingest: \d+ req/s p50 \d+\.\d ms p99 \d+\.\d ms exact (yes|no)$")


@pytest.mark.slow
@pytest.mark.parametrize("batch", [0, 8])
def test_tiny_load_ends_with_the_ingest_line_and_exact_counts(
    database_url: str, tmp_path: Path, batch: int
) -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bench.load", "--kiosks", "2", "--events", "20"]
    command += ["--db-url", database_url, "--batch", str(batch)]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=400
    )
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    assert LINE.match(last), last
    assert last.endswith("exact yes"), done.stderr[-3000:]
    # 2 kiosks x 16 people of their own: the two resends of each kind made no second arrival.
    assert "32 people, 32 created, 32 arrivals, 32 audited, 0 failed" in done.stderr
