"""`attendance keys status` and `attendance keys rotate` on this machine's database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from api.cli import app
from attendance import template_rotation
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.migrate import upgrade
from attendance.people import create_person
from attendance.settings import get_settings
from attendance.template_crypto import TemplateKeys
from attendance.templates import QualityFigures, add_template

QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=80, brightness=120, yaw=0)


@pytest.fixture
def key_file(
    tmp_path: Path, empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    path = tmp_path / "config" / "templates.key"
    monkeypatch.setenv("ATTEND_DB_URL", empty_database_url)
    monkeypatch.setenv("ATTEND_KEY_FILE", str(path))
    monkeypatch.setattr(template_rotation, "GRACE_SECONDS", 0.0)
    get_settings.cache_clear()
    url = get_settings().db_url
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine, template_keys=TemplateKeys(path=path))) as s:
        for n in range(3):
            person = create_person(s, full_name=f"Người {n}")
            vector = np.eye(8, dtype=np.float32)[n]
            add_template(
                s, person_id=person.id, model_key="m", embedding=vector, quality=QUALITY,
                photo_sha256=str(n),
            )  # fmt: skip
    engine.dispose()
    yield path
    get_settings.cache_clear()


def test_keys_status_then_rotate_then_status(key_file: Path) -> None:
    runner = CliRunner()
    old = json.loads(key_file.read_text())["current"]
    status = runner.invoke(app, ["keys", "status"], env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output
    assert old in status.output and "3" in status.output and str(key_file) in status.output
    rotated = runner.invoke(app, ["keys", "rotate", "--batch", "2"], env={"COLUMNS": "200"})
    assert rotated.exit_code == 0, rotated.output
    held = json.loads(key_file.read_text())
    assert held["current"] != old and list(held["keys"]) == [held["current"]]
    assert held["current"] in rotated.output and old in rotated.output  # dropped, by id
    assert held["keys"][held["current"]] not in rotated.output  # never the key itself
    after = runner.invoke(app, ["keys", "status"], env={"COLUMNS": "200"})
    assert held["current"] in after.output and old not in after.output


def test_keys_status_fails_loudly_when_templates_need_a_key_not_held(key_file: Path) -> None:
    runner = CliRunner()
    before_rotation = key_file.read_text()
    assert runner.invoke(app, ["keys", "rotate"]).exit_code == 0
    rotated = runner.invoke(app, ["keys", "rotate"], env={"COLUMNS": "200"})
    assert "sao lưu khóa mới" in rotated.output and "Back the new key up now" in rotated.output
    key_file.write_text(before_rotation)  # a restored old key file, rows sealed under the new
    status = runner.invoke(app, ["keys", "status"], env={"COLUMNS": "200"})
    assert status.exit_code == 1 and "3 face templates are sealed under keys" in status.output
