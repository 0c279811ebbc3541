"""Attendance from one class photo (t1.jpg, real models): proposals, corrections, confirm."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
from api_support import (
    NAMES,
    T1_PATH,
    ClientFactory,
    centre,
    create_meeting,
    create_people,
    enroll,
    execute,
    give_consent,
    nearest_face,
    png,
    query,
    upload,
)
from fastapi.testclient import TestClient
from permission_support import account_id, add_account
from PIL import Image

from attendance.retention import purge_expired
from attendance.schools.classes import create_class
from attendance.schools.tables import ClassSession
from attendance.tokens import TEACHER
from models.types import DetectedFace

Rows = Callable[[], dict[str, int]]
AN, BINH, CUONG, DUNG, GIANG, HUNG = NAMES
SCHOOL = "school_attendance"


def happening_now() -> dict[str, str]:
    now = datetime.now(timezone.utc)
    return {
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }


def class_of_t1(client: TestClient, face_photos: list[bytes]) -> tuple[int, dict[str, int]]:
    """A meeting whose roster is An, Bình, Cường, Dũng (enrolled), Giang (not enrolled) and
    Khánh (not in the photo); Hùng is enrolled but not on the roster."""
    ids = dict(zip(NAMES, create_people(client)))
    ids["Khánh"] = create_people(client, ["Ngô Gia Khánh"])[0]
    for name in (AN, BINH, CUONG, DUNG, HUNG):
        assert enroll(client, ids[name], face_photos[NAMES.index(name)]).status_code == 201
    roster = [ids[n] for n in (AN, BINH, CUONG, DUNG, GIANG, "Khánh")]
    return create_meeting(client, roster, **happening_now()), ids


def send(client: TestClient, meeting_id: int, data: bytes) -> Any:
    return client.post(f"/api/v1/meetings/{meeting_id}/class-photo", files=upload(data))


def test_photo_proposes_roster_members_once_each_and_writes_no_checkin(
    client: TestClient, face_photos: list[bytes], t1_faces: list[DetectedFace], rows: Rows
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    response = send(client, meeting_id, T1_PATH.read_bytes())
    assert response.status_code == 200, response.text
    answer = response.json()
    present = {f["person"]["full_name"]: f for f in answer["present"]}
    assert set(present) == {AN, BINH, CUONG, DUNG}
    for name, face in present.items():
        assert face["person"]["id"] == ids[name]
        assert nearest_face(centre(face["box"]), t1_faces) == NAMES.index(name)
        assert face["similarity"] > 0.5
    # Giang has no face enrolled; Hùng is enrolled but not on this roster: both unknown.
    unknown = sorted(nearest_face(centre(f["box"]), t1_faces) for f in answer["unknown"])
    assert unknown == [NAMES.index(GIANG), NAMES.index(HUNG)]
    assert {p["full_name"] for p in answer["not_seen"]} == {GIANG, "Ngô Gia Khánh"}
    assert rows()["attendance_events"] == 0
    photo_url = f"/api/v1/meetings/{meeting_id}/class-photo/{answer['photo_id']}"
    again = client.get(photo_url)
    assert again.status_code == 200 and again.json() == answer
    crop = client.get(answer["unknown"][0]["crop_url"])
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(crop.content)).size[0] > 20
    assert client.get(f"{photo_url}/crops/{answer['present'][0]['face']}").status_code == 404


def test_confirm_checks_in_exactly_those_once_at_the_photo_time(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    answer = send(client, meeting_id, T1_PATH.read_bytes()).json()
    url = f"/api/v1/meetings/{meeting_id}/class-photo/{answer['photo_id']}/confirm"
    # The teacher removes Dũng's proposal and gives an unknown face to Giang.
    chosen = [ids[AN], ids[BINH], ids[CUONG], ids[GIANG]]
    first = client.post(url, json={"person_ids": chosen})
    assert first.status_code == 200, first.text
    assert sorted(r["person"]["id"] for r in first.json()["recorded"]) == sorted(chosen)
    assert first.json()["already"] == []
    assert {r["source"] for r in first.json()["recorded"]} == {"class_photo"}
    taken = datetime.fromisoformat(answer["taken_at"])
    assert all(datetime.fromisoformat(r["at"]) == taken for r in first.json()["recorded"])
    assert rows()["attendance_events"] == 4
    second = client.post(url, json={"person_ids": chosen})
    assert second.status_code == 200 and second.json()["recorded"] == []
    assert len(second.json()["already"]) == 4
    assert rows()["attendance_events"] == 4
    status = client.get(f"/api/v1/meetings/{meeting_id}/attendance").json()
    present = {r["person"]["full_name"] for r in status if r["status"] != "absent"}
    assert present == {AN, BINH, CUONG, GIANG}
    # Confirmed: the unknown faces' crops are erased, the answer stays.
    after = client.get(f"/api/v1/meetings/{meeting_id}/class-photo/{answer['photo_id']}")
    assert after.json()["confirmed_at"] is not None
    assert all(f["crop_url"] is None for f in after.json()["unknown"])


def test_confirm_of_someone_not_on_the_roster_is_refused_and_writes_nothing(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    answer = send(client, meeting_id, T1_PATH.read_bytes()).json()
    url = f"/api/v1/meetings/{meeting_id}/class-photo/{answer['photo_id']}/confirm"
    response = client.post(url, json={"person_ids": [ids[AN], ids[HUNG]]})
    assert response.status_code == 403, response.text
    assert response.json()["reason"] == "NOT_ON_ROSTER"
    assert str(ids[HUNG]) in response.json()["detail"]
    assert rows()["attendance_events"] == 0
    bad = client.post(url, json={"person_ids": "all"})
    assert bad.status_code == 422 and rows()["attendance_events"] == 0


def test_photo_of_another_meeting_or_an_unknown_id_is_404(
    client: TestClient, face_photos: list[bytes]
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    other = create_meeting(client, [ids[AN]], **happening_now())
    photo_id = send(client, meeting_id, T1_PATH.read_bytes()).json()["photo_id"]
    for url in (
        f"/api/v1/meetings/{other}/class-photo/{photo_id}",
        f"/api/v1/meetings/{meeting_id}/class-photo/not-a-photo",
    ):
        response = client.get(url)
        assert response.status_code == 404, response.text
        assert response.json()["reason"] == "CLASS_PHOTO_NOT_FOUND"
        confirm = client.post(url + "/confirm", json={"person_ids": [ids[AN]]})
        assert confirm.status_code == 404
    assert send(client, 999_999, T1_PATH.read_bytes()).status_code == 404


def test_expired_photo_is_410_and_the_retention_job_erases_it(
    client: TestClient, face_photos: list[bytes], database_url: str, rows: Rows
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    answer = send(client, meeting_id, T1_PATH.read_bytes()).json()
    execute(database_url, "UPDATE class_photos SET expires_at = '2020-01-01 00:00:00'")
    url = f"/api/v1/meetings/{meeting_id}/class-photo/{answer['photo_id']}"
    assert client.get(url).status_code == 410
    assert client.get(answer["unknown"][0]["crop_url"]).status_code == 410
    confirm = client.post(url + "/confirm", json={"person_ids": [ids[AN]]})
    assert confirm.status_code == 410 and confirm.json()["reason"] == "CLASS_PHOTO_EXPIRED"
    assert rows()["attendance_events"] == 0
    services = client.app_state["services"]  # type: ignore[attr-defined]
    with services.sessions() as session, session.begin():
        assert purge_expired(session, review_crop_days=1).class_photos == 1
    stored = query(database_url, "SELECT faces_json, crops_json FROM class_photos")
    assert stored == [("[]", None)]


def test_bad_photos_are_clear_4xx_and_store_nothing(
    make_client: ClientFactory, face_photos: list[bytes], database_url: str
) -> None:
    client = make_client(max_upload_bytes=2_000_000, max_pixels=1_000_000)
    meeting_id, _ = class_of_t1(client, face_photos)
    blank = io.BytesIO()
    Image.fromarray(np.full((600, 800, 3), 128, np.uint8)).save(blank, "JPEG")
    cases = [
        (blank.getvalue(), 422, "NO_FACE"),
        (b"\xff\xd8 not really a jpeg", 422, "UNREADABLE_IMAGE"),
        (b"x" * 2_000_001, 413, "IMAGE_TOO_LARGE"),
        (png(Image.new("RGB", (1200, 1000))), 413, "IMAGE_TOO_LARGE"),  # 1.2 megapixel
    ]
    for data, code, reason in cases:
        response = send(client, meeting_id, data)
        assert response.status_code == code, response.text
        assert response.json()["reason"] == reason
        assert "." in response.json()["detail"]
    assert query(database_url, "SELECT count(*) FROM class_photos") == [(0,)]


def test_a_lesson_searches_only_faces_consented_for_school_attendance(
    client: TestClient, face_photos: list[bytes]
) -> None:
    """Faces stored under a consent for meetings only are not searched in a lesson; Giang's,
    stored under her guardian's consent for school attendance, is."""
    meeting_id, ids = class_of_t1(client, face_photos)
    give_consent(client, ids[GIANG], given_by="Mẹ", relation="guardian", purposes=[SCHOOL])
    giang = client.post(
        f"/api/v1/people/{ids[GIANG]}/photos",
        files=upload(face_photos[NAMES.index(GIANG)]),
        data={"purpose": SCHOOL},
    )
    assert giang.status_code == 201, giang.text
    services = client.app_state["services"]  # type: ignore[attr-defined]
    with services.sessions() as session, session.begin():
        lesson = create_class(session, name="10A1", school="THPT Long Biên", school_year="2026")
        session.add(ClassSession(meeting_id=meeting_id, class_id=lesson.id, day=date.today()))
    answer = send(client, meeting_id, T1_PATH.read_bytes()).json()
    assert [f["person"]["id"] for f in answer["present"]] == [ids[GIANG]]
    assert len(answer["unknown"]) == 5 and len(answer["not_seen"]) == 5


