"""The system Chromium driven by Playwright: no browser download, no network of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium(extra_args: tuple[str, ...] = ()) -> Iterator[Any]:
    """A Playwright browser on /usr/bin/chromium; skips (with the fix) when it is absent."""
    if not CHROMIUM.is_file():
        pytest.skip("no system Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *extra_args]
        )
        yield browser
        browser.close()


def wait_until(page: Any, expression: str, timeout: float = 2.0) -> None:
    """Wait for a JavaScript expression to hold. Not page.wait_for_function: it builds its
    predicate with eval, which the pages' CSP (no 'unsafe-eval') rightly refuses."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.02)
