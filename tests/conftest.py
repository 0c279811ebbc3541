"""For every test: the secret ballots' master key in a temporary folder, never ./keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def master_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("keys") / "attendance.key"
        patch.setenv("ATTEND_SECRET_KEY_FILE", str(path))
        yield
