"""The page viewer against a page of absurd shape (attack14 #2), through the real app: the
attacker's 586-byte PDF (one page 0.000001 pt wide, 500 000 pt tall) is refused at upload, and
one already kept (uploaded before the check) is refused by the page route at once, for staff,
a delegate (its watermarked copy too) and the board, instead of a 12 GB bitmap."""

from __future__ import annotations

import hashlib
import time

from api_support import execute, query
from document_files import text_pdf
from fastapi.testclient import TestClient
from hostile_pdfs import THIN
from test_api_document_pages import add, open_meeting, page_url, services_of

from attendance.board_links import issue_board_link
from attendance.db import unit_of_work
from attendance.documents.tables import PUBLIC


def test_the_thin_page_pdf_is_refused_at_upload(client: TestClient, database_url: str) -> None:
    meeting = open_meeting(client)
    refused = client.post(
        f"/api/v1/meetings/{meeting.id}/documents",
        data={"title": "Tờ trình", "visibility": PUBLIC},
        files={"file": ("thin5.pdf", THIN, "application/pdf")},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["reason"] == "DOCUMENT_BROKEN"
    assert "khổ bất thường" in refused.json()["detail"]
    assert "absurd size" in refused.json()["detail"]
    rows = query(
        database_url,
        "SELECT count(*) FROM meeting_documents WHERE meeting_id = :m",
        m=meeting.id,
    )
    assert rows == [(0,)]
    assert not services_of(client).documents.exists(hashlib.sha256(THIN).hexdigest())


def test_a_thin_page_kept_before_the_check_is_never_drawn(
    client: TestClient, database_url: str
) -> None:
    meeting = open_meeting(client)
    plain = add(client, meeting.id, text_pdf(1, lines_per_page=2), visibility=PUBLIC)
    # Members only: a public document cannot be watermarked (the board gets no stamp).
    stamped = add(client, meeting.id, text_pdf(1, lines_per_page=3), watermark=True)
    services = services_of(client)
    sha256 = services.documents.put(THIN)  # as an upload before this check kept it
    for doc_id in (plain, stamped):
        execute(
            database_url,
            "UPDATE document_versions SET sha256 = :s WHERE document_id = :d",
            s=sha256,
            d=doc_id,
        )
    with unit_of_work(services.sessions) as session:
        key = issue_board_link(session, meeting_id=meeting.id, actor="Thư ký")
    askers = [
        ({}, {}),  # staff
        (meeting.links[0], {}),  # a delegate: the watermarked one is stamped, then drawn
        ({"Authorization": ""}, {"key": key}),  # the board
    ]
    for doc_id, who in ((plain, askers), (stamped, askers[:2])):
        for headers, params in who:
            started = time.monotonic()
            answer = client.get(
                page_url(meeting.id, doc_id, 1),
                params={"width": 1600, **params},
                headers=headers,
            )
            assert time.monotonic() - started < 5
            assert answer.status_code == 422, answer.text
            assert answer.json()["reason"] == "DOCUMENT_NOT_DRAWN"
            assert "tải tệp về" in answer.json()["detail"]
