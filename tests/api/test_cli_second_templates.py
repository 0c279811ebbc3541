"""`attendance templates add-second`: faces enrolled before the second model was installed get
their dlib template from the crop their template keeps; a face without a crop is reported,
never guessed (real models on t1.jpg's faces, either backend)."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import NAMES, execute, query
from test_cli import cli_env
from typer.testing import CliRunner

from api.cli import app
from attendance.db import make_engine, make_session_factory
from attendance.orm import FaceTemplate
from attendance.settings import get_settings
from attendance.templates import template_vector
from models.images import decode_image
from models.packs import FacePipeline

__all__ = ["cli_env"]  # the fixture, shared with test_cli.py
CONSENT = ["--consent-recorded-by", "Chị Thu", "--consent-reference", "PĐY-2026/02"]
DLIB_KEY = "dlib:55533b28a958+c4b1e9804792:128"
COLUMNS = (
    "SELECT id, person_id, model_key, companion_of, photo_sha256, consent_id, photo_name "
    "FROM face_templates ORDER BY id"
)


def with_second_model(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv("ATTEND_MODELS__SECOND_OPINION", setting)
    get_settings.cache_clear()


def test_add_second_makes_each_missing_template_from_the_crop_and_reports_the_rest(
    cli_env: Path,
    face_photos: list[bytes],
    second_pipeline: FacePipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    photos = cli_env / "photos"
    for name, photo in zip(NAMES[:3], face_photos[:3]):
        (photos / name).mkdir(parents=True)
        (photos / name / "1.jpg").write_bytes(photo)
    runner = CliRunner()
    enrolled = runner.invoke(app, ["enroll", str(photos), *CONSENT], env={"COLUMNS": "200"})
    assert enrolled.exit_code == 0, enrolled.output
    url = get_settings().db_url
    before = query(url, COLUMNS)
    assert len(before) == 3 and all(row[3] is None for row in before)  # SFace alone
    refused = runner.invoke(app, ["templates", "add-second"], env={"COLUMNS": "200"})
    assert refused.exit_code == 2 and "ATTEND_MODELS__SECOND_OPINION" in refused.output
    # The third was enrolled before crops were kept: nothing to make its template from.
    no_crop = before[2][0]
    execute(url, "UPDATE face_templates SET crop_jpeg = NULL WHERE id = :id", id=no_crop)

    with_second_model(monkeypatch, "on")
    # verify says some faces have no dlib template, and whose settings it reports.
    verified = runner.invoke(app, ["models", "verify"], env={"COLUMNS": "200"})
    assert verified.exit_code == 0, verified.output
    assert "3 faces (3 people) have no second-model template" in verified.output
    assert "not a running server's" in verified.output
    preview = runner.invoke(app, ["templates", "add-second", "--dry-run"], env={"COLUMNS": "200"})
    assert preview.exit_code == 0, preview.output
    ids = ", ".join(str(row[0]) for row in before)
    assert f"3 faces (3 people) have no {DLIB_KEY} template: {ids}" in preview.output
    assert query(url, COLUMNS) == before  # nothing written

    done = runner.invoke(app, ["templates", "add-second"], env={"COLUMNS": "200"})
    assert done.exit_code == 1, done.output  # one face could not be given its template
    assert "Added 2 second-model templates" in done.output and "for 2 people" in done.output
    assert "a running server uses them from its next recognition" in done.output
    assert "1 templates keep no face crop" in done.output and str(no_crop) in done.output
    verified = runner.invoke(app, ["models", "verify"], env={"COLUMNS": "200"})
    assert "1 faces (1 people) have no second-model template" in verified.output
    after = query(url, COLUMNS)
    assert second_pipeline.second is not None
    dlib_key = second_pipeline.second.identity.key
    added = after[3:]
    assert [row[3] for row in added] == [before[0][0], before[1][0]]
    for row, primary in zip(added, before[:2]):
        assert row[2] == dlib_key
        assert (row[1], *row[4:]) == (primary[1], *primary[4:])  # person, photo, consent, name
    # Made from the crop, dlib's embedding is the one the person's photo gives, near enough,
    # and nearer it than any other person's.
    names = dict(query(url, "SELECT id, full_name FROM people"))
    from_photos = {}
    for name, photo in zip(NAMES[:3], face_photos[:3]):
        image = decode_image(photo)
        [face] = second_pipeline.detect(image)
        from_photos[name] = second_pipeline.embed_second(image, [face])[0]
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        for row in added:
            stored = template_vector(session, session.get_one(FaceTemplate, row[0]))
            scores = {name: float(stored @ v) for name, v in from_photos.items()}
            assert max(scores, key=scores.__getitem__) == names[row[1]]
            assert scores[names[row[1]]] > 0.97
    engine.dispose()

    again = runner.invoke(app, ["templates", "add-second"], env={"COLUMNS": "200"})
    assert again.exit_code == 1 and "Added 0 second-model templates" in again.output
    assert str(no_crop) in again.output  # still without a crop: still listed
    assert len(query(url, COLUMNS)) == 5