def test_deleting_the_meeting_deletes_its_class_photos(
    client: TestClient, face_photos: list[bytes], database_url: str
) -> None:
    meeting_id, _ = class_of_t1(client, face_photos)
    assert send(client, meeting_id, T1_PATH.read_bytes()).status_code == 200
    deleted = client.delete(f"/api/v1/meetings/{meeting_id}")
    assert deleted.status_code in (200, 204), deleted.text
    assert query(database_url, "SELECT count(*) FROM class_photos") == [(0,)]


def test_two_faces_of_one_student_give_them_to_one_face_only(
    client: TestClient, face_photos: list[bytes]
) -> None:
    """An's face twice in one photo: assignment, not greedy; the other face is unknown."""
    meeting_id, ids = class_of_t1(client, face_photos)
    with Image.open(io.BytesIO(face_photos[0])) as portrait:
        twice = Image.new("RGB", (portrait.width * 2 + 40, portrait.height), (128, 128, 128))
        twice.paste(portrait, (0, 0))
        twice.paste(portrait, (portrait.width + 40, 0))
    out = io.BytesIO()
    twice.save(out, "JPEG", quality=95)
    answer = send(client, meeting_id, out.getvalue()).json()
    assert [f["person"]["id"] for f in answer["present"]] == [ids[AN]]
    assert len(answer["unknown"]) == 1
    assert ids[AN] not in {p["id"] for p in answer["not_seen"]}


