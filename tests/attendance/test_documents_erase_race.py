"""A document deleted while the same bytes are uploaded to another document: the upload that
commits keeps its file (attack14 #1). The deletion's erase runs after its commit and sees only
committed rows, so the upload's row, flushed but not committed yet, does not stop it; the
upload then puts its bytes back once it commits."""

from __future__ import annotations

import threading
from pathlib import Path

from document_files import pdf_bytes
from document_rows_support import meeting
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.documents.service import Upload, add_document, delete_document
from attendance.documents.store import DocumentStore
from attendance.settings import DocumentSettings

ACTOR = "Thư ký Lê"


def upload(session: Session, root: Path, meeting_id: int, data: bytes) -> tuple[int, str]:
    view = add_document(
        session,
        DocumentStore(root),
        DocumentSettings(dir=root),
        meeting_id=meeting_id,
        title="Quy chế",
        upload=Upload(filename="quy chế.pdf", data=data),
        actor=ACTOR,
    )
    return view.document.id, view.version.sha256


def test_an_upload_flushed_while_a_deletion_erases_keeps_its_file(
    database_url: str, tmp_path: Path
) -> None:
    """The worst order, made to happen every time: the deletion commits; before its erase
    looks at the rows, the upload of the same bytes to another meeting flushes its row; the
    erase unlinks the file (no committed row names it); then the upload commits."""
    root = tmp_path / "documents"
    data = pdf_bytes("Quy che dung chung")
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        first, second = meeting(session, "Họp A"), meeting(session, "Họp B")
        doomed, sha256 = upload(session, root, first, data)

    flushed, erased = threading.Event(), threading.Event()
    kept: dict[str, object] = {}

    def upload_to_second() -> None:
        try:
            with unit_of_work(factory) as session:
                kept["id"] = upload(session, root, second, data)[0]
                flushed.set()
                erased.wait(30)
        except BaseException as error:  # shown by the assertion below
            kept["error"] = error
            flushed.set()

    uploader = threading.Thread(target=upload_to_second)

    def start_the_upload(session: Session) -> None:
        # Before erase_if_asked (insert=True): after the deletion's commit, before its erase.
        if session.info.pop("race", False):
            uploader.start()
            flushed.wait(30)

    event.listen(factory, "after_commit", start_the_upload, insert=True)
    with unit_of_work(factory) as session:
        session.info["race"] = True
        delete_document(session, root, meeting_id=first, document_id=doomed, actor=ACTOR)
    erased.set()
    uploader.join(30)
    assert "error" not in kept, kept.get("error")
    assert DocumentStore(root).exists(sha256), "the committed upload lost its file"
    assert DocumentStore(root).read(sha256) == data
    engine.dispose()


def race_once(
    factory: sessionmaker[Session], root: Path, first: int, second: int, data: bytes
) -> str:
    """Delete a document of `first` while the same bytes go to `second`; the file's hash."""
    with unit_of_work(factory) as session:
        doomed, sha256 = upload(session, root, first, data)
    errors: list[BaseException] = []

    def delete() -> None:
        try:
            with unit_of_work(factory) as session:
                delete_document(session, root, meeting_id=first, document_id=doomed, actor=ACTOR)
        except BaseException as error:
            errors.append(error)

    def add() -> None:
        try:
            with unit_of_work(factory) as session:
                upload(session, root, second, data)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=delete), threading.Thread(target=add)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return sha256


def test_deletions_racing_uploads_of_the_same_bytes_never_lose_a_file(
    database_url: str, tmp_path: Path
) -> None:
    """Threads, many rounds, no forced order: each committed upload finds its file (before
    the fix, a few rounds in 25 lost it)."""
    root = tmp_path / "documents"
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        first, second = meeting(session, "Họp A"), meeting(session, "Họp B")
    for round_ in range(25):
        sha256 = race_once(factory, root, first, second, pdf_bytes(f"Vong {round_}"))
        assert DocumentStore(root).exists(sha256), f"round {round_}: the upload lost its file"
    engine.dispose()
