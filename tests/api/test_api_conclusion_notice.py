"""GET /meetings/{id}/conclusion-notice (DOCX, PDF), GET and PUT its draft: the files hold
the meeting they came from; who may export, read and edit; bad input answered 4xx."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from docx import Document
from fastapi.testclient import TestClient
from notice_support import (
    CONCLUSIONS,
    NAMED_MOTION,
    OBJECT_TEXT,
    REASON,
    NoticeMeeting,
    notice_meeting,
)
from permission_support import account_id, add_account
from pypdf import PdfReader

from api.schemas_notice import NoticeDraftFields
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.notices.draft import DRAFT_FIELDS
from attendance.orm import AuditEntry

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def made(client: TestClient, database_url: str) -> Iterator[NoticeMeeting]:
    """The notice's meeting written straight into the app's database (the app started
    first: its lifespan migrated it)."""
    engine = make_engine(database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        made = notice_meeting(session)
    engine.dispose()
    yield made


def notice_url(meeting_id: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/conclusion-notice"


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    lines += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(lines)


def test_the_docx_is_an_attachment_holding_the_meeting(
    client: TestClient, made: NoticeMeeting
) -> None:
    response = client.get(notice_url(made.meeting_id), params={"format": "docx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_TYPE
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(
        f'attachment; filename="thong-bao-ket-luan-{made.meeting_id}.docx"'
    )
    vietnamese = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert vietnamese.startswith(f"Thông báo kết luận {made.meeting_id} Họp giao ban")
    assert response.headers["cache-control"] == "no-store"
    text = docx_text(response.content)
    assert "Số đại biểu được triệu tập: 5; có mặt: 3; vắng mặt: 2;" in text
    assert f"Kết quả biểu quyết \u201c{NAMED_MOTION}\u201d: Thông qua, tán thành 3 trên 3" in text
    assert REASON in text and OBJECT_TEXT in text and CONCLUSIONS[1] in text


def test_the_pdf_holds_the_same_meeting(client: TestClient, made: NoticeMeeting) -> None:
    response = client.get(notice_url(made.meeting_id), params={"format": "pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert (
        f'filename="thong-bao-ket-luan-{made.meeting_id}.pdf"'
        in (response.headers["content-disposition"])
    )
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "vắng mặt: 2" in text and CONCLUSIONS[0] in text


def test_an_unknown_format_is_refused_in_both_languages(
    client: TestClient, made: NoticeMeeting
) -> None:
    response = client.get(notice_url(made.meeting_id), params={"format": "xlsx"})
    assert response.status_code == 422
    body = response.json()
    assert body["reason"] == "UNKNOWN_EXPORT_FORMAT"
    assert "không được hỗ trợ" in body["detail"] and "choose one of: docx, pdf" in body["detail"]


def test_another_meetings_id_is_not_found(client: TestClient, made: NoticeMeeting) -> None:
    missing = made.meeting_id + 1000
    assert client.get(notice_url(missing), params={"format": "pdf"}).status_code == 404
    assert client.get(f"{notice_url(missing)}/draft").status_code == 404
    assert client.put(f"{notice_url(missing)}/draft", json={"place": "x"}).status_code == 404


def test_the_draft_is_saved_partially_and_read_back(
    client: TestClient, made: NoticeMeeting, database_url: str
) -> None:
    first, second = made.item_ids
    response = client.put(
        f"{notice_url(made.meeting_id)}/draft",
        json={
            "place": "Hà Nội",
            "issued_on": "2026-02-05",
            "signer_name": None,
            "conclusions": {str(first): "Kết luận mới.", str(second): None},
        },
    )
    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["place"] == "Hà Nội" and draft["number"] == "125/TB-UBND"  # kept
    assert draft["signer_name"] is None  # cleared
    assert draft["conclusions"] == {str(first): "Kết luận mới."}
    item = draft["items"][0]
    assert [(s["stance"], s["count"]) for s in item["stances"]] == [
        ("agree", 1),
        ("object", 1),
        ("other", 1),
    ]
    assert item["polls"][0]["outcome"].startswith("Thông qua")
    assert client.get(f"{notice_url(made.meeting_id)}/draft").json() == draft
    exported = client.get(notice_url(made.meeting_id), params={"format": "docx"})
    assert "Hà Nội, ngày 05 tháng 02 năm 2026" in docx_text(exported.content)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        actions = session.query(AuditEntry.action).filter_by(meeting_id=made.meeting_id).all()
    engine.dispose()
    assert ("conclusion_notice_saved",) in actions


def test_the_api_writes_and_reads_the_fields_the_draft_has() -> None:
    # The schemas type the draft's fields themselves (for the OpenAPI document); the answer
    # is filled from DRAFT_FIELDS: a field added to the draft and not to the API, or the other
    # way round, fails here rather than a request later.
    assert tuple(NoticeDraftFields.model_fields) == DRAFT_FIELDS


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"number": "1" * 61}, "TOO_LONG", "Số văn bản quá dài"),
        ({"chair_person_id": 999_999}, "INVALID", "không có trong danh sách"),
        ({"conclusions": {"999999": "x"}}, "INVALID", "không có mục chương trình"),
        ({"plcae": "Long Biên"}, "INVALID_REQUEST", ""),
        ({"issued_on": "07/12/2026"}, "INVALID_REQUEST", ""),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_changes(
    client: TestClient, made: NoticeMeeting, body: dict[str, object], code: str, words: str
) -> None:
    url = f"{notice_url(made.meeting_id)}/draft"
    before = client.get(url).json()
    response = client.put(url, json={"place": "Đã đổi", **body})
    assert response.status_code == 422, response.text
    assert response.json()["reason"] == code
    assert words in response.json()["detail"]
    assert client.get(url).json() == before


def test_a_viewer_exports_and_reads_but_cannot_edit_the_draft(
    client: TestClient, made: NoticeMeeting, database_url: str
) -> None:
    token = add_account(database_url, "xem", "viewer")
    assigned = client.put(
        f"/api/v1/meetings/{made.meeting_id}/staff",
        json={"account_ids": [account_id(database_url, "xem")]},
    )
    assert assigned.status_code == 200, assigned.text
    viewer = {"Authorization": f"Bearer {token}"}
    url = notice_url(made.meeting_id)
    assert client.get(url, params={"format": "pdf"}, headers=viewer).status_code == 200
    assert client.get(f"{url}/draft", headers=viewer).status_code == 200
    refused = client.put(f"{url}/draft", json={"place": "x"}, headers=viewer)
    assert refused.status_code == 403
    assert client.get(f"{url}/draft").json()["place"] == "Long Biên"


def test_a_secretary_edits_the_draft(
    client: TestClient, made: NoticeMeeting, database_url: str
) -> None:
    token = add_account(database_url, "thuky", "secretary")
    response = client.put(
        f"{notice_url(made.meeting_id)}/draft",
        json={"closing": "Giao các phòng triển khai."},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["updated_by"] == "Thuky"  # the account's display name
