"""Signing in: the cookie, the role check in one place, and the same-origin rule for writes."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from web_support import ADMIN_TOKEN, ORIGIN, post, sign_in, text_of


def test_a_page_without_a_session_redirects_to_sign_in_and_back(anonymous: TestClient) -> None:
    response = anonymous.get("/people?q=an", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/people%3Fq%3Dan"


def test_sign_in_sets_an_http_only_strict_cookie_and_names_the_person(
    anonymous: TestClient,
) -> None:
    response = sign_in(anonymous, label="Nguyễn Thị Thu")
    cookie = response.headers["set-cookie"]
    assert "attend_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert ADMIN_TOKEN not in cookie  # the cookie holds a session key, never the token
    page = anonymous.get("/meetings")
    assert page.status_code == 200
    assert "admin (Nguyễn Thị Thu)" in page.text


def test_a_wrong_token_is_refused_with_a_bilingual_message(anonymous: TestClient) -> None:
    response = post(anonymous, "/signin", {"token": "wrong", "next": "/meetings"})
    assert response.status_code == 401
    assert "Mã đăng nhập không đúng. The sign-in token is not valid." in text_of(response.text)
    assert "set-cookie" not in response.headers


def test_sign_in_never_redirects_off_site(anonymous: TestClient) -> None:
    response = post(anonymous, "/signin", {"token": ADMIN_TOKEN, "next": "//evil.example/x"})
    assert response.headers["location"] == "/meetings"


def test_sign_out_ends_the_session(client: TestClient) -> None:
    assert post(client, "/signout", {}).status_code == 303
    client.cookies.clear()
    assert client.get("/meetings", follow_redirects=False).status_code == 303


def test_the_cookie_reaches_the_api_for_reading(client: TestClient) -> None:
    assert client.get("/api/v1/meetings").status_code == 200


def test_a_cookie_borne_write_without_our_origin_is_refused(client: TestClient) -> None:
    body = {
        "title": "X",
        "starts_at": "2026-03-02T08:00:00",
        "ends_at": "2026-03-02T09:00:00",
    }
    assert client.post("/api/v1/meetings", json=body).status_code == 403
    evil = {"Origin": "https://evil.example"}
    assert client.post("/api/v1/meetings", json=body, headers=evil).status_code == 403
    ours = client.post("/api/v1/meetings", json=body, headers={"Origin": ORIGIN})
    assert ours.status_code == 201


def test_a_page_form_from_another_site_is_refused(client: TestClient) -> None:
    response = client.post(
        "/meetings", data={"title": "X"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "CROSS_SITE" not in response.text  # a page, with the message, not JSON
    assert "did not come from this site" in response.text


def test_a_bearer_token_needs_no_origin(anonymous: TestClient) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"title": "X", "starts_at": "2026-03-02T08:00:00", "ends_at": "2026-03-02T09:00:00"}
    assert anonymous.post("/api/v1/meetings", json=body, headers=headers).status_code == 201


def test_pages_are_vietnamese_by_default_and_english_on_request(client: TestClient) -> None:
    assert "Cuộc họp" in client.get("/meetings").text
    english = client.get("/meetings?lang=en")
    assert "New meeting" in english.text
    assert "Meetings" in client.get("/meetings").text  # remembered in a cookie


def test_a_malformed_address_gets_a_page_not_json(client: TestClient) -> None:
    response = client.get("/meetings/abc")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "không hợp lệ" in response.text


def test_an_oversized_chunked_upload_is_refused_before_anything_else(
    anonymous: TestClient,
) -> None:
    """No Content-Length, no session: the bytes are counted as they arrive and the upload is
    refused at the limit, not read whole into a temporary file before the sign-in check."""
    boundary = "b0undary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        for _ in range(300):
            yield b"x" * 65_536  # 19.7 MB, over the 15 MB limit
        yield f"\r\n--{boundary}--\r\n".encode()

    response = anonymous.post(
        "/meetings/1/roster/preview",
        content=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": "http://testserver",
        },
        follow_redirects=False,
    )
    assert response.status_code == 413


def test_an_admin_token_sign_in_and_a_wrong_token_are_audited_without_the_token(
    anonymous: TestClient,
) -> None:
    assert (
        post(anonymous, "/signin", {"token": "sai-ma-roi", "next": "/meetings"}).status_code == 401
    )
    sign_in(anonymous, label="Nguyễn Thị Thu")
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    entries = anonymous.get("/api/v1/audit", headers=bearer).json()["items"]
    done, failed = entries[0], entries[1]  # newest first
    assert done["action"] == "sign_in" and done["actor"] == "admin (Nguyễn Thị Thu)"
    assert failed["action"] == "sign_in_failed" and failed["detail"]["by"] == "token"
    assert failed["detail"]["reason"] == "BAD_SIGN_IN"
    assert "sai-ma-roi" not in str(entries) and ADMIN_TOKEN not in str(entries)