def test_a_kiosk_token_reaches_only_its_own_room_photos(
    client: TestClient, face_photos: list[bytes], rows: Rows
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    photo_id = send(client, meeting_id, T1_PATH.read_bytes()).json()["photo_id"]
    kiosk = client.post("/api/v1/kiosk-tokens", json={"name": "cổng", "room": "P.999"}).json()
    headers = {"Authorization": f"Bearer {kiosk['token']}"}
    url = f"/api/v1/meetings/{meeting_id}/class-photo/{photo_id}"
    assert client.get(url, headers=headers).status_code == 403
    confirm = client.post(f"{url}/confirm", json={"person_ids": [ids[AN]]}, headers=headers)
    assert confirm.status_code == 403 and rows()["attendance_events"] == 0


def test_unknown_faces_crops_are_sealed_at_rest(
    client: TestClient, face_photos: list[bytes], database_url: str
) -> None:
    meeting_id, _ = class_of_t1(client, face_photos)
    answer = send(client, meeting_id, T1_PATH.read_bytes()).json()
    served = client.get(answer["unknown"][0]["crop_url"]).content
    assert served[:2] == b"\xff\xd8"  # a JPEG, as the teacher sees it
    [(stored,)] = query(database_url, "SELECT crops_json FROM class_photos")
    for blob in json.loads(stored).values():
        data = base64.b64decode(blob)
        assert b"\xff\xd8" not in data[:32] and served not in data and b"JFIF" not in data


def test_a_teacher_of_the_session_confirms_and_the_audit_log_names_them(
    client: TestClient, face_photos: list[bytes], database_url: str
) -> None:
    meeting_id, ids = class_of_t1(client, face_photos)
    db_url = database_url
    token = add_account(db_url, "co.lan", TEACHER)
    staff = {"account_ids": [account_id(db_url, "co.lan")]}
    assert client.put(f"/api/v1/meetings/{meeting_id}/staff", json=staff).status_code == 200
    other = create_meeting(client, [ids[AN]], **happening_now())  # not theirs
    teacher = {"Authorization": f"Bearer {token}"}
    photo = T1_PATH.read_bytes()
    assert (
        client.post(
            f"/api/v1/meetings/{other}/class-photo", files=upload(photo), headers=teacher
        ).status_code
        == 404
    )
    answer = client.post(
        f"/api/v1/meetings/{meeting_id}/class-photo", files=upload(photo), headers=teacher
    ).json()
    url = f"/api/v1/meetings/{meeting_id}/class-photo/{answer['photo_id']}/confirm"
    done = client.post(url, json={"person_ids": [ids[AN]]}, headers=teacher)
    assert done.status_code == 200 and len(done.json()["recorded"]) == 1
    log = client.get("/api/v1/audit", params={"meeting_id": meeting_id}).json()
    arrivals = [e for e in log["items"] if e["detail"].get("source") == "class_photo"]
    assert len(arrivals) == 1 and arrivals[0]["actor"] == "Co.Lan", arrivals  # display name
