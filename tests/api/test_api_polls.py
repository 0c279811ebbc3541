"""Polls over HTTP: lifecycle, voting links, the error discipline."""

from __future__ import annotations

import io
import time
import unicodedata

from api_support import create_meeting
from fastapi.testclient import TestClient
from polls_support import MEMBERS, Room, arrive, ballot, new_poll, present, today
from pypdf import PdfReader


def test_first_arrival_brings_a_voting_link_and_a_second_sighting_does_not(
    client: TestClient, room: Room
) -> None:
    first = arrive(client, room, room.people[0])
    again = arrive(client, room, room.people[0], key="other-key")
    assert first["created"] and first["voting_url"].startswith("http://127.0.0.1:8000/vote#vp_")
    assert not again["created"] and again["voting_url"] is None
    observer = arrive(client, room, room.people[5])
    assert observer["created"] and observer["voting_url"] is None  # no vote, no link


def test_a_check_in_keeps_the_voting_link_handed_out_before_arrival(
    client: TestClient, room: Room
) -> None:
    url = f"/api/v1/meetings/{room.meeting_id}"
    handed = client.post(f"{url}/voting-passes", json={"person_id": room.people[0]})
    assert handed.status_code == 201, handed.text
    held = {"Authorization": f"Bearer {handed.json()['token']}"}
    assert client.get("/api/v1/voter", headers=held).json()["voting_status"] == "not_arrived"
    came = arrive(client, room, room.people[0])
    assert came["created"] and came["voting_url"] is None and came["voting_link_issued_earlier"]
    assert "Đã cấp liên kết trước" in came["voting_link_message"]
    assert "Link issued earlier" in came["voting_link_message"]
    # The phone that holds the link now has the ballot: nothing was revoked.
    assert client.get("/api/v1/voter", headers=held).json()["voting_status"] == "present"
    poll = new_poll(client, room, quorum="0")
    assert ballot(client, room, poll, held).status_code == 201
    issued = [a for a in client.get(f"{url}/audit").json() if a["action"] == "voting_pass_issued"]
    assert len(issued) == 1
    # Someone who holds none still gets one, and says nothing of an earlier one.
    other = arrive(client, room, room.people[1])
    assert other["voting_url"] and not other["voting_link_issued_earlier"]
    assert other["voting_link_message"] is None


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
    other = create_meeting(client, room.people[:5], starts_at=today(0), ends_at=today(23, 59))
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
    # The verdict once after "Kết quả:", no second colon of its own (attendance/voting/summary.py).
    assert "Kết quả: Thông qua, tán thành 3 trên 3" in " ".join(text.split())


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
