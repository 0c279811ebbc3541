"""The documents folder in backups: the files the database names travel with it, come back
byte for byte, and a backup whose files are missing or changed restores nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from db_backends import count_rows
from document_files import numbered_pdf, pdf_bytes
from document_rows_support import add_document, add_version, meeting
from sqlalchemy import delete, select

import attendance.backup as backup_module
from attendance.backup import backup, signing_key
from attendance.backup_documents import FOLDER
from attendance.backup_manifest import MANIFEST, Manifest
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.store import DocumentStore, erase_after_commit
from attendance.documents.tables import DocumentVersion, MeetingDocument
from attendance.errors import Invalid
from attendance.people import create_person
from attendance.restore import restore


def fill(url: str, root: Path) -> dict[str, bytes]:
    """Two documents, one with two versions, in a meeting: every file's bytes by hash."""
    engine = make_engine(url)
    files: dict[str, bytes] = {}
    with unit_of_work(make_session_factory(engine)) as session:
        meeting_id = meeting(session)
        first = pdf_bytes("To trinh so 12")
        document_id, sha = add_document(
            session, root, meeting_id=meeting_id, title="Tờ trình số 12", data=first
        )
        files[sha] = first
        second = numbered_pdf(2, "To trinh so 12, ban sua")
        files[
            add_version(session, root, document_id=document_id, data=second, filename="b.pdf")
        ] = second
        third = pdf_bytes("Bao cao quy IV")
        files[
            add_document(session, root, meeting_id=meeting_id, title="Báo cáo", data=third)[1]
        ] = third
    engine.dispose()
    return files


