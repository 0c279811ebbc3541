"""Consent on the pages: the form before any photo, who agreed once recorded, withdrawal that
erases, the people list flagging those without consent, and the re-consent list."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlalchemy import update
from web_support import ORIGIN, give_consent, post, text_of

from attendance.db import make_engine
from attendance.orm import FaceTemplate


def _create(client: TestClient, name: str) -> int:
    form = {"full_name": name, "title": "", "unit": "", "code": ""}
    response = post(client, "/people", form)
    found = re.match(r"/people/(\d+)", response.headers["location"])
    assert found
    return int(found.group(1))


def test_without_consent_the_page_offers_the_consent_form_not_the_upload(
    client: TestClient,
) -> None:
    person_id = _create(client, "Lê Minh Khôi")
    page = client.get(f"/people/{person_id}").text
    assert 'id="consent-form"' in page and 'id="photo-form"' not in page
    assert "Chưa có đồng ý" in page
    english = client.get(f"/people/{person_id}", params={"lang": "en"}).text
    assert "Record consent before adding face photos" in english

    not_ticked = post(
        client,
        f"/people/{person_id}/consents",
        {
            "given_by": "Nguyễn Thị Mai",
            "relation_kind": "guardian",
            "relation": "mẹ",
            "purposes": "school_attendance",
            "method": "web_checkbox",
        },
    )
    assert not_ticked.status_code == 422 and "đã đồng ý" in not_ticked.text
    give_consent(
        client,
        person_id,
        given_by="Nguyễn Thị Mai",
        relation_kind="guardian",
        relation="mẹ",
        method="web_checkbox",
        reference="",
    )
    page = text_of(client.get(f"/people/{person_id}", params={"lang": "vi"}).text)
    assert "Nguyễn Thị Mai (mẹ) đồng ý lúc" in page and "Rút sự đồng ý" in page
    assert 'id="photo-form"' in client.get(f"/people/{person_id}").text
    [consent] = client.get(f"/api/v1/people/{person_id}/consents").json()
    assert (consent["relation"], consent["method"]) == ("mẹ", "web_checkbox")


def test_withdrawing_on_the_page_erases_the_photos(
    client: TestClient, portraits: list[bytes]
) -> None:
    person_id = _create(client, "Võ Quốc Hùng")
    give_consent(client, person_id)
    files = {"file": ("h.jpg", portraits[5])}
    sent = client.post(f"/people/{person_id}/photos", files=files, headers={"Origin": ORIGIN})
    assert sent.status_code == 201
    page = client.get(f"/people/{person_id}").text
    assert "Mọi ảnh khuôn mặt lưu theo sự đồng ý này sẽ bị xóa" in page  # the warning
    [consent] = client.get(f"/api/v1/people/{person_id}/consents").json()
    gone = post(client, f"/people/{person_id}/consents/{consent['id']}/withdraw", {})
    assert gone.status_code == 303
    assert client.get(f"/api/v1/people/{person_id}").json()["templates"] == 0
    page = text_of(client.get(f"/people/{person_id}").text)
    assert "Đã rút đồng ý" in page
    log = text_of(client.get("/audit", params={"lang": "vi"}).text)
    assert "Rút sự đồng ý" in log and "1 ảnh khuôn mặt đã bị xóa." in log
    assert "Ghi nhận sự đồng ý" in log


def test_the_people_list_flags_and_filters_those_without_consent(client: TestClient) -> None:
    with_consent = _create(client, "Nguyễn Văn An")
    give_consent(client, with_consent)
    _create(client, "Trần Thị Bình")
    listed = text_of(client.get("/people").text)
    assert "Chưa có đồng ý" in listed and "Đã đồng ý" in listed
    missing = text_of(client.get("/people", params={"consent": "missing"}).text)
    assert "Trần Thị Bình" in missing and "Nguyễn Văn An" not in missing
    english = text_of(client.get("/people", params={"lang": "en"}).text)
    assert "No consent" in english


def test_templates_unused_for_long_are_listed_for_reconsent(
    client: TestClient, portraits: list[bytes], database_url: str
) -> None:
    person_id = _create(client, "Đặng Thị Giang")
    give_consent(client, person_id)
    files = {"file": ("g.jpg", portraits[4])}
    client.post(f"/people/{person_id}/photos", files=files, headers={"Origin": ORIGIN})
    assert 'id="reconsent"' not in client.get("/people").text
    three_years_ago = datetime.now(timezone.utc) - timedelta(days=3 * 365)
    engine = make_engine(database_url)
    with engine.begin() as db:
        db.execute(update(FaceTemplate).values(created_at=three_years_ago))
    engine.dispose()
    page = client.get("/people").text
    assert 'id="reconsent"' in page and "Cần xin lại sự đồng ý" in page
    assert "Đặng Thị Giang" in text_of(page.split('id="reconsent"')[1])


def test_a_guardians_school_only_consent_lets_the_page_enroll_the_child(
    client: TestClient, portraits: list[bytes]
) -> None:
    person_id = _create(client, "Lê Minh Khôi")
    form = client.get(f"/people/{person_id}").text
    assert 'name="purposes" value="meetings" checked' not in form  # nothing chosen for them
    give_consent(
        client,
        person_id,
        given_by="Nguyễn Thị Mai",
        relation_kind="guardian",
        relation="mẹ",
        purposes="school_attendance",
    )
    page = client.get(f"/people/{person_id}").text
    assert 'name="purpose" value="school_attendance"' in page
    files = {"file": ("khoi.jpg", portraits[0])}
    data = {"purpose": "school_attendance"}
    added = client.post(
        f"/people/{person_id}/photos", files=files, data=data, headers={"Origin": ORIGIN}
    )
    assert added.status_code in (200, 201, 303), text_of(added.text)
    [template] = client.get(f"/api/v1/people/{person_id}/templates").json()
    assert template["template_id"] > 0
    # A form that names no purpose enrolls for the one the consent covers, not meetings.
    other = _create(client, "Lê Minh Anh")
    give_consent(
        client, other, relation_kind="guardian", relation="cha", purposes="school_attendance"
    )
    plain = client.post(
        f"/people/{other}/photos",
        files={"file": ("anh.jpg", portraits[1])},
        headers={"Origin": ORIGIN},
    )
    assert plain.status_code in (200, 201, 303), text_of(plain.text)
    assert len(client.get(f"/api/v1/people/{other}/templates").json()) == 1
