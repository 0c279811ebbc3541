"""Polls over HTTP: voting links, ballots by link and by face, the error discipline."""

from __future__ import annotations

import io
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from api_support import T1_PATH, create_meeting, create_people, upload
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MEMBERS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Đức Dũng", "Hoàng Thị Hà")


def today(hour: int, minute: int = 0) -> str:
    return datetime.now(ZONE).replace(hour=hour, minute=minute, second=0).isoformat()


@dataclass
class Room:
    meeting_id: int
    people: list[int]  # five voting members, then an observer


@pytest.fixture
def room(client: TestClient) -> Room:
    ids = create_people(client, [*MEMBERS, "Vũ Thị Quan Sát"])
    meeting_id = create_meeting(client, ids[:5], starts_at=today(0), ends_at=today(23, 59))
    response = client.put(
        f"/api/v1/meetings/{meeting_id}/participants",
        json={"person_ids": ids[:5], "non_voting_ids": [ids[5]]},
    )
    assert response.status_code == 200, response.text
    return Room(meeting_id, ids)


def arrive(client: TestClient, room: Room, person_id: int, key: str | None = None) -> Any:
    response = client.post(
        f"/api/v1/meetings/{room.meeting_id}/checkins",
        json={
            "person_id": person_id,
            "source": "kiosk-A",
            "idempotency_key": key or f"k{person_id}",
        },
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def link(checkin: dict[str, Any]) -> dict[str, str]:
    token = checkin["voting_url"].split("#", 1)[1]
    return {"Authorization": f"Bearer {token}"}


def new_poll(client: TestClient, room: Room, open_it: bool = True, **spec: Any) -> Any:
    url = f"/api/v1/meetings/{room.meeting_id}/polls"
    response = client.post(url, json={"title": "Thông qua dự toán ngân sách 2027", **spec})
    assert response.status_code == 201, response.text
    poll = response.json()
    if open_it:
        response = client.post(f"{url}/{poll['id']}/open")
        assert response.status_code == 200, response.text
        poll = response.json()
    return poll


def ballot(client: TestClient, room: Room, poll: Any, headers: dict[str, str], **body: Any) -> Any:
    body.setdefault("option_ids", [poll["options"][0]["id"]])
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/ballots"
    return client.post(url, json=body, headers=headers)


def present(client: TestClient, room: Room, n: int = 3) -> list[dict[str, str]]:
    return [link(arrive(client, room, p)) for p in room.people[:n]]


def test_first_arrival_brings_a_voting_link_and_a_second_sighting_does_not(
    client: TestClient, room: Room
) -> None:
    first = arrive(client, room, room.people[0])
    again = arrive(client, room, room.people[0], key="other-key")
    assert first["created"] and first["voting_url"].startswith("http://127.0.0.1:8000/vote#vp_")
    assert not again["created"] and again["voting_url"] is None
    observer = arrive(client, room, room.people[5])
    assert observer["created"] and observer["voting_url"] is None  # no vote, no link


def test_delegate_votes_once_with_their_link(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room)
    cast = ballot(client, room, poll, headers[0])
    assert cast.status_code == 201, cast.text
    assert cast.json()["person"]["full_name"] == MEMBERS[0]
    assert cast.json()["channel"] == "link"
    twice = ballot(client, room, poll, headers[0])
    assert twice.status_code == 409 and twice.json()["reason"] == "ALREADY_VOTED"
    tally = client.get(f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/tally").json()
    assert tally["ballots"] == 1 and tally["options"][0]["votes"] == 1
    assert {p["full_name"] for p in tally["not_voted"]} == set(MEMBERS[1:])
    assert tally["quorum"]["met"] and tally["present"] == 3


def test_ballot_after_close_is_refused_and_results_are_published(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    poll = new_poll(client, room, base="cast", majority="absolute")
    base = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}"
    assert ballot(client, room, poll, headers[0]).status_code == 201
    assert ballot(client, room, poll, headers[1]).status_code == 201
    early = client.get(f"{base}/results", headers=headers[0])
    assert early.status_code == 409 and early.json()["reason"] == "POLL_NOT_CLOSED"
    assert client.post(f"{base}/close").status_code == 200
    late = ballot(client, room, poll, headers[2])
    assert late.status_code == 409 and late.json()["reason"] == "POLL_CLOSED"
    result = client.get(f"{base}/results", headers=headers[2]).json()
    assert result["passed"] is True and result["ballots"] == 2 and result["base"] == 2
    assert result["reason_vi"].startswith("Thông qua: tán thành 2 trên 2")
    assert [c["person"]["full_name"] for c in result["named_choices"]] == sorted(MEMBERS[:2])
    again = client.post(f"{base}/close")
    assert again.status_code == 409 and again.json()["reason"] == "POLL_CLOSED"


def test_member_who_checked_out_cannot_vote(client: TestClient, room: Room) -> None:
    headers = present(client, room, 4)
    poll = new_poll(client, room)
    url = f"/api/v1/meetings/{room.meeting_id}/checkouts"
    no_reason = client.post(url, json={"person_id": room.people[1], "reason": ""})
    assert no_reason.status_code == 422
    out = client.post(url, json={"person_id": room.people[1], "reason": "Về họp ở sở"})
    assert out.status_code == 201 and out.json()["kind"] == "left"
    refused = ballot(client, room, poll, headers[1])
    assert refused.status_code == 403 and refused.json()["reason"] == "NOT_PRESENT"
    audit = client.get(f"/api/v1/meetings/{room.meeting_id}/audit").json()
    [logged] = [e for e in audit if e["action"] == "check_out"]
    assert logged["actor"] == "admin" and logged["detail"]["reason"] == "Về họp ở sở"


def test_invalid_options_are_422(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room)
    other = new_poll(client, room, open_it=False)
    for body in ({"option_ids": [other["options"][0]["id"]]}, {"option_ids": []}):
        response = ballot(client, room, poll, headers[0], **body)
        assert response.status_code == 422, response.text
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/ballots"
    garbage = client.post(url, content=b"{not json", headers=headers[0])
    assert garbage.status_code == 422 and "không hợp lệ" in garbage.json()["detail"]


def test_poll_in_draft_takes_no_ballots(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room, open_it=False)
    response = ballot(client, room, poll, headers[0])
    assert response.status_code == 409 and response.json()["reason"] == "POLL_DRAFT"


def test_poll_does_not_open_without_quorum(client: TestClient, room: Room) -> None:
    present(client, room, 2)
    poll = new_poll(client, room, open_it=False, quorum="2/3")
    response = client.post(f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/open")
    assert response.status_code == 409 and response.json()["reason"] == "QUORUM_NOT_MET"
    assert "2/5" in response.json()["detail"]


def test_voting_link_reaches_only_its_own_meetings_voting(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room)
    other = create_meeting(client, room.people[:5], starts_at=today(0), ends_at=today(23))
    assert client.get("/api/v1/people", headers=headers[0]).status_code == 403
    tally = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/tally"
    assert client.get(tally, headers=headers[0]).status_code == 403
    assert client.get(f"/api/v1/meetings/{other}/polls", headers=headers[0]).status_code == 403
    mine = client.get(f"/api/v1/meetings/{room.meeting_id}/polls", headers=headers[0])
    assert mine.status_code == 200 and [p["id"] for p in mine.json()] == [poll["id"]]
    forged = {"Authorization": "Bearer vp_not-a-real-link"}
    assert ballot(client, room, poll, forged).status_code == 401
    # Staff tokens vote only through a face at a voting station, never as someone else.
    staff = ballot(client, room, poll, {})
    assert staff.status_code == 403 and staff.json()["reason"] == "VOTER_REQUIRED"


def test_reissued_link_replaces_the_old_one(client: TestClient, room: Room) -> None:
    old = present(client, room)[0]
    url = f"/api/v1/meetings/{room.meeting_id}/voting-passes"
    response = client.post(url, json={"person_id": room.people[0]})
    assert response.status_code == 201
    body = response.json()
    assert body["qr_svg"].startswith("<svg") and body["url"].endswith(body["token"])
    poll = new_poll(client, room)
    assert ballot(client, room, poll, old).status_code == 401
    new = {"Authorization": f"Bearer {body['token']}"}
    assert ballot(client, room, poll, new).status_code == 201


def test_proxy_vote_and_opinions(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    url = f"/api/v1/meetings/{room.meeting_id}/proxies"
    grant = {
        "grantor_id": room.people[4],
        "holder_id": room.people[0],
        "note": "Giấy ủy quyền số 12",
    }
    assert client.post(url, json=grant).status_code == 201
    assert client.post(url, json=grant).json()["reason"] == "PROXY_EXISTS"
    poll = new_poll(client, room, secrecy="secret", base="present")
    assert ballot(client, room, poll, headers[0]).status_code == 201
    by_proxy = ballot(client, room, poll, headers[0], on_behalf_of=room.people[4])
    assert by_proxy.status_code == 201, by_proxy.text
    assert by_proxy.json()["person"]["full_name"] == MEMBERS[4]
    assert by_proxy.json()["cast_by"]["full_name"] == MEMBERS[0]
    no_proxy = ballot(client, room, poll, headers[1], on_behalf_of=room.people[3])
    assert no_proxy.status_code == 403 and no_proxy.json()["reason"] == "NO_PROXY"
    opinion_url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/opinions"
    said = client.post(opinion_url, json={"text": "Đề nghị công khai dự toán."}, headers=headers[1])
    assert said.status_code == 201 and said.json()["person"] is None  # a secret poll: anonymous
    [read] = client.get(opinion_url).json()
    assert read["text"] == "Đề nghị công khai dự toán." and read["at"] is None
    tally = client.get(f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/tally").json()
    assert tally["ballots"] == 2 and tally["not_voted"] is None
    assert [p["holder"]["full_name"] for p in tally["proxies"]] == [MEMBERS[0]]


def test_unknown_poll_is_404(client: TestClient, room: Room) -> None:
    for poll_id in (999, 2**63):
        response = client.get(f"/api/v1/meetings/{room.meeting_id}/polls/{poll_id}")
        assert response.status_code in (404, 422)
    response = client.get(f"/api/v1/meetings/{room.meeting_id}/polls/999")
    assert response.json()["reason"] == "POLL_NOT_FOUND"


def test_bad_poll_settings_are_422(client: TestClient, room: Room) -> None:
    url = f"/api/v1/meetings/{room.meeting_id}/polls"
    for spec in (
        {"majority": "custom"},
        {"majority": "custom", "majority_fraction": "7/5"},
        {"quorum": "half"},
        {"secrecy": "secret", "allow_change": True},
        {"kind": "election"},
        {"options": ["Có", "Có"]},
        {"max_choices": 2},
    ):
        response = client.post(url, json={"title": "X", **spec})
        assert response.status_code == 422, (spec, response.text)
        assert response.json()["detail"]


def test_face_verified_ballot(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    meeting_id = create_meeting(client, enrolled, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, enrolled)
    present(client, room, 4)
    poll = new_poll(client, room)
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/ballots"
    choice = {"option_ids": str(poll["options"][1]["id"])}
    cast = client.post(url, files=upload(face_photos[0]), data=choice)
    assert cast.status_code == 201, cast.text
    assert cast.json()["person"]["id"] == enrolled[0] and cast.json()["channel"] == "face"
    absent = client.post(url, files=upload(face_photos[4]), data=choice)
    assert absent.status_code == 403 and absent.json()["reason"] == "NOT_PRESENT"
    crowd = client.post(url, files=upload(T1_PATH.read_bytes()), data=choice)
    assert crowd.status_code == 422 and crowd.json()["reason"] == "MULTIPLE_FACES"
    bad_choice = client.post(url, files=upload(face_photos[1]), data={"option_ids": "x"})
    assert bad_choice.status_code == 422
    tally = client.get(f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/tally").json()
    assert tally["ballots"] == 1 and tally["options"][1]["votes"] == 1


def test_closed_poll_results_appear_in_the_pdf_minutes(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room, base="cast")
    for h in headers:
        assert ballot(client, room, poll, h).status_code == 201
    base = f"/api/v1/meetings/{room.meeting_id}"
    assert client.post(f"{base}/polls/{poll['id']}/close").status_code == 200
    pdf = client.get(f"{base}/export", params={"format": "pdf"})
    assert pdf.status_code == 200
    text = unicodedata.normalize(
        "NFC", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert "Thông qua dự toán ngân sách 2027" in " ".join(text.split())
    assert "Thông qua: tán thành 3 trên 3" in " ".join(text.split())


def test_image_without_a_face_cannot_vote(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    meeting_id = create_meeting(client, enrolled, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, enrolled)
    present(client, room, 4)
    poll = new_poll(client, room)
    blank = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 200, 200)).save(blank, "JPEG")
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/ballots"
    data = {"option_ids": str(poll["options"][0]["id"])}
    response = client.post(url, files=upload(blank.getvalue()), data=data)
    assert response.status_code == 422 and response.json()["reason"] == "NO_FACE"


def test_kiosk_word_alone_brings_no_voting_link(client: TestClient, room: Room) -> None:
    meeting_id = create_meeting(
        client, room.people[:5], room="Phòng 2", starts_at=today(0), ends_at=today(23, 59)
    )
    token = client.post("/api/v1/kiosk-tokens", json={"name": "cửa-B", "room": "Phòng 2"})
    kiosk = {"Authorization": f"Bearer {token.json()['token']}"}
    event = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins",
        json={"person_id": room.people[0], "source": "cửa-B", "idempotency_key": "kb1"},
        headers=kiosk,
    )
    assert event.status_code == 201 and event.json()["voting_url"] is None


def test_proxy_holder_cannot_vote_for_a_member_who_is_present(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    grant = {"grantor_id": room.people[1], "holder_id": room.people[0]}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/proxies", json=grant).status_code == 201
    poll = new_poll(client, room, allow_change=True)
    refused = ballot(client, room, poll, headers[0], on_behalf_of=room.people[1])
    assert refused.status_code == 403 and refused.json()["reason"] == "GRANTOR_PRESENT"
    assert ballot(client, room, poll, headers[1]).status_code == 201  # the member's own


def test_proxy_holder_cannot_overwrite_the_members_own_ballot(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room, 4)
    grant = {"grantor_id": room.people[3], "holder_id": room.people[0]}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/proxies", json=grant).status_code == 201
    poll = new_poll(client, room, allow_change=True)
    assert ballot(client, room, poll, headers[3]).status_code == 201  # votes, then leaves
    out = {"person_id": room.people[3], "reason": "Về sớm"}
    assert client.post(f"/api/v1/meetings/{room.meeting_id}/checkouts", json=out).status_code == 201
    no = {"option_ids": [poll["options"][1]["id"]], "on_behalf_of": room.people[3]}
    overwrite = ballot(client, room, poll, headers[0], **no)
    assert overwrite.status_code == 409 and overwrite.json()["reason"] == "ALREADY_VOTED"


def test_huge_ids_and_exotic_fractions_are_answered_not_crashed(
    client: TestClient, room: Room
) -> None:
    base = f"/api/v1/meetings/{room.meeting_id}"
    assert client.delete(f"{base}/proxies/{2**63}").status_code == 404
    assert client.delete(f"/api/v1/meetings/{2**63}/proxies/1").status_code in (404, 422)
    started = time.monotonic()
    for fraction in ("1e-99999999", "1e9", "0x10", "½"):
        response = client.post(f"{base}/polls", json={"title": "X", "quorum": fraction})
        assert response.status_code == 422, (fraction, response.text)
    assert time.monotonic() - started < 5
    zero = {"title": "X", "majority": "custom", "majority_fraction": "0"}
    assert client.post(f"{base}/polls", json=zero).status_code == 422


def test_opinion_lines_are_cleaned_like_any_text(client: TestClient, room: Room) -> None:
    headers = present(client, room)
    poll = new_poll(client, room)
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}/opinions"
    bad = client.post(url, json={"text": "Ý kiến\n\x00\u202eb"}, headers=headers[0])
    assert bad.status_code == 422
    good = client.post(url, json={"text": "Dòng một\nDòng  hai"}, headers=headers[0])
    assert good.status_code == 201 and good.json()["text"] == "Dòng một\nDòng hai"


def test_repeated_option_fields_all_count_in_a_face_ballot_election(
    client: TestClient, enrolled: list[int], face_photos: list[bytes]
) -> None:
    meeting_id = create_meeting(client, enrolled, starts_at=today(0), ends_at=today(23, 59))
    room = Room(meeting_id, enrolled)
    present(client, room, 4)
    spec = {"kind": "election", "options": ["Ứng viên A", "Ứng viên B", "Ứng viên C"]}
    poll = new_poll(client, room, max_choices=2, base="cast", **spec)
    url = f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/ballots"
    a, b = (str(o["id"]) for o in poll["options"][:2])
    cast = client.post(url, files=upload(face_photos[0]), data={"option_ids": [a, b]})
    assert cast.status_code == 201, cast.text
    client.post(f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/close")
    result = client.get(f"/api/v1/meetings/{meeting_id}/polls/{poll['id']}/results").json()
    assert [o["votes"] for o in result["options"]] == [1, 1, 0]


def test_secret_poll_tally_shows_numbers_only_until_it_closes(
    client: TestClient, room: Room
) -> None:
    headers = present(client, room)
    poll = new_poll(client, room, secrecy="secret")
    assert ballot(client, room, poll, headers[0]).status_code == 201
    url = f"/api/v1/meetings/{room.meeting_id}/polls/{poll['id']}"
    live = client.get(f"{url}/tally").json()
    assert live["ballots"] == 1 and live["abstained"] is None
    assert [o["votes"] for o in live["options"]] == [None, None, None]
    client.post(f"{url}/close")
    assert [o["votes"] for o in client.get(f"{url}/tally").json()["options"]] == [1, 0, 0]
