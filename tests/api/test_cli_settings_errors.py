"""A malformed setting ends any command in one line naming the variable and what it accepts,
Vietnamese first, exit 2: no pydantic traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import app


@pytest.mark.parametrize("command", [["models", "verify"], ["templates", "add-second"]])
def test_a_malformed_setting_is_named_with_what_it_accepts(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTEND_MODELS__SECOND_OPINION", "bogus")
    monkeypatch.setenv("ATTEND_LIMITS__ANALYSIS_CONCURRENCY", "abc")
    refused = CliRunner().invoke(app, command, env={"COLUMNS": "300"})
    assert refused.exit_code == 2, refused.output
    assert isinstance(refused.exception, SystemExit)  # no traceback
    assert refused.output.startswith("Giá trị không hợp lệ của ATTEND_MODELS__SECOND_OPINION")
    assert "Input should be 'auto', 'on' or 'off'" in refused.output
    assert "Invalid value of ATTEND_LIMITS__ANALYSIS_CONCURRENCY" in refused.output


def test_good_settings_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTEND_MODELS__SECOND_OPINION", "off")
    listed = CliRunner().invoke(app, ["models", "list"], env={"COLUMNS": "300"})
    assert listed.exit_code == 0, listed.output
    assert "sface" in listed.output
