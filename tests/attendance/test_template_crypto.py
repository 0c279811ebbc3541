"""Face templates sealed at rest: the keyring, its file, and what a row without its key gives."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import make_session_factory
from attendance.errors import DomainError, Unavailable
from attendance.orm import FaceTemplate
from attendance.people import create_person
from attendance.settings import Settings
from attendance.template_crypto import OVERHEAD, TemplateKeys
from attendance.templates import (
    QualityFigures,
    add_template,
    load_gallery,
    move_templates,
    template_vector,
)

MODEL = "test-model"
DIM = 128
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=80, brightness=120, yaw=0)


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def factory_with(engine: Engine, keys: TemplateKeys) -> sessionmaker[Session]:
    return make_session_factory(engine, template_keys=keys)


def enroll(factory: sessionmaker[Session], seeds: list[int]) -> list[tuple[int, int]]:
    """One person per seed with one template: (person id, template id) each."""
    made = []
    with factory() as session:
        for seed in seeds:
            person = create_person(session, full_name=f"Người {seed}")
            template = add_template(
                session,
                person_id=person.id,
                model_key=MODEL,
                embedding=unit(seed),
                quality=QUALITY,
                photo_sha256=f"photo-{seed}",
            )
            made.append((person.id, template.id))
        session.commit()
    return made


def raw_column(engine: Engine) -> list[bytes]:
    with engine.connect() as db:
        rows = db.exec_driver_sql("SELECT embedding FROM face_templates ORDER BY id").all()
    return [bytes(r[0]) for r in rows]


def test_the_raw_column_holds_no_float32_embedding(engine: Engine, tmp_path: Path) -> None:
    keys = TemplateKeys(path=tmp_path / "keys" / "templates.key")
    enroll(factory_with(engine, keys), [1, 2, 3])
    raw = raw_column(engine)
    assert len(raw) == 3
    for seed, blob in zip([1, 2, 3], raw, strict=True):
        assert len(blob) == DIM * 4 + OVERHEAD  # not the bare vector's 512 bytes
        known = unit(seed).astype("<f4").tobytes()
        # Not the vector, nor any piece of it (4 floats) at any offset.
        assert all(known[i : i + 16] not in blob for i in range(0, len(known) - 16, 4))
    if engine.dialect.name == "sqlite":
        engine.dispose()  # everything in the database file itself, not only in the WAL
        whole = Path(str(engine.url.database)).read_bytes()
        assert unit(1).astype("<f4").tobytes()[:16] not in whole


def test_a_template_opens_again_under_its_own_key(engine: Engine, tmp_path: Path) -> None:
    keys = TemplateKeys(path=tmp_path / "templates.key")
    factory = factory_with(engine, keys)
    [(_, template_id)] = enroll(factory, [7])
    with factory() as session:
        gallery = load_gallery(session, model_key=MODEL, dim=DIM)
        template = session.get(FaceTemplate, template_id)
        assert template is not None
        assert np.allclose(template_vector(session, template), unit(7))
    assert np.allclose(gallery.matrix[0], unit(7), atol=1e-6)


def test_a_database_copied_without_its_key_gives_no_embedding(
    engine: Engine, tmp_path: Path
) -> None:
    enroll(factory_with(engine, TemplateKeys(path=tmp_path / "ours.key")), [1, 2])
    stranger = factory_with(engine, TemplateKeys(path=tmp_path / "another.key"))
    with stranger() as session, pytest.raises(Unavailable) as refused:
        load_gallery(session, model_key=MODEL, dim=DIM)
    assert refused.value.code == "TEMPLATE_KEY_UNKNOWN"
    assert "ATTEND_KEY_FILE" in refused.value.message


def test_a_row_moved_to_another_person_by_hand_does_not_open(
    engine: Engine, tmp_path: Path
) -> None:
    factory = factory_with(engine, TemplateKeys(path=tmp_path / "templates.key"))
    (_, moved), (second, _) = enroll(factory, [1, 2])
    with engine.begin() as db:
        db.execute(
            text("UPDATE face_templates SET person_id = :p WHERE id = :t"),
            {"p": second, "t": moved},
        )
    with factory() as session:
        gallery = load_gallery(session, model_key=MODEL, dim=DIM)
        template = session.get(FaceTemplate, moved)
        assert template is not None
        with pytest.raises(DomainError) as refused:
            template_vector(session, template)
    assert refused.value.code == "TEMPLATE_DAMAGED"
    # Left out of the gallery, not mistaken for the second person's face.
    assert list(gallery.people) == [second]
    assert np.allclose(gallery.matrix[0], unit(2), atol=1e-6)


def test_a_merge_seals_the_templates_again_for_their_new_person(
    engine: Engine, tmp_path: Path
) -> None:
    factory = factory_with(engine, TemplateKeys(path=tmp_path / "templates.key"))
    (first, moved), (second, _) = enroll(factory, [1, 2])
    with factory() as session:
        assert move_templates(session, from_id=first, to_id=second) == 1
        session.commit()
    with factory() as session:
        template = session.get(FaceTemplate, moved)
        assert template is not None and template.person_id == second
        assert np.allclose(template_vector(session, template), unit(1))


def test_the_key_file_is_created_owner_only_and_read_again(tmp_path: Path) -> None:
    path = tmp_path / "config" / "templates.key"
    keys = TemplateKeys(path=path)
    current = keys.keyset().current
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    held = json.loads(path.read_text())
    assert held["current"] == current and list(held["keys"]) == [current]
    assert TemplateKeys(path=path).keyset().current == current  # another process: the same


def test_a_key_id_the_process_does_not_hold_sends_it_to_the_file(tmp_path: Path) -> None:
    """A server meets a row sealed under a key a rotation just added: it reads the file."""
    from attendance.template_keyfile import key_id_of, new_secret, write_key_file

    path = tmp_path / "templates.key"
    frozen = 0.0
    server = TemplateKeys(path=path, clock=lambda: frozen)
    old = server.keyset()
    secret = new_secret()
    write_key_file(
        path, current=key_id_of(secret), secrets_by_id={**old.secrets, key_id_of(secret): secret}
    )
    rotated = TemplateKeys(path=path)
    blob = rotated.seal(unit(3), person_id=1, template_id=1)
    assert server.keyset().current == old.current  # its clock did not move: not looked yet
    assert np.allclose(server.open(blob, person_id=1, template_id=1), unit(3))
    assert server.keyset().current == key_id_of(secret)  # and it writes with the new one now


def test_a_server_writes_with_the_new_key_a_second_after_the_file_changed(
    tmp_path: Path,
) -> None:
    from attendance.template_keyfile import key_id_of, new_secret, write_key_file

    path = tmp_path / "templates.key"
    now = [100.0]
    server = TemplateKeys(path=path, clock=lambda: now[0])
    old = server.keyset()
    secret = new_secret()
    write_key_file(
        path, current=key_id_of(secret), secrets_by_id={**old.secrets, key_id_of(secret): secret}
    )
    now[0] += 0.5
    assert server.keyset().current == old.current
    now[0] += 0.6
    assert server.keyset().current == key_id_of(secret)


def test_the_key_may_come_from_the_environment_instead(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "k" * 20 + "e" * 20
    settings = Settings(key=SecretStr(secret), key_file=tmp_path / "unused.key")
    keys = TemplateKeys.from_settings(settings)
    factory = factory_with(engine, keys)
    enroll(factory, [5])
    assert not (tmp_path / "unused.key").exists()  # no file written with ATTEND_KEY
    monkeypatch.setenv("ATTEND_KEY", secret)
    again = TemplateKeys.from_settings(Settings())
    with factory_with(engine, again)() as session:
        assert np.allclose(load_gallery(session, model_key=MODEL, dim=DIM).matrix[0], unit(5))


def test_a_key_too_short_is_refused_with_what_to_set(tmp_path: Path) -> None:
    keys = TemplateKeys.from_settings(Settings(key=SecretStr("short")))
    with pytest.raises(Unavailable) as refused:
        keys.keyset()
    assert refused.value.code == "TEMPLATE_KEY_UNAVAILABLE"
    assert "ATTEND_KEY" in refused.value.message


def test_a_key_file_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "templates.key"
    path.write_text("not json")
    with pytest.raises(Unavailable) as refused:
        TemplateKeys(path=path).keyset()
    assert refused.value.code == "TEMPLATE_KEY_UNAVAILABLE" and str(path) in refused.value.message


def test_a_key_file_inside_the_data_folder_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inside = Settings(data_dir=tmp_path / "data", key_file=tmp_path / "data" / "templates.key")
    outside = Settings(data_dir=tmp_path / "data", key_file=tmp_path / "config" / "t.key")
    TemplateKeys.from_settings(outside)
    assert "ATTEND_KEY_FILE" not in caplog.text
    TemplateKeys.from_settings(inside)
    assert "ATTEND_KEY_FILE" in caplog.text and "data folder" in caplog.text
