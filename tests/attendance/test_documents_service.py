"""The documents domain on a real database and a real folder: typed by content, versions,
order, limits, who may read which, and nothing half-written on a refusal."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from document_files import docx_bytes, image_bytes, numbered_pdf, xlsx_bytes
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance import permissions as kinds
from attendance.audit import entries
from attendance.documents.content import clean_filename
from attendance.documents.service import (
    UNSET,
    Upload,
    add_document,
    add_version,
    delete_document,
    documents,
    readable,
    reads,
    record_read,
    reorder,
    update_document,
)
from attendance.documents.store import DocumentStore
from attendance.documents.tables import PUBLIC, DocumentVersion, MeetingDocument
from attendance.errors import DomainError, NotFound
from attendance.meetings import create_meeting, set_participants
from attendance.orm import utcnow
from attendance.permissions import Principal
from attendance.settings import DocumentSettings
from attendance.voting.passes import authenticate_pass, issue_pass

STAFF = Principal(role="secretary", actor="Thư ký Lê", kind=kinds.TOKEN)


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


@pytest.fixture
def limits() -> DocumentSettings:
    return DocumentSettings(max_file_mb=1, max_meeting_mb=2, max_pdf_pages=5)


def meeting(session: Session, title: str = "Họp giao ban") -> int:
    start = utcnow() + timedelta(hours=1)
    return create_meeting(
        session, title=title, starts_at=start, ends_at=start + timedelta(hours=2)
    ).id


def refused(code: str, call: object) -> None:
    with pytest.raises(DomainError) as error:
        call()  # type: ignore[operator]
    assert error.value.code == code, error.value.message


def test_each_kind_is_told_by_its_content_and_the_name_is_kept_clean(
    session: Session, store: DocumentStore, limits: DocumentSettings
) -> None:
    meeting_id = meeting(session)
    uploads = [
        ("C:\\Users\\thu ky\\Báo cáo quý.pdf", numbered_pdf(3), "pdf", 3),
        ("Tờ trình.docx", docx_bytes(), "docx", None),
        ("Số liệu.xlsx", xlsx_bytes(), "xlsx", None),
        ("anh.bin", image_bytes("PNG"), "png", None),
        ("../../ảnh\u202ehp.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "jpeg", None),
    ]
    for name, data, kind, pages in uploads:
        view = add_document(
            session,
            store,
            limits,
            meeting_id=meeting_id,
            title=f"Tài liệu {kind}",
            upload=Upload(name, data),
            actor="Thư ký Lê",
        )
        assert (view.version.kind, view.version.pages, view.version.number) == (kind, pages, 1)
        assert store.read(view.version.sha256) == data
    names = [
        v.version.filename for v in documents(session, meeting_id=meeting_id, audience="staff")
    ]
    assert names == ["Báo cáo quý.pdf", "Tờ trình.docx", "Số liệu.xlsx", "anh.bin.png", "ảnhhp.jpg"]
    assert clean_filename("x" * 300 + ".pdf", kind="pdf") == "x" * 251 + ".pdf"
    assert clean_filename(" / ", kind="docx") == "tai-lieu.docx"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"MZ\x90\x00" + b"\0" * 100, "DOCUMENT_TYPE"),
        (b"%PDF-1.7\n" + b"junk " * 100, "DOCUMENT_BROKEN"),
        (numbered_pdf(2)[:900], "DOCUMENT_BROKEN"),
        (numbered_pdf(6), "DOCUMENT_TOO_LARGE"),  # over max_pdf_pages
        (b"", "DOCUMENT_EMPTY"),
        (b"\0" * (1024 * 1024 + 1), "DOCUMENT_TOO_LARGE"),
    ],
)
def test_a_refused_upload_leaves_no_row_and_no_file(
    session: Session, store: DocumentStore, limits: DocumentSettings, data: bytes, code: str
) -> None:
    meeting_id = meeting(session)
    refused(
        code,
        lambda: add_document(
            session,
            store,
            limits,
            meeting_id=meeting_id,
            title="Tài liệu",
            upload=Upload("x.pdf", data),
            actor="a",
        ),
    )
    assert session.scalar(select(func.count()).select_from(MeetingDocument)) == 0
    assert store.hashes() == set()


def test_a_plain_zip_and_an_encrypted_pdf_are_refused(
    session: Session, store: DocumentStore, limits: DocumentSettings
) -> None:
    from pypdf import PdfWriter

    meeting_id = meeting(session)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    writer = PdfWriter()
    writer.append(io.BytesIO(numbered_pdf(1)))
    writer.encrypt("mat-khau")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    for data, code in (
        (plain.getvalue(), "DOCUMENT_TYPE"),
        (encrypted.getvalue(), "DOCUMENT_BROKEN"),
    ):
        refused(
            code,
            lambda data=data: add_document(
                session,
                store,
                limits,
                meeting_id=meeting_id,
                title="T",
                upload=Upload("a.docx", data),
                actor="a",
            ),
        )
    assert store.hashes() == set()


def test_versions_order_limits_and_removal(
    session: Session, store: DocumentStore, limits: DocumentSettings
) -> None:
    meeting_id = meeting(session)
    first = add_document(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        title="Dự thảo",
        upload=Upload("du-thao.pdf", numbered_pdf(1, "v1")),
        actor="a",
    )
    second = add_document(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        title="Phụ lục",
        upload=Upload("phu-luc.png", image_bytes("PNG")),
        actor="a",
        visibility=PUBLIC,
    )
    newer = add_version(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        document_id=first.document.id,
        upload=Upload("du-thao-2.pdf", numbered_pdf(2, "v2")),
        actor="a",
    )
    assert [v.number for v in newer.versions] == [2, 1] and newer.version.pages == 2
    ordered = reorder(
        session,
        meeting_id=meeting_id,
        document_ids=[second.document.id, first.document.id],
        actor="a",
    )
    assert [v.document.title for v in ordered] == ["Phụ lục", "Dự thảo"]
    refused("INVALID", lambda: reorder(session, meeting_id=meeting_id, document_ids=[1], actor="a"))
    changed = update_document(
        session,
        meeting_id=meeting_id,
        document_id=first.document.id,
        actor="a",
        title="Dự thảo nghị quyết",
        watermark=True,
        agenda_item_id=UNSET,
    )
    assert changed.document.watermark and changed.document.title == "Dự thảo nghị quyết"
    assert [
        v.document.id for v in documents(session, meeting_id=meeting_id, audience="public")
    ] == [second.document.id]
    # The meeting holds at most 2 MiB, every version counted.
    big = b"\x89PNG\r\n\x1a\n" + bytes(1024 * 1024 - 100)
    add_document(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        title="Lớn",
        upload=Upload("a.png", big),
        actor="a",
    )
    refused(
        "MEETING_DOCUMENTS_FULL",
        lambda: add_document(
            session,
            store,
            limits,
            meeting_id=meeting_id,
            title="Lớn 2",
            upload=Upload("b.png", big + b"1"),
            actor="a",
        ),
    )
    hashes = {v.sha256 for v in newer.versions}
    delete_document(
        session, store.root, meeting_id=meeting_id, document_id=first.document.id, actor="a"
    )
    assert (
        session.scalar(
            select(func.count())
            .select_from(DocumentVersion)
            .where(DocumentVersion.sha256.in_(hashes))
        )
        == 0
    )
    actions = [e.action for e in entries(session, meeting_id=meeting_id)]
    for action in (
        "document_uploaded",
        "document_version_added",
        "documents_reordered",
        "document_updated",
        "document_deleted",
    ):
        assert action in actions


def test_a_link_reads_its_own_meeting_and_what_it_may_see(
    session: Session, store: DocumentStore, limits: DocumentSettings
) -> None:
    from attendance.people import create_person

    meeting_id = meeting(session)
    other = meeting(session, "Họp khác")
    person = create_person(session, full_name="Nguyễn Văn An")
    members = add_document(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        title="Mật",
        upload=Upload("mat.pdf", numbered_pdf(1)),
        actor="a",
    )
    add_version(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        document_id=members.document.id,
        upload=Upload("mat-2.pdf", numbered_pdf(2)),
        actor="a",
    )

    set_participants(session, meeting_id=meeting_id, person_ids=[person.id])
    token = issue_pass(session, meeting_id=meeting_id, person_id=person.id, actor="a")
    delegate = Principal(
        role="",
        actor=f"person:{person.id}",
        kind=kinds.VOTING_LINK,
        voter=authenticate_pass(session, token=token),
        meeting_id=meeting_id,
    )
    elsewhere = Principal(role="", actor="person:1", kind=kinds.VOTING_LINK, meeting_id=other)
    board = Principal(role="", actor="board", kind=kinds.BOARD_LINK, meeting_id=meeting_id)
    doc_id = members.document.id
    view = readable(session, delegate, meeting_id=meeting_id, document_id=doc_id)
    assert view.version.number == 2
    refused(
        "FORBIDDEN",
        lambda: readable(session, delegate, meeting_id=meeting_id, document_id=doc_id, version=1),
    )
    with pytest.raises(NotFound):
        readable(session, elsewhere, meeting_id=meeting_id, document_id=doc_id)
    with pytest.raises(NotFound):
        readable(session, board, meeting_id=meeting_id, document_id=doc_id)
    assert (
        readable(
            session, STAFF, meeting_id=meeting_id, document_id=doc_id, version=1
        ).version.number
        == 1
    )
    record_read(session, delegate, view, what="file")
    [read] = reads(session, meeting_id=meeting_id, document_id=doc_id)
    assert (read.person_id, read.name, read.via, read.what, read.version) == (
        person.id,
        "Nguyễn Văn An",
        "voting_link",
        "file",
        2,
    )


def test_a_deleted_document_s_files_go_only_when_the_deletion_commits(
    session: Session, store: DocumentStore, limits: DocumentSettings
) -> None:
    meeting_id = meeting(session)
    view = add_document(
        session,
        store,
        limits,
        meeting_id=meeting_id,
        title="Báo cáo",
        upload=Upload("bao-cao.pdf", numbered_pdf(1)),
        actor="a",
    )
    document_id, sha256 = view.document.id, view.version.sha256
    session.commit()
    delete_document(session, store.root, meeting_id=meeting_id, document_id=document_id, actor="a")
    session.rollback()
    assert store.exists(sha256)  # the rows are back, and so is nothing lost
    delete_document(session, store.root, meeting_id=meeting_id, document_id=document_id, actor="a")
    session.commit()
    assert not store.exists(sha256)
    assert session.scalar(select(func.count()).select_from(MeetingDocument)) == 0
