"""A meeting's documents leave with it: their rows, who read them, their files (one another
meeting shares stays), and on SQLite their titles and readers leave the database's files too.
A person's removal takes their reads; a merge keeps them under the person kept."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from document_files import pdf_bytes
from document_rows_support import add_document, add_version, meeting
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.service import Upload, delete_document
from attendance.documents.service import add_document as add_document_by_service
from attendance.documents.store import DocumentStore
from attendance.documents.tables import (
    FILE,
    VIA_VOTING_LINK,
    DocumentRead,
    DocumentVersion,
    MeetingDocument,
)
from attendance.meeting_removal import delete_meeting, meeting_contents
from attendance.orm import AuditEntry, Base
from attendance.people import create_person
from attendance.people_merge import merge_people
from attendance.people_removal import delete_person
from attendance.settings import DocumentSettings


def read_by(session: Session, *, meeting_id: int, document_id: int, person_id: int) -> None:
    version = session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id)
    ).first()
    assert version is not None
    session.add(
        DocumentRead(
            meeting_id=meeting_id,
            document_id=document_id,
            version_id=version.id,
            person_id=person_id,
            actor=f"person:{person_id}",
            via=VIA_VOTING_LINK,
            what=FILE,
        )
    )
    session.flush()


def count(session: Session, table: type[Base]) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_deleting_a_meeting_takes_its_documents_reads_and_files(
    database_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "documents"
    store = DocumentStore(root)
    shared = pdf_bytes("Quy che lam viec")  # uploaded to both meetings: one file
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        doomed, kept = meeting(session, "Họp xóa"), meeting(session, "Họp giữ")
        person = create_person(session, full_name="Phạm Thị Dung")
        first, own = add_document(
            session, root, meeting_id=doomed, title="Tờ trình", data=pdf_bytes("a")
        )
        second = add_version(session, root, document_id=first, data=pdf_bytes("b"), filename="b")
        add_document(session, root, meeting_id=doomed, title="Quy chế", data=shared)
        other, same = add_document(session, root, meeting_id=kept, title="Quy chế", data=shared)
        read_by(session, meeting_id=doomed, document_id=first, person_id=person.id)
        read_by(session, meeting_id=kept, document_id=other, person_id=person.id)
        assert meeting_contents(session, meeting_id=doomed).documents == 2

    with unit_of_work(factory) as session:
        gone = delete_meeting(session, meeting_id=doomed, actor="Thư ký Lê", documents_root=root)
        assert store.exists(own)  # a rollback would keep them: unlinked only after the commit

    assert gone.documents == 2
    assert store.hashes() == {same}
    with factory() as session:
        assert session.scalars(select(MeetingDocument.meeting_id)).all() == [kept]
        assert count(session, DocumentVersion) == 1
        assert session.scalars(select(DocumentRead.document_id)).all() == [other]
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "meeting_deleted")
        ).one()
        assert json.loads(entry.detail)["documents"] == 2
    assert second not in store.hashes()
    engine.dispose()


def test_a_rolled_back_meeting_deletion_keeps_the_files(database_url: str, tmp_path: Path) -> None:
    root = tmp_path / "documents"
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        meeting_id = meeting(session)
        sha = add_document(session, root, meeting_id=meeting_id, title="T", data=pdf_bytes("t"))[1]
    with factory() as session:
        delete_meeting(session, meeting_id=meeting_id, actor="Thư ký Lê", documents_root=root)
        session.rollback()
    engine.dispose()
    assert DocumentStore(root).exists(sha)


def test_a_removed_person_takes_their_reads_and_a_merged_one_keeps_them(
    database_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "documents"
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        meeting_id = meeting(session)
        document_id = add_document(
            session, root, meeting_id=meeting_id, title="Tờ trình", data=pdf_bytes("t")
        )[0]
        removed, twin, kept = (
            create_person(session, full_name=name).id
            for name in ("Đỗ Văn Em", "Nguyễn Thị Ánh", "Nguyễn Thị Ánh")
        )
        for person_id in (removed, twin, kept):
            read_by(session, meeting_id=meeting_id, document_id=document_id, person_id=person_id)
    with unit_of_work(factory) as session:
        delete_person(session, person_id=removed, actor="Quản trị", force=True)
        merge_people(session, person_id=twin, into_id=kept, actor="Quản trị")
    with factory() as session:
        readers = session.scalars(select(DocumentRead.person_id)).all()
    engine.dispose()
    assert readers == [kept, kept]


@pytest.mark.sqlite_only
def test_a_deleted_meetings_document_titles_and_readers_leave_the_sqlite_files(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'attendance.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    title = f"Tờ trình mật {secrets.token_hex(8)}"
    reader = f"voting-pass:{secrets.token_hex(8)}"
    root = tmp_path / "documents"
    with unit_of_work(factory) as session:
        meeting_id = meeting(session)
        person = create_person(session, full_name="Vũ Văn Giang")
        document_id = add_document(
            session, root, meeting_id=meeting_id, title=title, data=pdf_bytes("mat")
        )[0]
        read_by(session, meeting_id=meeting_id, document_id=document_id, person_id=person.id)
        session.execute(update(DocumentRead).values(actor=reader))

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in sorted(tmp_path.iterdir()) if p.is_file())

    assert title.encode() in on_disk() and reader.encode() in on_disk()  # the test can see them
    with unit_of_work(factory) as session:
        delete_meeting(session, meeting_id=meeting_id, actor="Thư ký Lê", documents_root=root)
    assert title.encode() not in on_disk()
    assert reader.encode() not in on_disk()
    assert (tmp_path / "attendance.db-wal").stat().st_size == 0
    assert DocumentStore(root).hashes() == set()
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_deleted_documents_file_and_readers_leave_the_folder_and_the_sqlite_files(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'attendance.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    root = tmp_path / "documents"
    reader = f"voting-pass:{secrets.token_hex(8)}"
    with unit_of_work(factory) as session:
        meeting_id = meeting(session)
        person = create_person(session, full_name="Vũ Văn Giang")
        view = add_document_by_service(
            session,
            DocumentStore(root),
            DocumentSettings(dir=root),
            meeting_id=meeting_id,
            title="Tờ trình",
            upload=Upload(filename="tờ trình.pdf", data=pdf_bytes("to trinh")),
            actor="Thư ký Lê",
        )
        read_by(session, meeting_id=meeting_id, document_id=view.document.id, person_id=person.id)
        session.execute(update(DocumentRead).values(actor=reader))

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in sorted(tmp_path.iterdir()) if p.is_file())

    assert reader.encode() in on_disk() and DocumentStore(root).exists(view.version.sha256)
    with unit_of_work(factory) as session:
        delete_document(
            session, root, meeting_id=meeting_id, document_id=view.document.id, actor="Thư ký Lê"
        )
    assert reader.encode() not in on_disk()
    assert (tmp_path / "attendance.db-wal").stat().st_size == 0
    assert DocumentStore(root).hashes() == set()
    with factory() as session:
        assert count(session, DocumentVersion) == count(session, DocumentRead) == 0
    engine.dispose()
