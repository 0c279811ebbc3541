"""GET /api/v1/meetings/{id}/documents/{doc_id}/pages/{n}: a document's page as a PNG for the
phone page's viewer, opened by staff, a delegate's own voting link and the room's board (public
documents); a delegate's copy of a watermarked PDF stamped with their name; views recorded
once per version per ten minutes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from api_support import create_meeting, create_people, execute, query
from document_files import image_bytes, mixed_pdf, text_pdf
from fastapi.testclient import TestClient
from PIL import Image
from polls_support import today

from api.services import Services
from attendance.board_links import issue_board_link
from attendance.db import unit_of_work
from attendance.documents.pages import render_page
from attendance.documents.service import reads
from attendance.documents.tables import MEMBERS, PUBLIC, VIEW
from attendance.documents.watermark import stamp_lines, stamp_page

DELEGATES = ["Nguyễn Thị Hồng Ngọc", "Trần Văn Đức"]


@dataclass
class Meeting:
    id: int
    people: list[int]
    links: list[dict[str, str]]  # each delegate's Authorization header


def services_of(client: TestClient) -> Services:
    services: Services = client.app_state["services"]
    return services


def open_meeting(client: TestClient, names: list[str] = DELEGATES) -> Meeting:
    people = create_people(client, names)
    meeting_id = create_meeting(client, people, starts_at=today(0), ends_at=today(23, 59))
    links = []
    for person_id in people:
        made = client.post(
            f"/api/v1/meetings/{meeting_id}/voting-passes", json={"person_id": person_id}
        )
        assert made.status_code == 201, made.text
        links.append({"Authorization": f"Bearer {made.json()['token']}"})
    return Meeting(meeting_id, people, links)


def add(
    client: TestClient,
    meeting_id: int,
    data: bytes,
    *,
    filename: str = "Tờ trình số 12.pdf",
    visibility: str = MEMBERS,
    watermark: bool = False,
) -> int:
    """A document uploaded by the secretary (the admin token)."""
    made = client.post(
        f"/api/v1/meetings/{meeting_id}/documents",
        data={
            "title": "Tờ trình dự toán ngân sách",
            "visibility": visibility,
            "watermark": "true" if watermark else "false",
        },
        files={"file": (filename, data, "application/octet-stream")},
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def page_url(meeting_id: int, doc_id: int, n: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/documents/{doc_id}/pages/{n}"


def pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("L"), dtype=np.int16)


def view_reads(database_url: str, doc_id: int) -> list[tuple[int, str]]:
    return [
        (row[0], row[1])
        for row in query(
            database_url,
            "SELECT person_id, via FROM document_reads WHERE document_id = :d AND what = :w "
            "ORDER BY id",
            d=doc_id,
            w=VIEW,
        )
    ]


def test_staff_get_each_page_at_the_width_asked(client: TestClient) -> None:
    meeting = open_meeting(client)
    doc_id = add(client, meeting.id, mixed_pdf())
    first = client.get(page_url(meeting.id, doc_id, 1), params={"width": 640})
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "image/png"
    assert first.headers["cache-control"] == "private, no-cache"
    assert pixels(first.content).shape[1] == 640
    turned = pixels(client.get(page_url(meeting.id, doc_id, 3)).content)
    assert turned.shape[1] == 800 and turned.shape[0] < turned.shape[1]  # shown landscape
    small = client.get(page_url(meeting.id, doc_id, 2), params={"width": 10})
    assert pixels(small.content).shape[1] == 320
    assert pixels(client.get(page_url(meeting.id, doc_id, 2), params={"width": 99999}).content)[
        0
    ].shape == (1600,)


@pytest.mark.parametrize("n", [0, 4, 10**15])
def test_a_page_the_document_lacks_is_not_found(client: TestClient, n: int) -> None:
    meeting = open_meeting(client)
    doc_id = add(client, meeting.id, mixed_pdf())
    for headers in ({}, meeting.links[0]):
        answer = client.get(page_url(meeting.id, doc_id, n), headers=headers)
        assert answer.status_code == 404
        assert answer.json()["reason"] == "DOCUMENT_PAGE_NOT_FOUND"
        assert "có 3 trang" in answer.json()["detail"] and "has 3 pages" in answer.json()["detail"]


def test_a_file_not_a_pdf_has_no_pages_to_show(client: TestClient) -> None:
    meeting = open_meeting(client)
    doc_id = add(client, meeting.id, image_bytes("PNG"), filename="Sơ đồ phòng họp.png")
    answer = client.get(page_url(meeting.id, doc_id, 1))
    assert answer.status_code == 404
    assert answer.json()["reason"] == "DOCUMENT_PAGE_NOT_FOUND"
    assert "hãy tải tệp về" in answer.json()["detail"]


def test_a_delegate_reads_their_own_meeting_s_pages_and_no_other_s(client: TestClient) -> None:
    meeting, other = open_meeting(client), open_meeting(client, ["Lê Thị Thu"])
    doc_id = add(client, meeting.id, text_pdf(2, lines_per_page=4))
    own = client.get(page_url(meeting.id, doc_id, 2), headers=meeting.links[0])
    assert own.status_code == 200, own.text
    assert own.headers["cache-control"] == "private, no-store"
    staff = client.get(page_url(meeting.id, doc_id, 2))
    assert own.content == staff.content  # no watermark asked for: the page as stored
    # Another meeting's link: told there is no such document, whether asked by this meeting's
    # path or by its own.
    for meeting_id in (meeting.id, other.id):
        refused = client.get(page_url(meeting_id, doc_id, 1), headers=other.links[0])
        assert refused.status_code == 404, refused.text
        assert refused.json()["reason"] == "NOT_FOUND"
    unknown = client.get(
        page_url(meeting.id, doc_id, 1), headers={"Authorization": "Bearer vp_nothing-here"}
    )
    assert unknown.status_code == 401


def test_the_board_shows_public_documents_only(client: TestClient, database_url: str) -> None:
    meeting, other = open_meeting(client), open_meeting(client, ["Phạm Văn Bảng"])
    public = add(client, meeting.id, text_pdf(1, lines_per_page=2), visibility=PUBLIC)
    members = add(client, meeting.id, text_pdf(1, lines_per_page=3), visibility=MEMBERS)
    services = services_of(client)
    with unit_of_work(services.sessions) as session:
        key = issue_board_link(session, meeting_id=meeting.id, actor="Thư ký")
        other_key = issue_board_link(session, meeting_id=other.id, actor="Thư ký")
    bare = {"Authorization": ""}
    shown = client.get(page_url(meeting.id, public, 1), params={"key": key}, headers=bare)
    assert shown.status_code == 200, shown.text
    assert shown.headers["cache-control"] == "private, no-store"
    hidden = client.get(page_url(meeting.id, members, 1), params={"key": key}, headers=bare)
    assert hidden.status_code == 404
    wrong = client.get(page_url(meeting.id, public, 1), params={"key": other_key}, headers=bare)
    assert wrong.status_code == 403
    again = client.get(page_url(meeting.id, public, 1), params={"key": key}, headers=bare)
    assert again.content == shown.content
    assert view_reads(database_url, public) == [(None, "board")]  # once in ten minutes


def test_a_delegate_s_copy_of_a_watermarked_pdf_is_stamped_with_their_name(
    client: TestClient,
) -> None:
    """Each delegate's page 3 (a page shown turned) is the very image of that page stamped
    with their name and the minute they asked; staff between them get the page as stored:
    nothing stamped is kept and handed to anyone else."""
    meeting = open_meeting(client)
    pdf = mixed_pdf()
    doc_id = add(client, meeting.id, pdf, watermark=True)
    zone = services_of(client).settings.timezone
    url, width = page_url(meeting.id, doc_id, 3), {"width": 480}
    copies = []
    for name, person_id, headers in zip(DELEGATES, meeting.people, meeting.links, strict=True):
        before = datetime.now(UTC)
        answer = client.get(url, params=width, headers=headers)
        after = datetime.now(UTC)
        assert answer.status_code == 200, answer.text
        expected = {  # either side of a minute's turn
            render_page(
                stamp_page(pdf, 3, lines=stamp_lines(name, person_id, at, zone=zone)), 1, width=480
            )
            for at in (before, after)
        }
        assert answer.content in expected, f"{name}'s page is not stamped with their name"
        copies.append(answer.content)
        staff = client.get(url, params=width)
        assert staff.content == render_page(pdf, 3, width=480)
    assert copies[0] != copies[1]
    assert np.any(pixels(copies[0]) != pixels(staff.content))


def test_a_delegate_s_view_is_recorded_once_per_version_per_ten_minutes(
    client: TestClient, database_url: str
) -> None:
    meeting = open_meeting(client)
    doc_id = add(client, meeting.id, text_pdf(3, lines_per_page=3))
    for n in (1, 2, 3, 1):
        assert client.get(page_url(meeting.id, doc_id, n), headers=meeting.links[0]).is_success
    assert client.get(page_url(meeting.id, doc_id, 1)).is_success  # staff: not a delegate's read
    assert client.get(page_url(meeting.id, doc_id, 2), headers=meeting.links[1]).is_success
    first, second = meeting.people
    assert view_reads(database_url, doc_id) == [(first, "voting_link"), (second, "voting_link")]
    # Eleven minutes later, the first delegate leafs on: a new reading.
    execute(
        database_url,
        "UPDATE document_reads SET at = :at WHERE person_id = :p",
        at=datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=11),
        p=first,
    )
    assert client.get(page_url(meeting.id, doc_id, 3), headers=meeting.links[0]).is_success
    assert client.get(page_url(meeting.id, doc_id, 2), headers=meeting.links[1]).is_success
    assert view_reads(database_url, doc_id) == [
        (first, "voting_link"),
        (second, "voting_link"),
        (first, "voting_link"),
    ]
    with services_of(client).sessions() as session:  # as the reads route lists them
        listed = reads(session, meeting_id=meeting.id, document_id=doc_id)
    assert [(r.name, r.what, r.version) for r in listed] == [
        (DELEGATES[0], VIEW, 1),
        (DELEGATES[1], VIEW, 1),
        (DELEGATES[0], VIEW, 1),
    ]


def test_a_document_whose_file_is_gone_says_so(client: TestClient) -> None:
    meeting = open_meeting(client)
    pdf = text_pdf(1, lines_per_page=1) + b"\n% lost\n"  # bytes no other test stores
    doc_id = add(client, meeting.id, pdf)
    services = services_of(client)
    [(sha256,)] = query(
        services.settings.db_url,
        "SELECT sha256 FROM document_versions WHERE document_id = :d",
        d=doc_id,
    )
    services.documents.unlink([sha256])
    answer = client.get(page_url(meeting.id, doc_id, 1))
    assert answer.status_code == 404
    assert "không còn trên máy chủ" in answer.json()["detail"]
