"""A meeting's documents over HTTP: real PDF, DOCX, XLSX, JPEG and PNG files uploaded,
versioned, ordered and downloaded by staff; read by a delegate through their voting link (and
recorded) and by the room's board (public ones); bad files refused with nothing left behind;
the files leave the folder with their document and with their meeting."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from api_support import ADMIN_TOKEN, create_meeting, create_people, query
from document_files import docx_bytes, image_bytes, numbered_pdf, xlsx_bytes
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from permission_support import account_id, add_account
from pypdf import PdfReader
from test_openapi_contract import FAKE

from api.app import create_app
from attendance.board_links import issue_board_link
from attendance.db import make_engine, make_session_factory
from attendance.settings import DocumentSettings, Settings

MIB = 1024 * 1024


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture
def client(database_url: str, folder: Path) -> Iterator[TestClient]:
    settings = Settings(
        db_url=database_url,
        admin_token=ADMIN_TOKEN,
        allowed_hosts=["testserver"],
        documents=DocumentSettings(dir=folder, max_file_mb=1, max_meeting_mb=3, max_pdf_pages=50),
    )
    app = create_app(settings, pipeline_factory=lambda _: FAKE, warm_up=False)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(app, raise_server_exceptions=False, headers=headers) as test_client:
        yield test_client


def meeting(client: TestClient, roster: list[int] | None = None, title: str = "Họp UBND") -> int:
    return create_meeting(
        client,
        roster or [],
        title=title,
        starts_at="2030-03-02T08:00:00+07:00",
        ends_at="2030-03-02T11:00:00+07:00",
    )


def upload(
    client: TestClient,
    meeting_id: int,
    name: str,
    data: bytes,
    headers: dict[str, str] | None = None,
    **form: Any,
) -> Any:
    return client.post(
        f"/api/v1/meetings/{meeting_id}/documents",
        data={"title": name.rsplit(".", 1)[0], **form},
        files={"file": (name, data, "application/octet-stream")},
        headers=headers,
    )


def stored(folder: Path) -> set[str]:
    """The files in the documents folder (not those being written)."""
    if not folder.is_dir():
        return set()
    return {p.name for p in folder.glob("*/*") if p.parent.name != ".incoming"}


def rows(database_url: str) -> tuple[int, int, int]:
    [(documents, versions, reads)] = query(
        database_url,
        "SELECT (SELECT count(*) FROM meeting_documents), (SELECT count(*) FROM "
        "document_versions), (SELECT count(*) FROM document_reads)",
    )
    return int(documents), int(versions), int(reads)


def voting_link(client: TestClient, meeting_id: int, person_id: int) -> dict[str, str]:
    made = client.post(
        f"/api/v1/meetings/{meeting_id}/voting-passes", json={"person_id": person_id}
    )
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


def board_key(database_url: str, meeting_id: int) -> str:
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        key = issue_board_link(session, meeting_id=meeting_id, actor="t")
        session.commit()
    engine.dispose()
    return key


def test_staff_upload_each_kind_replace_order_change_and_download_the_exact_bytes(
    client: TestClient, folder: Path
) -> None:
    meeting_id = meeting(client)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    item = client.post(f"/api/v1/meetings/{meeting_id}/agenda", json={"title": "Kinh tế"})
    files = {
        "Báo cáo tổng kết năm.pdf": numbered_pdf(3),
        "Tờ trình đầu tư.docx": docx_bytes(),
        "Số liệu thu chi.xlsx": xlsx_bytes(),
        "Ảnh hiện trường.jpg": image_bytes("JPEG"),
        "Sơ đồ.png": image_bytes("PNG"),
    }
    made = {}
    for name, data in files.items():
        answer = upload(client, meeting_id, name, data, agenda_item_id=str(item.json()["id"]))
        assert answer.status_code == 201, answer.text
        made[name] = answer.json()
    kinds = [(d["version"]["kind"], d["version"]["pages"]) for d in made.values()]
    assert kinds == [("pdf", 3), ("docx", None), ("xlsx", None), ("jpeg", None), ("png", None)]
    report = made["Báo cáo tổng kết năm.pdf"]
    assert report["title"] == "Báo cáo tổng kết năm" and report["agenda_item_title"] == "Kinh tế"
    assert report["version"]["media_type"] == "application/pdf"
    assert report["visibility"] == "members" and report["position"] == 1

    # The file comes back as it went, under its Vietnamese name.
    got = client.get(f"{base}/{report['id']}")
    assert got.status_code == 200 and got.content == files["Báo cáo tổng kết năm.pdf"]
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Báo cáo tổng kết năm.pdf', safe='')}" in disposition
    assert 'filename="bao-cao-tong-ket-nam.pdf"' in disposition
    assert got.headers["content-type"] == "application/pdf"
    inline = client.get(f"{base}/{report['id']}", params={"inline": "true"})
    assert inline.headers["content-disposition"].startswith("inline;")
    sheet_id = made["Số liệu thu chi.xlsx"]["id"]
    sheet = client.get(f"{base}/{sheet_id}", params={"inline": "true"})
    assert sheet.headers["content-disposition"].startswith("attachment;")  # never shown inline
    assert load_workbook(io.BytesIO(sheet.content)).active["A2"].value == "Thu ngân sách"  # type: ignore[index]

    # A new version is shown; the earlier one stays for staff.
    newer = numbered_pdf(4, "Ban sua doi")
    replaced = client.post(
        f"{base}/{report['id']}/versions", files={"file": ("Báo cáo (sửa).pdf", newer)}
    )
    assert replaced.status_code == 201, replaced.text
    assert [v["number"] for v in replaced.json()["versions"]] == [2, 1]
    assert replaced.json()["version"]["pages"] == 4
    assert client.get(f"{base}/{report['id']}").content == newer
    first = client.get(f"{base}/{report['id']}", params={"version": 1})
    assert first.content == files["Báo cáo tổng kết năm.pdf"]
    assert client.get(f"{base}/{report['id']}", params={"version": 9}).status_code == 404

    # Order, then change a title, the item and the visibility.
    ids = [d["id"] for d in made.values()]
    ordered = client.put(f"{base}/order", json={"document_ids": ids[::-1]})
    assert ordered.status_code == 200, ordered.text
    listed = client.get(base).json()
    assert [d["id"] for d in listed["documents"]] == ids[::-1]
    assert [d["position"] for d in listed["documents"]] == [1, 2, 3, 4, 5]
    assert listed["agenda"] == [{"id": item.json()["id"], "position": 1, "title": "Kinh tế"}]
    partial = client.put(f"{base}/order", json={"document_ids": ids[:2]})
    assert partial.status_code == 422 and partial.json()["reason"] == "INVALID"
    changed = client.patch(
        f"{base}/{report['id']}",
        json={"title": "Báo cáo tổng kết", "agenda_item_id": None, "visibility": "public"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["title"], body["agenda_item_id"], body["visibility"]) == (
        "Báo cáo tổng kết",
        None,
        "public",
    )
    # A public document cannot be watermarked (the board gets it unstamped): members first.
    kept = client.patch(f"{base}/{report['id']}", json={"visibility": "members"}).json()
    kept = client.patch(f"{base}/{report['id']}", json={"watermark": True}).json()
    assert kept["visibility"] == "members" and kept["watermark"] is True  # the rest kept
    assert kept["title"] == "Báo cáo tổng kết"
    bad = client.patch(f"{base}/{report['id']}", json={"visibility": "everyone"})
    assert bad.status_code == 422
    elsewhere = client.patch(f"{base}/{report['id']}", json={"agenda_item_id": 999_999})
    assert elsewhere.status_code == 404
    assert len(stored(folder)) == 6  # five files and one new version
    audit = client.get(f"/api/v1/meetings/{meeting_id}/audit").json()
    actions = {e["action"] for e in audit}
    assert {"document_uploaded", "document_version_added", "documents_reordered"} <= actions
    assert "document_updated" in actions


def test_a_delegate_reads_members_documents_through_their_link_and_each_read_is_recorded(
    client: TestClient, database_url: str
) -> None:
    people = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình"])
    meeting_id = meeting(client, people)
    other_id = meeting(client, people, title="Họp khác")
    base = f"/api/v1/meetings/{meeting_id}/documents"
    secret = upload(client, meeting_id, "Dự thảo mật.pdf", numbered_pdf(1, "v1")).json()
    second = numbered_pdf(2, "v2")  # fpdf2 stamps the time it was made: made once
    client.post(f"{base}/{secret['id']}/versions", files={"file": ("v2.pdf", second)})
    public = upload(client, meeting_id, "Chương trình.pdf", numbered_pdf(1), visibility="public")
    an = voting_link(client, meeting_id, people[0])

    listed = client.get(base, headers=an)
    assert listed.status_code == 200, listed.text
    shown = listed.json()["documents"]
    assert [d["id"] for d in shown] == [secret["id"], public.json()["id"]]
    assert all(d["versions"] == [] for d in shown)  # earlier versions are the staff's
    got = client.get(f"{base}/{secret['id']}", headers=an)
    assert got.status_code == 200 and got.content == second
    assert got.headers["cache-control"] == "private, no-store"
    earlier = client.get(f"{base}/{secret['id']}", params={"version": 1}, headers=an)
    assert earlier.status_code == 403
    assert client.post(f"{base}/{secret['id']}/versions", headers=an).status_code == 403
    assert client.delete(f"{base}/{secret['id']}", headers=an).status_code == 403

    reads = client.get(f"{base}/{secret['id']}/reads")
    assert reads.status_code == 200, reads.text
    [read] = reads.json()["reads"]
    assert (read["person_id"], read["name"], read["via"], read["what"], read["version"]) == (
        people[0],
        "Nguyễn Văn An",
        "voting_link",
        "file",
        2,
    )
    client.get(f"{base}/{secret['id']}")  # staff: not a delegate's read
    assert len(client.get(f"{base}/{secret['id']}/reads").json()["reads"]) == 1

    # Another meeting's link: the meeting's documents are not there for it.
    bình = voting_link(client, other_id, people[1])
    for path in (base, f"{base}/{secret['id']}"):
        refused = client.get(path, headers=bình)
        assert refused.status_code == 404, refused.text
        assert "Dự thảo" not in refused.text
    assert rows(database_url)[2] == 1  # nothing recorded for the refused reads


def test_a_board_link_sees_the_public_documents_only(client: TestClient, database_url: str) -> None:
    meeting_id = meeting(client)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    members = upload(client, meeting_id, "Nội bộ.pdf", numbered_pdf(1)).json()
    public = upload(client, meeting_id, "Công khai.png", image_bytes("PNG"), visibility="public")
    key = {"key": board_key(database_url, meeting_id)}
    no_token = {"Authorization": ""}
    listed = client.get(base, params=key, headers=no_token)
    assert listed.status_code == 200, listed.text
    assert [d["id"] for d in listed.json()["documents"]] == [public.json()["id"]]
    assert client.get(f"{base}/{members['id']}", params=key, headers=no_token).status_code == 404
    shown = client.get(f"{base}/{public.json()['id']}", params=key, headers=no_token)
    assert shown.status_code == 200 and shown.content == image_bytes("PNG")
    assert client.get(base, params={"key": "sai"}, headers=no_token).status_code == 403


def test_staff_reach_follows_the_permission_table(client: TestClient, database_url: str) -> None:
    meeting_id = meeting(client)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    secretary = {"Authorization": f"Bearer {add_account(database_url, 'thu_ky', 'secretary')}"}
    viewer = {"Authorization": f"Bearer {add_account(database_url, 'nguoi_xem', 'viewer')}"}
    teacher = {"Authorization": f"Bearer {add_account(database_url, 'giao_vien', 'teacher')}"}
    made = upload(client, meeting_id, "Kế hoạch.pdf", numbered_pdf(1), headers=secretary)
    assert made.status_code == 201, made.text
    doc = f"{base}/{made.json()['id']}"
    for caller in (viewer, teacher):  # not assigned: the meeting is not theirs to know
        assert client.get(base, headers=caller).status_code == 404
        assert client.get(doc, headers=caller).status_code == 404
    client.put(
        f"/api/v1/meetings/{meeting_id}/staff",
        json={"account_ids": [account_id(database_url, "nguoi_xem")]},
    )
    assert client.get(doc, headers=viewer).status_code == 200
    refused = upload(client, meeting_id, "Khác.pdf", numbered_pdf(1), headers=viewer)
    assert refused.status_code == 403
    assert client.get(f"{doc}/reads", headers=viewer).status_code == 403
    assert client.delete(doc, headers=secretary).status_code == 204


def test_the_files_leave_the_folder_with_their_document_and_with_their_meeting(
    client: TestClient, database_url: str, folder: Path
) -> None:
    people = create_people(client, ["Lê Văn Cường"])
    meeting_id = meeting(client, people)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    shared = numbered_pdf(1, "chung")
    one = upload(client, meeting_id, "Một.pdf", shared).json()
    two = upload(client, meeting_id, "Hai.pdf", shared).json()  # the same file: kept once
    three = upload(client, meeting_id, "Ba.docx", docx_bytes()).json()
    client.post(f"{base}/{three['id']}/versions", files={"file": ("Ba 2.docx", xlsx_bytes())})
    client.get(f"{base}/{three['id']}", headers=voting_link(client, meeting_id, people[0]))
    assert len(stored(folder)) == 3

    assert client.delete(f"{base}/{one['id']}").status_code == 204
    assert len(stored(folder)) == 3  # "Hai" still holds the shared file
    assert client.get(f"{base}/{one['id']}").status_code == 404
    assert client.delete(f"{base}/{two['id']}").status_code == 204
    [left] = client.get(base).json()["documents"]
    assert stored(folder) == {v["sha256"] for v in left["versions"]}  # Ba's two versions

    gone = client.delete(f"/api/v1/meetings/{meeting_id}")
    assert gone.status_code == 200, gone.text
    assert stored(folder) == set()
    assert rows(database_url) == (0, 0, 0)


def test_a_delegate_s_copy_of_a_watermarked_pdf_carries_their_name_on_every_page(
    client: TestClient,
) -> None:
    people = create_people(client, ["Nguyễn Thị Diệp"])
    meeting_id = meeting(client, people)
    base = f"/api/v1/meetings/{meeting_id}/documents"
    original = numbered_pdf(3, "Noi dung mat")
    made = upload(client, meeting_id, "Mật.pdf", original, watermark="true").json()
    assert made["watermark"] is True
    copy = client.get(f"{base}/{made['id']}", headers=voting_link(client, meeting_id, people[0]))
    assert copy.status_code == 200, copy.text
    assert copy.content != original
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(copy.content)).pages]
    assert len(texts) == 3
    for n, text in enumerate(texts, start=1):
        assert "Nguyễn Thị Diệp" in text and f"Noi dung mat, trang {n}" in text
    assert client.get(f"{base}/{made['id']}").content == original  # staff: the file as kept


def test_a_form_s_empty_agenda_item_is_the_meeting_and_a_wrong_one_is_refused(
    client: TestClient, folder: Path
) -> None:
    meeting_id = meeting(client)
    whole = upload(client, meeting_id, "Chung.pdf", numbered_pdf(1), agenda_item_id="")
    assert whole.status_code == 201 and whole.json()["agenda_item_id"] is None
    for wrong, status in (("abc", 422), ("999999", 404)):
        answer = upload(client, meeting_id, "Sai.png", image_bytes("PNG"), agenda_item_id=wrong)
        assert answer.status_code == status, answer.text
    assert len(stored(folder)) == 1  # the refused ones left no file
