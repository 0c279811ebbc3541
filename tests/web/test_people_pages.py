"""People pages: search without diacritics, create and edit, photos with their verdict."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from PIL import Image
from web_support import ORIGIN, give_consent, post, text_of


def _create(client: TestClient, name: str, **fields: str) -> int:
    form = {"full_name": name, "title": "", "unit": "", "code": "", **fields}
    response = post(client, "/people", form)
    assert response.status_code == 303, text_of(response.text)
    found = re.match(r"/people/(\d+)", response.headers["location"])
    assert found
    return int(found.group(1))


def test_search_ignores_diacritics_and_case(client: TestClient) -> None:
    _create(client, "Nguyễn Văn An", unit="UBND Quận 1")
    _create(client, "Đặng Thị Giang")
    page = text_of(client.get("/people", params={"q": "NGUYEN van"}).text)
    assert "Nguyễn Văn An" in page and "Đặng Thị Giang" not in page
    assert "Đặng Thị Giang" in client.get("/people", params={"q": "dang giang"}).text


def test_an_empty_name_or_a_taken_code_is_refused_with_the_form_kept(client: TestClient) -> None:
    _create(client, "Nguyễn Văn An", code="DB-1")
    empty = post(client, "/people", {"full_name": "  ", "code": "DB-2"})
    assert empty.status_code == 422 and "Full name must not be empty" in empty.text
    taken = post(client, "/people", {"full_name": "Lê Văn C", "code": "DB-1"})
    assert taken.status_code == 409 and "already in use" in taken.text
    assert 'value="Lê Văn C"' in taken.text


def test_editing_a_person_changes_name_title_unit_and_code(client: TestClient) -> None:
    person_id = _create(client, "Tran Thi Binh")
    form = {"full_name": "Trần Thị Bình", "title": "Hiệu trưởng", "unit": "THCS A", "code": "HS-9"}
    assert post(client, f"/people/{person_id}", form).status_code == 303
    person = client.get(f"/api/v1/people/{person_id}").json()
    assert (person["full_name"], person["title"], person["unit"], person["code"]) == (
        "Trần Thị Bình",
        "Hiệu trưởng",
        "THCS A",
        "HS-9",
    )
    assert "Trần Thị Bình" in client.get("/people", params={"q": "binh"}).text


def test_a_photo_gets_its_verdict_accepted_then_refused(
    client: TestClient, portraits: list[bytes]
) -> None:
    person_id = _create(client, "Nguyễn Văn An")
    give_consent(client, person_id)
    url = f"/people/{person_id}/photos"
    headers = {"Origin": ORIGIN}
    accepted = client.post(url, files={"file": ("an.jpg", portraits[0])}, headers=headers)
    assert accepted.status_code == 201
    assert "Ảnh đạt" in accepted.text and "độ nét" in accepted.text
    blank = io.BytesIO()
    Image.new("RGB", (400, 400), (200, 200, 200)).save(blank, "JPEG")
    refused = client.post(url, files={"file": ("x.jpg", blank.getvalue())}, headers=headers)
    assert refused.status_code == 422
    assert "NO_FACE" in refused.text and "Không tìm thấy khuôn mặt" in refused.text
    junk = client.post(url, files={"file": ("x.jpg", b"not an image")}, headers=headers)
    assert junk.status_code == 422 and "UNREADABLE_IMAGE" in junk.text
    page = text_of(client.get(f"/people/{person_id}").text)
    assert "Ảnh đã đăng ký (1)" in page


def test_erasing_face_data_removes_every_photo(client: TestClient, portraits: list[bytes]) -> None:
    person_id = _create(client, "Võ Quốc Hùng")
    give_consent(client, person_id)
    files = {"file": ("h.jpg", portraits[5])}
    client.post(f"/people/{person_id}/photos", files=files, headers={"Origin": ORIGIN})
    assert post(client, f"/people/{person_id}/erase", {}).status_code == 303
    assert client.get(f"/api/v1/people/{person_id}").json()["templates"] == 0
