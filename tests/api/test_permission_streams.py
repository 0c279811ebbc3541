"""An open board stream checks its caller again while it runs: a viewer's stream ends when
the viewer's assignment to the meeting does. (A database of its own: the assignment changes.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from permission_support import Seeded, account_id, seed
from test_permission_pages import as_caller, caller

from attendance.settings import StreamSettings


@pytest.fixture
def rechecking(database_url: str) -> Iterator[Seeded]:
    """Open board streams check their caller again every 0.2 s (the default is 5)."""
    yield from seed(database_url, streams=StreamSettings(recheck_seconds=0.2))


def test_a_viewer_s_open_board_stream_ends_when_the_assignment_does(rechecking: Seeded) -> None:
    meeting_id = rechecking.values["meeting_id"]
    viewer = caller(rechecking, "người_xem")
    answers: list[httpx.Response] = []

    def watch() -> None:
        answers.append(as_caller(rechecking, viewer, "GET", f"/board/{meeting_id}/stream"))

    stream = threading.Thread(target=watch, daemon=True)
    stream.start()
    streams = rechecking.client.app_state["services"].streams
    deadline = time.monotonic() + 5
    while streams.open_count() != 1:
        assert time.monotonic() < deadline, "the stream did not open"
        time.sleep(0.02)
    teacher = account_id(rechecking.db_url, "giáo_viên")
    url = f"/api/v1/meetings/{meeting_id}/staff"
    assert rechecking.client.put(url, json={"account_ids": [teacher]}).status_code == 200
    stream.join(timeout=10)
    assert answers and answers[0].status_code == 200, "the stream is still open"
