"""Document uploads against hostile callers and files (attack14 #3, #4, #7, #9, #10 and the
links' JSON): a caller with no credential is refused before its body is read, only a few
uploads are read at once, a chunked body over the limit is DOCUMENT_TOO_LARGE, a polyglot is
not a PDF, a download's name ends in its kind's extension, a public document cannot carry a
watermark, the default title is the cleaned file name, and a link is not told the file's hash
nor who uploaded it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from api_support import ADMIN_TOKEN, create_meeting, create_people
from fastapi.testclient import TestClient
from fpdf import FPDF
from PIL import Image
from test_openapi_contract import FAKE

from api.app import create_app
from api.limits import MAX_DOCUMENT_UPLOADS
from attendance.settings import DocumentSettings, Settings

MIB = 1024 * 1024
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def a_pdf(text: str = "Tai lieu hop") -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=14)
    pdf.add_page()
    pdf.cell(text=text)
    return bytes(pdf.output())


def a_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 30)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        db_url=database_url,
        admin_token=ADMIN_TOKEN,
        allowed_hosts=["testserver"],
        documents=DocumentSettings(dir=tmp_path / "documents", max_file_mb=1, max_meeting_mb=5),
    )
    app = create_app(settings, pipeline_factory=lambda _: FAKE, warm_up=False)
    with TestClient(app, raise_server_exceptions=False, headers=ADMIN) as test_client:
        yield test_client


def meeting(client: TestClient, roster: list[int] | None = None) -> int:
    return create_meeting(
        client,
        roster or [],
        title="Họp UBND",
        starts_at="2030-03-02T08:00:00+07:00",
        ends_at="2030-03-02T11:00:00+07:00",
    )


def upload(client: TestClient, meeting_id: int, name: str, data: bytes, **form: Any) -> Any:
    return client.post(
        f"/api/v1/meetings/{meeting_id}/documents",
        data=form,
        files={"file": (name, data, "application/octet-stream")},
    )


# --- The body is not read for a caller with no credential; a few uploads at once (#3) ---

BOUNDARY = "b0undary"
CHUNK = b"\x00" * 64_000


def scope_of(client: TestClient, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"transfer-encoding", b"chunked"),
            *headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": dict(client.app_state),
    }


class Caller:
    """One upload sent to the real app, chunk by chunk: how many chunks the server pulled,
    and its answer. `hold`: the body stops arriving until it is set."""

    def __init__(self, hold: anyio.Event | None = None, chunks: int = 10) -> None:
        self.hold, self.chunks, self.pulled = hold, chunks, 0
        self.status: int | None = None
        self.headers: dict[bytes, bytes] = {}
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        if self.hold is not None and self.pulled == 1:
            await self.hold.wait()
        self.pulled += 1
        if self.pulled == 1:
            head = (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                'filename="x.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            return {"type": "http.request", "body": head, "more_body": True}
        if self.pulled <= self.chunks:
            return {"type": "http.request", "body": CHUNK, "more_body": True}
        end = f"\r\n--{BOUNDARY}--\r\n".encode()
        return {"type": "http.request", "body": end, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = dict(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


def test_an_upload_with_no_credential_is_refused_before_its_body_is_read(
    client: TestClient,
) -> None:
    meeting_id = meeting(client)
    app = client.app
    api, page = f"/api/v1/meetings/{meeting_id}/documents", f"/meetings/{meeting_id}/documents"
    nobody = Caller()
    client.portal.call(app, scope_of(client, api, []), nobody.receive, nobody.send)
    assert nobody.status == 401 and nobody.pulled == 0, (nobody.pulled, nobody.body[:300])
    assert "Cần đăng nhập" in nobody.body.decode() and "Sign in" in nobody.body.decode()
    assert nobody.headers[b"www-authenticate"] == b"Bearer"
    # The secretary's page: sent to sign in (303 to /signin), the body unread too.
    browser = Caller()
    client.portal.call(app, scope_of(client, page, []), browser.receive, browser.send)
    assert browser.status in (303, 401) and browser.pulled == 0, browser.pulled
    # A credential (valid or not: the route decides) is read through, as before.
    wrong = Caller()
    headers = [(b"authorization", b"Bearer not-a-token")]
    client.portal.call(app, scope_of(client, api, headers), wrong.receive, wrong.send)
    assert wrong.status == 401 and wrong.pulled == wrong.chunks + 1


def test_only_a_few_document_uploads_are_read_at_once(client: TestClient) -> None:
    meeting_id = meeting(client)
    app = client.app
    path = f"/api/v1/meetings/{meeting_id}/documents"
    headers = [(b"authorization", f"Bearer {ADMIN_TOKEN}".encode())]

    async def race() -> tuple[list[Caller], Caller]:
        hold = anyio.Event()
        held = [Caller(hold) for _ in range(MAX_DOCUMENT_UPLOADS)]
        extra = Caller()
        async with anyio.create_task_group() as group:
            for caller in held:
                group.start_soon(app, scope_of(client, path, headers), caller.receive, caller.send)
            while sum(c.pulled for c in held) < MAX_DOCUMENT_UPLOADS:
                await anyio.sleep(0.01)
            await app(scope_of(client, path, headers), extra.receive, extra.send)
            hold.set()
        return held, extra

    held, extra = client.portal.call(race)
    assert extra.status == 503 and extra.pulled == 0, extra.body[:300]
    assert extra.headers[b"retry-after"] == b"5"
    assert "SERVER_BUSY" in extra.body.decode() and "thử lại" not in extra.body.decode()
    assert "gửi lại sau" in extra.body.decode() and "send it again" in extra.body.decode()
    # The held ones went on (their bodies are not PDFs: refused by content, not by number).
    assert [c.status for c in held] == [415] * MAX_DOCUMENT_UPLOADS
    # Once they are done, the next one is read.
    after = Caller()
    client.portal.call(app, scope_of(client, path, headers), after.receive, after.send)
    assert after.status == 415 and after.pulled == after.chunks + 1


# --- A chunked body over the limit (#10) ---


def test_a_chunked_upload_over_the_limit_is_document_too_large(client: TestClient) -> None:
    meeting_id = meeting(client)

    def body() -> Iterator[bytes]:
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="lon.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        for _ in range(40):  # 2.5 MB, the limit is 1 MB
            yield CHUNK
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    response = client.post(
        f"/api/v1/meetings/{meeting_id}/documents",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["reason"] == "DOCUMENT_TOO_LARGE"
    assert "1 MB" in response.json()["detail"]
    assert client.get(f"/api/v1/meetings/{meeting_id}/documents").json()["documents"] == []


# --- Polyglots and the download's name (#4) ---

MZ_STUB = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS"


@pytest.mark.parametrize(
    ("name", "before"),
    [
        ("Báo cáo.exe", MZ_STUB + b"\n"),
        ("report.html", b"<html><script>alert(document.domain)</script><!--\n"),
        ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><!--\n"),
    ],
)
def test_a_pdf_behind_another_file_s_header_is_refused(
    client: TestClient, name: str, before: bytes
) -> None:
    meeting_id = meeting(client)
    response = upload(client, meeting_id, name, before + a_pdf())
    assert response.status_code == 415, response.text
    assert response.json()["reason"] == "DOCUMENT_TYPE"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Báo cáo.exe", "Báo cáo.exe.pdf"),
        ("report.html", "report.html.pdf"),
        ("Quyết định 12.2026", "Quyết định 12.2026.pdf"),
        ("Tờ trình.PDF", "Tờ trình.PDF"),
    ],
)
def test_a_download_s_name_ends_in_its_kind_s_extension(
    client: TestClient, sent: str, kept: str
) -> None:
    meeting_id = meeting(client)
    made = upload(client, meeting_id, sent, a_pdf())
    assert made.status_code == 201, made.text
    assert made.json()["version"]["filename"] == kept
    got = client.get(f"/api/v1/meetings/{meeting_id}/documents/{made.json()['id']}")
    disposition = got.headers["content-disposition"]
    assert disposition.lower().endswith(".pdf"), disposition
    assert '.pdf"' in disposition.lower(), disposition  # the ASCII fallback too


def test_an_image_named_as_a_web_page_is_saved_as_an_image(client: TestClient) -> None:
    meeting_id = meeting(client)
    made = upload(client, meeting_id, "anh.html", a_jpeg())
    assert made.status_code == 201, made.text
    assert made.json()["version"]["filename"] == "anh.html.jpg"
    assert upload(client, meeting_id, "anh.JPEG", a_jpeg()).json()["version"]["filename"] == (
        "anh.JPEG"
    )


# --- Public and watermarked (#7) ---


def test_a_public_document_cannot_be_watermarked(client: TestClient) -> None:
    meeting_id = meeting(client)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    both = upload(client, meeting_id, "mat.pdf", a_pdf(), visibility="public", watermark="true")
    assert both.status_code == 422, both.text
    detail = both.json()["detail"]
    assert "Hãy bỏ đóng dấu" in detail and "Turn the watermark off" in detail
    assert client.get(base).json()["documents"] == []

    public = upload(client, meeting_id, "cong-khai.pdf", a_pdf("a"), visibility="public").json()
    stamped = upload(client, meeting_id, "mat.pdf", a_pdf("b"), watermark="true").json()
    refused = client.patch(f"{base}/{public['id']}", json={"watermark": True})
    assert refused.status_code == 422, refused.text
    refused = client.patch(f"{base}/{stamped['id']}", json={"visibility": "public"})
    assert refused.status_code == 422, refused.text
    now = {d["id"]: (d["visibility"], d["watermark"]) for d in client.get(base).json()["documents"]}
    assert now == {public["id"]: ("public", False), stamped["id"]: ("members", True)}
    # Both changed at once, the other way round: allowed.
    swapped = client.patch(
        f"{base}/{stamped['id']}", json={"visibility": "public", "watermark": False}
    )
    assert swapped.status_code == 200, swapped.text


# --- The default title (#9) ---


@pytest.mark.parametrize(
    ("sent", "title"),
    [
        ("../../../../etc/cron.d/x.pdf", "x"),
        ("C:\\Users\\Lan\\Desktop\\Tờ trình.pdf", "Tờ trình"),
        ("\u202eexe.pdf", "exe"),
        ("\u200b\u2060Biên bản\u200d.pdf", "Biên bản"),
        ("a" * 600 + ".pdf", "a" * 251),
    ],
)
def test_the_default_title_is_the_cleaned_file_name(
    client: TestClient, sent: str, title: str
) -> None:
    meeting_id = meeting(client)
    made = upload(client, meeting_id, sent, a_pdf())
    assert made.status_code == 201, made.text
    assert made.json()["title"] == title
    assert len(made.json()["version"]["filename"]) <= 255


# --- What a link is told (observation) ---


def test_a_link_is_not_told_the_file_s_hash_nor_who_uploaded_it(client: TestClient) -> None:
    (person_id,) = create_people(client, ["Đỗ Thị Hoa"])
    meeting_id = meeting(client, [person_id])
    made = upload(client, meeting_id, "to-trinh.pdf", a_pdf(), title="Tờ trình")
    assert made.status_code == 201, made.text
    base = f"/api/v1/meetings/{meeting_id}/documents"
    staff = client.get(base).json()["documents"][0]["version"]
    assert staff["sha256"] and staff["uploaded_by"]
    link = client.post(
        f"/api/v1/meetings/{meeting_id}/voting-passes", json={"person_id": person_id}
    )
    assert link.status_code == 201, link.text
    listed = client.get(base, headers={"Authorization": f"Bearer {link.json()['token']}"})
    assert listed.status_code == 200, listed.text
    version = listed.json()["documents"][0]["version"]
    assert version["sha256"] is None and version["uploaded_by"] is None
    assert staff["sha256"] not in listed.text and staff["uploaded_by"] not in listed.text