def folder_state(root: Path) -> dict[str, bytes]:
    """Every file under the documents folder, by its path there."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_backup_holds_the_named_files_and_a_restore_brings_them_back(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "documents"
    files = fill(database_url, source)
    orphan = DocumentStore(source).put(b"an upload whose row never committed")

    manifest = backup(database_url, tmp_path / "b", documents_dir=source)

    assert manifest.documents == {sha: len(data) for sha, data in files.items()}
    assert json.loads((tmp_path / "b" / MANIFEST).read_text())["documents"] == manifest.documents
    copied = DocumentStore(tmp_path / "b" / FOLDER)
    assert copied.hashes() == set(files)  # the orphan is not named: not copied
    assert all(copied.path(sha).stat().st_mode & 0o077 == 0 for sha in files)

    fresh = tmp_path / "fresh" / "documents"
    stale = DocumentStore(fresh).put(b"a file of the database this restore replaces")
    report = restore(empty_database_url, tmp_path / "b", documents_dir=fresh)

    store = DocumentStore(fresh)
    assert store.hashes() == set(files)
    assert {sha: store.read(sha) for sha in files} == files
    assert not store.exists(stale) and not store.exists(orphan)
    assert (report.documents, report.documents_removed) == (3, 1)
    assert fresh.stat().st_mode & 0o777 == 0o700
    assert all(store.path(sha).stat().st_mode & 0o777 == 0o600 for sha in files)
    assert all(store.path(sha).parent.stat().st_mode & 0o777 == 0o700 for sha in files)
    assert count_rows(empty_database_url) == count_rows(database_url)


@pytest.mark.parametrize("damage", ["altered", "missing"])
def test_a_tampered_or_missing_file_refuses_the_restore_and_replaces_nothing(
    database_url: str, tmp_path: Path, damage: str
) -> None:
    source = tmp_path / "documents"
    files = fill(database_url, source)
    backup(database_url, tmp_path / "b", documents_dir=source)
    victim = DocumentStore(tmp_path / "b" / FOLDER).path(sorted(files)[0])
    if damage == "altered":
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 0x01  # one bit: the size is the same, the hash is not
        victim.write_bytes(bytes(data))
    else:
        victim.unlink()
    # The target moved on since: a new person, a new file.
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        create_person(session, full_name="Trần Thị Bình")
        meeting_id = session.scalars(select(MeetingDocument.meeting_id)).first()
        assert meeting_id is not None
        add_document(session, source, meeting_id=meeting_id, title="Mới", data=pdf_bytes("moi"))
    engine.dispose()
    rows, folder = count_rows(database_url), folder_state(source)

    with pytest.raises(Invalid) as refused:
        restore(database_url, tmp_path / "b", force=True, documents_dir=source)

    message = refused.value.message
    assert "không khôi phục gì" in message and "nothing was restored" in message
    assert ("thiếu 1 tệp" in message) == (damage == "missing")
    assert ("có 1 tệp đã bị thay đổi" in message) == (damage == "altered")
    assert count_rows(database_url) == rows
    assert folder_state(source) == folder


def test_a_restore_whose_database_checks_fail_takes_back_the_files_it_brought(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "documents"
    fill(database_url, source)
    manifest = backup(database_url, tmp_path / "b", documents_dir=source)
    # Signed again, claiming a person the copy lacks: refused after the file checks pass.
    manifest.rows = {**manifest.rows, "people": manifest.rows["people"] + 1}
    manifest.sign(signing_key())
    manifest.write(tmp_path / "b")
    target = tmp_path / "target-documents"
    kept = DocumentStore(target).put(b"the running installation's own file")
    before = folder_state(target)

    with pytest.raises(Invalid, match="Row counts differ"):
        restore(empty_database_url, tmp_path / "b", documents_dir=target)

    assert folder_state(target) == before
    assert DocumentStore(target).hashes() == {kept}


def test_an_old_backup_without_documents_still_restores(
    database_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        create_person(session, full_name="Lê Văn Cường")
    engine.dispose()
    backup(database_url, tmp_path / "old")
    # As written before documents existed: no "documents" field at all, signature unchanged.
    path = tmp_path / "old" / MANIFEST
    data = json.loads(path.read_text())
    assert data.pop("documents") == {}
    path.write_text(json.dumps(data))
    assert Manifest.read(tmp_path / "old").documents == {}
    fresh = tmp_path / "fresh-documents"
    stale = DocumentStore(fresh).put(b"left from before")

    report = restore(empty_database_url, tmp_path / "old", documents_dir=fresh)

    assert count_rows(empty_database_url)["people"] == 1
    assert (report.documents, report.documents_removed) == (0, 1)
    assert not DocumentStore(fresh).exists(stale)


def test_a_document_deleted_while_the_backup_runs_makes_it_take_a_fresh_snapshot(
    database_url: str, empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "documents"
    files = fill(database_url, source)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    real_copy = backup_module.copy_out
    calls: list[int] = []

    def deleted_meanwhile(hashes: set[str], folder: Path, draft: Path) -> dict[str, int]:
        """The first copy starts just after the secretary's deletion committed (and erased
        its files): the snapshot already taken still names them."""
        calls.append(len(hashes))
        if len(calls) == 1:
            with unit_of_work(factory) as session:
                document_id = session.scalars(
                    select(MeetingDocument.id).where(MeetingDocument.title == "Báo cáo")
                ).one()
                gone = set(
                    session.scalars(
                        select(DocumentVersion.sha256).where(
                            DocumentVersion.document_id == document_id
                        )
                    )
                )
                session.execute(delete(MeetingDocument).where(MeetingDocument.id == document_id))
                erase_after_commit(session, folder, gone)
        return real_copy(hashes, folder, draft)

    monkeypatch.setattr(backup_module, "copy_out", deleted_meanwhile)
    manifest = backup(database_url, tmp_path / "b", documents_dir=source)
    engine.dispose()

    assert calls == [3, 2]  # taken again: the fresh snapshot names two files
    assert len(manifest.documents) == 2 and set(manifest.documents) < set(files)
    restore(empty_database_url, tmp_path / "b", documents_dir=tmp_path / "restored")
    assert count_rows(empty_database_url)["meeting_documents"] == 1


def test_a_backup_is_refused_when_the_folder_lost_a_named_file(
    database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "documents"
    files = fill(database_url, source)
    DocumentStore(source).unlink([sorted(files)[-1]])

    with pytest.raises(Invalid) as refused:
        backup(database_url, tmp_path / "b", documents_dir=source)

    assert "tệp đã mất" in refused.value.message and "files are lost" in refused.value.message
    assert not (tmp_path / "b").exists()
    assert [p for p in os.listdir(tmp_path) if p.startswith(".b.")] == []  # no draft left
