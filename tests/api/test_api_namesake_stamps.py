"""Two delegates with the same name (attack14 #8: common, and the system has rules for two
"Trần Thị Bình") get copies of a watermarked PDF that tell them apart: each copy carries the
delegate's number (their person id, "ĐB số / delegate no.") beside the name, in the
downloaded file and in the page viewer's image."""

from __future__ import annotations

import io

from document_files import text_pdf
from fastapi.testclient import TestClient
from pypdf import PdfReader
from test_api_document_pages import add, open_meeting, page_url

NAMESAKES = ["Trần Thị Bình", "Trần Thị Bình"]


def test_namesakes_get_copies_that_name_each_of_them(client: TestClient) -> None:
    meeting = open_meeting(client, NAMESAKES)
    doc_id = add(client, meeting.id, text_pdf(1, lines_per_page=4), watermark=True)
    texts, images = [], []
    for person_id, headers in zip(meeting.people, meeting.links, strict=True):
        got = client.get(f"/api/v1/meetings/{meeting.id}/documents/{doc_id}", headers=headers)
        assert got.status_code == 200, got.text
        text = " ".join(PdfReader(io.BytesIO(got.content)).pages[0].extract_text().split())
        assert "Trần Thị Bình" in text
        assert f"Trần Thị Bình — ĐB số / delegate no. {person_id}" in text, text
        texts.append(text)
        page = client.get(page_url(meeting.id, doc_id, 1), headers=headers)
        assert page.status_code == 200, page.text
        images.append(page.content)
    other = meeting.people[1]
    assert f"no. {other}" not in texts[0]  # the first one's copy does not name the second
    assert images[0] != images[1]
