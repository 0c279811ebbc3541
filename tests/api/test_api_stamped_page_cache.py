"""A delegate leafing back and forth through a watermarked PDF (attack14 #11): a page they
were drawn within the same minute is given again from a small cache, not stamped and drawn
again; the cache is keyed by the stamp's very lines (name, delegate number, minute), so no
delegate is ever given another's page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from document_files import text_pdf
from fastapi.testclient import TestClient
from test_api_document_pages import add, open_meeting, page_url

import api.routes.document_pages as route

NAMESAKES = ["Trần Thị Bình", "Trần Thị Bình"]


def test_a_delegate_s_page_again_is_not_stamped_again_and_never_given_to_another(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamped: list[int] = []
    real: Callable[..., bytes] = route.stamp_page

    def counted(*args: object, **kwargs: object) -> bytes:
        stamped.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(route, "stamp_page", counted)
    meeting = open_meeting(client, NAMESAKES)
    doc_id = add(client, meeting.id, text_pdf(2, lines_per_page=4) + b"%cache", watermark=True)
    url = page_url(meeting.id, doc_id, 2)
    first = [client.get(url, headers=meeting.links[0]) for _ in range(3)]
    assert all(answer.status_code == 200 for answer in first)
    assert len(stamped) < 3  # once, twice if a minute turned between the three
    assert first[-1].headers["cache-control"] == "private, no-store"
    stamped.clear()
    other = client.get(url, headers=meeting.links[1])  # the same name, another delegate
    assert other.status_code == 200
    assert stamped == [1]  # stamped for them, not taken from the first one's
    assert other.content not in {answer.content for answer in first}
    staff = client.get(url)
    assert staff.content not in {answer.content for answer in first} | {other.content}
