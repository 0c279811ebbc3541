"""The conclusions page takes the signer's block in several lines (user test 14: the signing
authority "TL. CHỦ TỊCH" above "CHÁNH VĂN PHÒNG"): a text box, kept as typed after a reload,
and printed a centred bold line each in the Word file the page links to."""

from __future__ import annotations

import html
import io
import re

import docx
from fastapi.testclient import TestClient
from notice_page_support import meeting_with_discussion
from web_support import ADMIN_TOKEN, ORIGIN, text_of

BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_the_signer_block_is_typed_in_lines_and_printed_a_line_each(client: TestClient) -> None:
    meeting = meeting_with_discussion(client, BEARER)
    url = f"/meetings/{meeting.meeting_id}/conclusions"
    page = client.get(url).text
    assert "thẩm quyền ký như TL. CHỦ TỊCH" in text_of(page)
    form = {
        "signer_title": "TL. Chủ tịch\r\nChánh Văn phòng",
        "signer_name": "Trần Văn Ký",
        "conclusion_item": [str(meeting.budget), str(meeting.streets)],
        "conclusion": ["", ""],
    }
    saved = client.post(url, data=form, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert saved.status_code == 303, text_of(saved.text)
    page = client.get(url).text
    box = re.search(r'<textarea name="signer_title"[^>]*>(.*?)</textarea>', page, re.S)
    assert box, "the signer's title is a text box"
    assert html.unescape(box.group(1)) == "TL. Chủ tịch\nChánh Văn phòng"
    word = client.get(
        f"/api/v1/meetings/{meeting.meeting_id}/conclusion-notice?format=docx", headers=BEARER
    )
    assert word.status_code == 200, word.text
    signer = docx.Document(io.BytesIO(word.content)).tables[-1].rows[0].cells[1]
    lines = [p.text for p in signer.paragraphs if p.text]
    assert lines == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Trần Văn Ký"]
