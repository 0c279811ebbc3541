"""The commands and the documents folder: `attendance backup` and `restore` carry it (the
configured ATTEND_DOCUMENTS__DIR), `attendance db copy` leaves it where it is and says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from db_backends import POSTGRES_URL, count_rows
from document_files import pdf_bytes
from document_rows_support import add_document, meeting
from typer.testing import CliRunner

from api.cli import app
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.store import DocumentStore
from attendance.migrate import upgrade
from attendance.settings import get_settings

WIDE = {"COLUMNS": "400"}


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def with_documents(url: str, root: Path) -> dict[str, bytes]:
    engine = make_engine(url)
    files = {}
    with unit_of_work(make_session_factory(engine)) as session:
        meeting_id = meeting(session)
        for title in ("Tờ trình số 12", "Báo cáo quý IV"):
            data = pdf_bytes(title.encode().hex())
            files[add_document(session, root, meeting_id=meeting_id, title=title, data=data)[1]] = (
                data
            )
    engine.dispose()
    return files


def run(*args: str, db_url: str, documents: Path) -> str:
    get_settings.cache_clear()
    env = {**WIDE, "ATTEND_DB_URL": db_url, "ATTEND_DOCUMENTS__DIR": str(documents)}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_backup_and_restore_carry_the_configured_documents_folder(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "documents"
    files = with_documents(database_url, source)

    said = run("backup", str(tmp_path / "b"), db_url=database_url, documents=source)
    assert "2 tệp tài liệu" in said and "2 document files" in said

    fresh = tmp_path / "elsewhere" / "documents"
    said = run("restore", str(tmp_path / "b"), db_url=empty_database_url, documents=fresh)
    assert f"Tài liệu: 2 tệp ghi vào {fresh}" in said
    assert f"Documents: 2 files written into {fresh}" in said
    store = DocumentStore(fresh)
    assert {sha: store.read(sha) for sha in store.hashes()} == files
    assert count_rows(empty_database_url) == count_rows(database_url)


@pytest.mark.skipif(POSTGRES_URL is None, reason="needs ATTEND_TEST_POSTGRES_URL")
def test_db_copy_leaves_the_documents_where_they_are_and_says_so(
    empty_database_url: str, tmp_path: Path
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("the target is a PostgreSQL database: run with ATTEND_TEST_BACKEND=postgresql")
    source = f"sqlite:///{tmp_path / 'office.db'}"
    upgrade(source)
    folder = tmp_path / "data" / "documents"
    files = with_documents(source, folder)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    said = run("db", "copy", "--to", empty_database_url, db_url=source, documents=folder)

    assert f"Tệp tài liệu (2 tệp) KHÔNG được chép: chúng ở nguyên {folder}" in said
    assert f"Document files (2) were NOT copied: they stay in {folder}" in said
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert DocumentStore(folder).hashes() == set(files)
    assert count_rows(empty_database_url)["document_versions"] == 2
