"""For every test: the data folder, the configuration folder, the secret ballots' master
key and the face templates' key in temporary folders, never the user's own
(~/.local/share/attendance, ~/.config)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("keys") / "attendance.key"
        patch.setenv("ATTEND_SECRET_KEY_FILE", str(path))
        patch.setenv("ATTEND_KEY_FILE", str(path.with_name("templates.key")))
        patch.setenv("ATTEND_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        # Servers the tests start get a copy of the environment without ATTEND_ variables:
        # their defaults must land in temporary folders too.
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
        yield
