"""`attendance templates add-second` and `models verify` when something is wrong: a primary
that is damaged or whose crop shows another face, a crop far larger than ours, another
add-second running at once, a second model that cannot load (real models, either backend)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from api_support import NAMES, execute, query
from numpy.typing import NDArray
from PIL import Image
from test_cli import cli_env
from typer.testing import CliRunner

from api.cli import app
from api.cli_support import local_services
from attendance.db import unit_of_work
from attendance.settings import get_settings
from enrollment.second_templates import SecondTemplates, add_second_batch
from models import dlib_embedder
from models.packs import FacePipeline
from models.types import DetectedFace

__all__ = ["cli_env"]  # the fixture, shared with test_cli.py
CONSENT = ["--consent-recorded-by", "Chị Thu", "--consent-reference", "PĐY-2026/02"]
WIDE = {"COLUMNS": "200"}
PRIMARIES = "SELECT id FROM face_templates WHERE companion_of IS NULL ORDER BY id"
SET_CROP = "UPDATE face_templates SET crop_jpeg = :c WHERE id = :id"
SET_CROP = "UPDATE face_templates SET crop_jpeg = :c WHERE id = :id"
COMPANIONS = "SELECT companion_of FROM face_templates WHERE companion_of IS NOT NULL ORDER BY 1"


def enroll(cli_env: Path, photos: list[bytes]) -> list[int]:
    """Enroll one photo a person, SFace alone (cli_env); their template ids."""
    folder = cli_env / "photos"
    for name, photo in zip(NAMES, photos):
        (folder / name).mkdir(parents=True)
        (folder / name / "1.jpg").write_bytes(photo)
    enrolled = CliRunner().invoke(app, ["enroll", str(folder), *CONSENT], env=WIDE)
    assert enrolled.exit_code == 0, enrolled.output
    return [row[0] for row in query(get_settings().db_url, PRIMARIES)]


def second_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTEND_MODELS__SECOND_OPINION", "on")
    get_settings.cache_clear()


def test_a_damaged_primary_or_a_crop_of_another_face_gets_no_companion(
    cli_env: Path,
    face_photos: list[bytes],
    second_pipeline: FacePipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good, stranger, damaged, huge = enroll(cli_env, face_photos[:4])
    url = get_settings().db_url
    # The crop shows someone else's face (a tampered row), the primary no longer decrypts,
    # and a "crop" far larger than ours (160 square) is refused undecoded.
    execute(url, SET_CROP, c=face_photos[5], id=stranger)
    # Its sealed embedding with one byte of the ciphertext changed: under the right key,
    # but it no longer opens.
    [(sealed,)] = query(url, "SELECT embedding FROM face_templates WHERE id = :id", id=damaged)
    sealed = bytes(sealed)
    broken = sealed[:-1] + bytes([sealed[-1] ^ 0xFF])
    execute(url, "UPDATE face_templates SET embedding = :e WHERE id = :id", e=broken, id=damaged)
    # The template's own crop enlarged 4 times (640 square): its face would be found and
    # match (SFace 0.98 on t1's first face), but a crop that large is not one of ours.
    [(crop,)] = query(url, "SELECT crop_jpeg FROM face_templates WHERE id = :id", id=huge)
    big = io.BytesIO()
    Image.open(io.BytesIO(bytes(crop))).resize((640, 640)).save(big, "JPEG")
    execute(url, SET_CROP, c=big.getvalue(), id=huge)

    second_on(monkeypatch)
    done = CliRunner().invoke(app, ["templates", "add-second"], env=WIDE)
    assert done.exit_code == 1, done.output
    assert "Added 1 second-model templates" in done.output
    assert "1 SFace templates are damaged (do not decrypt), so never recognised" in done.output
    assert f"enroll the photo again: {damaged}" in done.output
    assert "2 templates whose face crop no longer shows the template's own face" in done.output
    assert f"{stranger}, {huge}" in done.output
    assert done.output.index("1 mẫu SFace bị hỏng") < done.output.index("1 SFace templates")
    assert query(url, COMPANIONS) == [(good,)]


def test_faces_given_a_companion_or_deleted_meanwhile_are_skipped_not_a_traceback(
    cli_env: Path,
    face_photos: list[bytes],
    second_pipeline: FacePipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second, third = enroll(cli_env, face_photos[:3])
    second_on(monkeypatch)
    services = local_services(create=False)
    pipeline = services.pipeline
    url = get_settings().db_url
    real_embed = pipeline.embed_second
    calls: list[int] = []

    def another_command_meanwhile(
        image: np.ndarray, faces: list[DetectedFace]
    ) -> NDArray[np.float32]:
        # While this run's dlib works on its first face, another add-second (its own
        # session, committed) gives all three faces their companion, and then the third
        # face is erased: what two terminals and an erasure do at once.
        if not calls:
            calls.append(1)
            with unit_of_work(services.sessions) as other:
                assert add_second_batch(other, pipeline=pipeline, report=SecondTemplates())
            execute(url, "DELETE FROM face_templates WHERE companion_of = :id", id=third)
            execute(url, "DELETE FROM face_templates WHERE id = :id", id=third)
        return real_embed(image, faces)

    monkeypatch.setattr(pipeline, "embed_second", another_command_meanwhile)
    report = SecondTemplates()
    with unit_of_work(services.sessions) as session:
        add_second_batch(session, pipeline=pipeline, report=report)
    assert (report.added, report.skipped) == (0, 3)
    assert query(url, COMPANIONS) == [(first,), (second,)]  # one each, from the other run
    services.engine.dispose()


def test_add_second_refuses_in_words_when_the_pack_does_not_load(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    # A configured InsightFace pack that is not installed.
    monkeypatch.setenv("ATTEND_MODELS__PACK", "buffalo_l")
    monkeypatch.setenv("ATTEND_MODELS__DIR", str(cli_env / "no-models"))
    get_settings.cache_clear()
    refused = CliRunner().invoke(app, ["templates", "add-second"], env=WIDE)
    assert refused.exit_code == 2, refused.output
    assert isinstance(refused.exception, SystemExit)  # no traceback
    assert refused.output.startswith("Không nạp được gói mô hình, chưa thêm gì:")
    assert "The model pack cannot be loaded, nothing added:" in refused.output


def test_second_opinion_on_without_dlib_is_refused_with_the_hint_intact(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    second_on(monkeypatch)
    monkeypatch.setitem(sys.modules, "dlib", None)  # `import dlib` fails, as without dlib-bin
    runner = CliRunner()
    refused = runner.invoke(app, ["templates", "add-second"], env=WIDE)
    assert refused.exit_code == 2 and isinstance(refused.exception, SystemExit), refused.output
    assert "dlib is not installed: pip install -e '.[accurate]'" in refused.output
    verified = runner.invoke(app, ["models", "verify"], env=WIDE)
    assert verified.exit_code == 1, verified.output
    failed = next(line for line in verified.output.splitlines() if "cannot be loaded" in line)
    assert failed.startswith("Không nạp được gói mô hình sface:")
    assert "dlib is not installed: pip install -e '.[accurate]'" in failed  # not eaten as markup


def test_verify_says_why_the_second_model_did_not_load_under_auto(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not dlib_embedder.available():
        pytest.skip("dlib-bin and face-recognition-models are not installed (the accurate extra)")
    monkeypatch.setenv("ATTEND_MODELS__SECOND_OPINION", "auto")
    get_settings.cache_clear()
    # The weights this release was calibrated with are not the ones installed.
    monkeypatch.setattr(dlib_embedder, "RESNET_SHA256", "0" * 64)
    verified = CliRunner().invoke(app, ["models", "verify"], env=WIDE)
    assert verified.exit_code == 0, verified.output  # auto: SFace alone, as configured
    line = next(line for line in verified.output.splitlines() if "second opinion: off" in line)
    assert "the second model is not in use:" in line
    assert "is not the file this release was calibrated with" in line
    assert "see the log" not in line
