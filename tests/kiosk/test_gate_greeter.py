"""The kiosk at a school's gate: one event a student a half-day (in before the school's midday,
out after), posted to the gate's route, whatever session the server puts it on."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from attendance.gallery import Gallery
from kiosk.client import KioskClient
from kiosk.decider import Confirmation
from kiosk.greeter import Greeter
from kiosk.outbox import CheckinEvent, Outbox, Outcome
from kiosk.screen import ScreenKind, ScreenLog
from kiosk.sync import GallerySync, KioskGallery, RoomMeeting
from wire.kiosk import KioskGalleryRead, TemplatesRead

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SCHOOL = "THPT Long Biên"
MAI = 5


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, 7, hour, minute, tzinfo=HANOI)


def _lesson(meeting_id: int, start: datetime, end: datetime) -> RoomMeeting:
    return RoomMeeting(meeting_id, start, end, frozenset({MAI}), start, end, late_after_minutes=5)


def _gate() -> KioskGallery:
    return KioskGallery(
        Gallery.empty(4),
        (_lesson(1, _at(7), _at(7, 45)), _lesson(2, _at(13, 30), _at(14, 15))),
        names={MAI: "Lê Thị Mai"},
        zone=HANOI,
        gate=SCHOOL,
        checkout_after=time(11, 0),
    )


def test_a_gate_queues_in_before_midday_and_out_after_once_each(tmp_path: Path) -> None:
    outbox, screen = Outbox(tmp_path / "outbox.db"), ScreenLog()
    greeter = Greeter(outbox=outbox, screen=screen, name="cổng-1")
    seen = Confirmation(track_id=1, person_id=MAI, similarity=0.8, margin=0.3, votes=2)

    assert greeter.check_in(seen, _gate(), _at(6, 40)) == 1
    assert greeter.check_in(seen, _gate(), _at(6, 50)) == 0  # seen again: nothing new
    assert greeter.check_in(seen, _gate(), _at(16, 5)) == 1
    assert greeter.check_in(seen, _gate(), _at(16, 9)) == 0
    queued = outbox.pending()
    assert [(e.idempotency_key, e.meeting_id) for e in queued] == [
        ("cổng-1:gate:2030-01-07:in:5", 1),
        ("cổng-1:gate:2030-01-07:out:5", 2),
    ]
    kinds = [e.kind for e in reversed(screen.latest())]
    assert kinds == [
        ScreenKind.WELCOME,
        ScreenKind.ALREADY_CHECKED_IN,
        ScreenKind.GOODBYE,
        ScreenKind.GOODBYE,
    ]
    assert screen.latest()[2].message_en() == "Lê Thị Mai already checked in at 06:40"
    assert screen.latest()[3].message_vi() == "Chào em Lê Thị Mai"  # no "đồng chí" for a child
    assert screen.latest()[2].message_vi() == "Em Lê Thị Mai đã điểm danh lúc 06:40"
    goodbye = screen.latest()[0]
    assert goodbye.message_vi() == "Tạm biệt Lê Thị Mai"
    assert goodbye.message_en() == "Goodbye, Lê Thị Mai"


class GateServer:
    """A server whose manifest says the kiosk serves a school's gate."""

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        meeting = {
            "id": 1,
            "title": "10A1",
            "starts_at": _at(7),
            "ends_at": _at(7, 45),
            "late_after_minutes": 5,
            "person_ids": [MAI],
            "checkin_opens_at": _at(6),
            "checkin_closes_at": _at(7, 45),
        }
        return KioskGalleryRead.model_validate(
            {"room": SCHOOL, "model": "m", "etag": "1", "meetings": [meeting], "people": []}
            | {"templates": [], "gate": SCHOOL, "gate_checkout_after": "11:30"}
        )

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        raise AssertionError("no templates to fetch")


def test_the_gate_and_its_midday_come_from_the_servers_manifest() -> None:
    sync = GallerySync(GateServer(), model_key="m", dim=4)
    assert sync.sync()
    current = sync.current
    assert (current.gate, current.checkout_after) == (SCHOOL, time(11, 30))
    # Every session of the day, whatever its window: the server picks the session.
    assert [m.id for m in current.open_meetings(_at(17))] == [1]
    assert not current.leaving(_at(11, 29)) and current.leaving(_at(11, 30))


def test_a_gate_kiosk_posts_to_the_gate_route_and_a_room_kiosk_to_the_meeting() -> None:
    posted: list[tuple[str, dict[str, object]]] = []
    gate: list[str | None] = [None]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            body = GateServer().gallery(model="m", etag=None)
            assert body is not None
            return httpx.Response(
                200, json=json.loads(body.model_copy(update={"gate": gate[0]}).model_dump_json())
            )
        posted.append((request.url.path, json.loads(request.content)))
        return httpx.Response(201, json={})

    event = CheckinEvent("k:gate:2030-01-07:in:5", 1, MAI, _at(6, 40).isoformat(), 0.8, 0.3)
    for school in (None, SCHOOL):
        gate[0] = school
        client = KioskClient("http://server", "t", transport=httpx.MockTransport(answer))
        assert client.gallery(model="m", etag=None) is not None
        assert client.send(event).outcome is Outcome.DELIVERED
        client.close()
    (room_path, _), (gate_path, gate_body) = posted
    assert room_path == "/api/v1/meetings/1/checkins"
    assert gate_path == "/api/v1/kiosk/gate/events"
    assert gate_body["person_id"] == MAI and gate_body["idempotency_key"] == event.idempotency_key
    assert "source" not in gate_body  # the server writes source "gate" itself


def test_an_afternoon_shift_student_goes_in_after_midday_then_out(tmp_path: Path) -> None:
    """Ca chiều: first lesson at 13:30, seen at 12:45 (past 11:00): in, not goodbye."""
    outbox, screen = Outbox(tmp_path / "outbox.db"), ScreenLog()
    greeter = Greeter(outbox=outbox, screen=screen, name="cổng-1")
    seen = Confirmation(track_id=1, person_id=MAI, similarity=0.8, margin=0.3, votes=2)
    afternoon = KioskGallery(
        Gallery.empty(4),
        (_lesson(2, _at(13, 30), _at(17)),),
        names={MAI: "Lê Thị Mai"},
        zone=HANOI,
        gate=SCHOOL,
        checkout_after=time(11, 0),
    )
    assert greeter.check_in(seen, afternoon, _at(12, 45)) == 1
    assert greeter.check_in(seen, afternoon, _at(17, 5)) == 1
    assert [e.idempotency_key for e in outbox.pending()] == [
        "cổng-1:gate:2030-01-07:in:5",
        "cổng-1:gate:2030-01-07:out:5",
    ]
    kinds = [e.kind for e in reversed(screen.latest())]
    assert kinds == [ScreenKind.WELCOME, ScreenKind.GOODBYE]
