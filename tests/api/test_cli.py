"""The `attendance` command line: enroll a folder, identify, models, database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import NAMES, T1_PATH
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from api.cli import app
from attendance.db import make_engine
from attendance.settings import get_settings


@pytest.fixture
def cli_env(
    tmp_path: Path, empty_database_url: str, model_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("ATTEND_DB_URL", empty_database_url)
    monkeypatch.setenv("ATTEND_MODELS__CACHE_DIR", str(model_cache))
    monkeypatch.setenv("ATTEND_MODELS__MAX_SIDE", "1280")
    # SFace alone, as the api tests' pipeline (a face, one template): the second model's
    # templates are tested in test_cli_second_templates.py.
    monkeypatch.setenv("ATTEND_MODELS__SECOND_OPINION", "off")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_enroll_folder_accepts_good_photos_and_explains_the_rest(
    cli_env: Path, face_photos: list[bytes]
) -> None:
    photos = cli_env / "photos"
    for name, photo in zip(NAMES[:3], face_photos[:3]):
        (photos / name).mkdir(parents=True)
        (photos / name / "1.jpg").write_bytes(photo)
    (photos / NAMES[3]).mkdir()
    (photos / NAMES[3] / "notes.jpg").write_text("không phải ảnh")
    (photos / NAMES[4]).mkdir()
    (photos / NAMES[4] / "group.jpg").write_bytes(T1_PATH.read_bytes())

    runner = CliRunner()
    consent = ["--consent-recorded-by", "Chị Thu", "--consent-reference", "PĐY-2026/01"]
    result = runner.invoke(app, ["enroll", str(photos), *consent], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Accepted 3/5 photos of 5 people" in result.output
    assert "UNREADABLE_IMAGE" in result.output and "MULTIPLE_FACES" in result.output
    # A folder cannot take a face_index: the way out is the person's page, said plainly.
    assert "face_index" not in result.output
    assert "bấm" in result.output and "click" in result.output

    # Those whose photos were all refused were not created, nor their consent recorded.
    again = runner.invoke(app, ["enroll", str(photos)], env={"COLUMNS": "200"})
    assert again.exit_code == 2 and "Phạm Minh Dũng, Đặng Thị Giang" in again.output
    again = runner.invoke(app, ["enroll", str(photos), *consent], env={"COLUMNS": "200"})
    assert "Accepted 3/5 photos of 5 people" in again.output  # idempotent, no duplicates

    found = runner.invoke(app, ["identify", str(T1_PATH)])
    assert found.exit_code == 0, found.output
    faces = json.loads(found.output)["faces"]
    assert len(faces) == 6
    matched = sorted(f["person"]["full_name"] for f in faces if f["decision"] == "match")
    assert matched == sorted(NAMES[:3])


def test_enroll_without_consent_refuses_and_stores_nothing(
    cli_env: Path, face_photos: list[bytes]
) -> None:
    photos = cli_env / "photos"
    for name, photo in zip(NAMES[:2], face_photos[:2]):
        (photos / name).mkdir(parents=True)
        (photos / name / "1.jpg").write_bytes(photo)
    runner = CliRunner()
    refused = runner.invoke(app, ["enroll", str(photos)], env={"COLUMNS": "200"})
    assert refused.exit_code == 2, refused.output
    assert "--consent-recorded-by" in refused.output and NAMES[0] in refused.output
    half = ["--consent-recorded-by", "Chị Thu"]
    assert runner.invoke(app, ["enroll", str(photos), *half]).exit_code == 2
    engine = make_engine(get_settings().db_url)
    with engine.connect() as db:
        people = db.exec_driver_sql("SELECT count(*) FROM people").scalar()
        templates = db.exec_driver_sql("SELECT count(*) FROM face_templates").scalar()
    engine.dispose()
    assert (people, templates) == (0, 0)

    consent = [*half, "--consent-reference", "PĐY-7", "--consent-purpose", "school_attendance"]
    done = runner.invoke(app, ["enroll", str(photos), *consent], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    engine = make_engine(get_settings().db_url)
    with engine.connect() as db:
        rows = db.exec_driver_sql(
            "SELECT given_by, relation, purposes, method, reference, recorded_by FROM consents"
        ).all()
        linked = db.exec_driver_sql(
            "SELECT count(*) FROM face_templates WHERE consent_id IS NOT NULL"
        ).scalar()
    engine.dispose()
    assert sorted(rows) == sorted(
        (n, "self", '["school_attendance"]', "paper_form", "PĐY-7", "Chị Thu") for n in NAMES[:2]
    )
    assert linked == 2


def test_identify_unreadable_file_exits_with_a_message(cli_env: Path) -> None:
    bad = cli_env / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 cut")
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(app, ["identify", str(bad)])
    assert result.exit_code == 2
    assert "image" in result.output.lower()


def test_models_list_verify_and_db_upgrade(cli_env: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["models", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0 and "sface" in listed.output and "buffalo_l" in listed.output
    verified = runner.invoke(app, ["models", "verify"], env={"COLUMNS": "200"})
    assert verified.exit_code == 0, verified.output
    assert "mismatch" not in verified.output and "loaded sface:" in verified.output
    missing = runner.invoke(app, ["models", "verify", "buffalo_l"], env={"COLUMNS": "200"})
    assert missing.exit_code == 1
    assert "non-commercial" in " ".join(missing.output.split())
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and "head" in upgraded.output


def test_kiosk_token_create_prints_a_working_token_once(cli_env: Path) -> None:
    from attendance.db import make_engine, make_session_factory
    from attendance.errors import Unauthorized
    from attendance.tokens import authenticate

    runner = CliRunner()
    created = runner.invoke(app, ["kiosk-token", "create", "--name", "cửa-A", "--room", "Phòng 1"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    engine = make_engine(get_settings().db_url)
    with make_session_factory(engine)() as session:
        row = authenticate(session, token=token)
        assert (row.role, row.room) == ("kiosk", "Phòng 1")
    listed = runner.invoke(app, ["kiosk-token", "list"], env={"COLUMNS": "200"})
    assert "cửa-A" in listed.output and token not in listed.output
    again = runner.invoke(app, ["kiosk-token", "create", "--name", "cửa-A", "--room", "P2"])
    assert again.exit_code == 2
    token_id = created.output.split("#", 1)[1].split()[0]
    revoked = runner.invoke(app, ["kiosk-token", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    with make_session_factory(engine)() as session, pytest.raises(Unauthorized):
        authenticate(session, token=token)
    engine.dispose()


def test_export_writes_each_format_named_after_the_meeting(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timedelta, timezone

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from attendance.db import make_engine, make_session_factory, unit_of_work
    from attendance.meetings import create_meeting, set_participants
    from attendance.migrate import upgrade
    from attendance.people import create_person

    db_url = get_settings().db_url
    upgrade(db_url)
    engine = make_engine(db_url)
    start = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    with unit_of_work(make_session_factory(engine)) as session:
        meeting = create_meeting(
            session, title="Họp Chi bộ tháng 3", starts_at=start, ends_at=start + timedelta(hours=2)
        )
        people = [create_person(session, full_name=n) for n in ("Đặng Văn Bảo", "Vũ Thị Ấu")]
        set_participants(session, meeting_id=meeting.id, person_ids=[p.id for p in people])
        meeting_id = meeting.id
    engine.dispose()
    monkeypatch.chdir(cli_env)
    runner = CliRunner()

    made = runner.invoke(
        app, ["export", str(meeting_id), "--format", "xlsx"], env={"COLUMNS": "200"}
    )
    assert made.exit_code == 0, made.output
    default = cli_env / "hop-chi-bo-thang-3-2026-03-02.xlsx"
    assert f"Exported meeting {meeting_id} to {default.name}" in made.output
    rows = list(load_workbook(default)["Điểm danh"].values)
    assert [r[1] for r in rows[1:]] == ["Vũ Thị Ấu", "Đặng Văn Bảo"]  # Ấu before Bảo

    target = cli_env / "out" / "biên bản.pdf"
    target.parent.mkdir()
    made = runner.invoke(app, ["export", str(meeting_id), "-f", "pdf", "-o", str(target)])
    assert made.exit_code == 0, made.output
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Họp Chi bộ tháng 3" in text and "Vắng mặt" in text

    made = runner.invoke(app, ["export", str(meeting_id), "--format", "csv"])
    assert made.exit_code == 0, made.output
    assert (cli_env / "hop-chi-bo-thang-3-2026-03-02.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_of_an_unknown_meeting_or_format_says_why(cli_env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    missing = runner.invoke(app, ["export", "999", "--format", "pdf"], env={"COLUMNS": "200"})
    assert missing.exit_code == 2
    assert (
        "Không có cuộc họp số 999" in missing.output and "No meeting with id 999" in missing.output
    )
    # Which database was searched: a meeting "missing" from another folder's database (its
    # file; on PostgreSQL its address without the password).
    url = make_url(get_settings().db_url)
    sqlite = url.get_backend_name() == "sqlite"
    database = str(url.database) if sqlite else url.render_as_string(hide_password=True)
    assert url.password is None or f":{url.password}@" not in missing.output
    assert f"Cơ sở dữ liệu đang dùng: {database}" in missing.output
    assert f"Database in use: {database}" in missing.output
    odd = runner.invoke(app, ["export", "1", "--format", "docx"], env={"COLUMNS": "200"})
    assert odd.exit_code == 2
    assert "không được hỗ trợ" in odd.output and "not supported" in odd.output
