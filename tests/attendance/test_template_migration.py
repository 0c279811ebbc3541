"""Migration 0013 seals the templates written before, all or none, and downgrade opens them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from attendance.db import make_engine
from attendance.errors import Unavailable
from attendance.migrate import alembic_config, downgrade, upgrade
from attendance.template_crypto import OVERHEAD, TemplateKeys

# The revision before the sealing one, whichever that is once migrations are chained.
BEFORE = str(
    ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("0013").down_revision
)
VECTORS = {1: np.array([0.5, 0.5, 0.5, 0.5], "<f4"), 2: np.array([1, 0, 0, 0], "<f4")}


def plain_database(url: str) -> str:
    """A database before sealing with two people and a plain template each (ids 1 and 2 on
    either backend: a fresh database's first rows)."""
    upgrade(url, BEFORE)
    engine = make_engine(url)
    with engine.begin() as db:
        for person, vector in VECTORS.items():
            db.execute(
                text(
                    "INSERT INTO people (full_name, search_name, created_at)"
                    " VALUES (:name, :search, '2026-01-01')"
                ),
                {"name": f"Người {person}", "search": f"nguoi {person}"},
            )
            db.execute(
                text(
                    "INSERT INTO face_templates (person_id, model_key, dim, embedding, det_score,"
                    " face_px, sharpness, brightness, yaw, photo_sha256, created_at) VALUES"
                    " (:person, 'm', 4, :blob, 0.9, 100, 100, 100, 0, :photo, '2026-01-01')"
                ),
                {"person": person, "blob": vector.tobytes(), "photo": str(person)},
            )
    engine.dispose()
    return url


def stored(url: str) -> tuple[dict[int, bytes], str]:
    engine = make_engine(url)
    with engine.connect() as db:
        rows = dict(db.exec_driver_sql("SELECT id, embedding FROM face_templates").all())
        revision = db.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    engine.dispose()
    return {int(k): bytes(v) for k, v in rows.items()}, str(revision)


def test_existing_templates_are_sealed_and_a_downgrade_opens_them(
    empty_database_url: str, tmp_path: Path
) -> None:
    url = plain_database(empty_database_url)
    keys = TemplateKeys(path=tmp_path / "templates.key")
    upgrade(url, template_keys=keys)
    sealed, _ = stored(url)
    for template_id, vector in VECTORS.items():
        assert len(sealed[template_id]) == vector.nbytes + OVERHEAD
        assert vector.tobytes() not in sealed[template_id]
        opened = keys.open(sealed[template_id], person_id=template_id, template_id=template_id)
        assert np.array_equal(opened, vector)
    upgrade(url, template_keys=keys)  # again: nothing sealed twice
    assert stored(url)[0] == sealed
    downgrade(url, BEFORE, template_keys=keys)
    plain, revision = stored(url)
    assert revision == BEFORE
    assert plain == {t: v.tobytes() for t, v in VECTORS.items()}


def test_without_a_key_the_upgrade_stops_before_sealing_any_row(
    empty_database_url: str, tmp_path: Path
) -> None:
    url = plain_database(empty_database_url)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    keys = TemplateKeys(path=blocker / "templates.key")  # cannot be read or created
    with pytest.raises(Unavailable) as refused:
        upgrade(url, template_keys=keys)
    assert "ATTEND_KEY_FILE" in refused.value.message and "ATTEND_KEY" in refused.value.message
    plain, revision = stored(url)
    assert revision == BEFORE
    assert plain == {t: v.tobytes() for t, v in VECTORS.items()}
