"""The pages offer only what the signed-in role may do (the server refuses the rest anyway),
and the meeting page assigns teachers and viewers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from api_support import module_database
from db_backends import PostgresDatabases, SqliteDatabases
from permission_support import ORIGIN, Caller, Seeded, account_id, seed


@pytest.fixture(scope="module")
def database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the module: its tests share the callers seeded once."""
    yield from module_database(databases, tmp_path_factory.mktemp("permission-pages"))


@pytest.fixture(scope="module")
def seeded(database_url: str) -> Iterator[Seeded]:
    yield from seed(database_url)


def as_caller(
    seeded: Seeded, caller: Caller, method: str, url: str, **kw: object
) -> httpx.Response:
    client = seeded.client
    client.cookies.set("attend_session", caller.cookie or "")
    try:
        return client.request(  # type: ignore[arg-type]
            method,
            url,
            headers={"Authorization": "", "Origin": ORIGIN},
            follow_redirects=False,
            **kw,
        )
    finally:
        client.cookies.clear()


def caller(seeded: Seeded, name: str) -> Caller:
    return next(c for c in seeded.callers if c.name == name)


def test_a_viewer_sees_the_meeting_without_the_buttons_it_may_not_use(seeded: Seeded) -> None:
    meeting_id = seeded.values["meeting_id"]
    url = f"/meetings/{meeting_id}"
    viewer = as_caller(seeded, caller(seeded, "người_xem"), "GET", url)
    secretary = as_caller(seeded, caller(seeded, "thư_ký"), "GET", url)
    assert viewer.status_code == secretary.status_code == 200
    for action in ("/edit", "/delete", "/board-link", "/checkin", "/participants", "/staff"):
        assert f"/meetings/{meeting_id}{action}" not in viewer.text, action
    assert f"/meetings/{meeting_id}/delete" in secretary.text
    assert f"/meetings/{meeting_id}/checkin" in secretary.text
    assert f'action="/meetings/{meeting_id}/staff"' in secretary.text
    assert "export?format=xlsx" in viewer.text  # a viewer may export
    assert 'href="/people"' not in viewer.text and 'href="/people"' in secretary.text
    person = f'href="/people/{seeded.values["person_id"]}"'
    assert person not in viewer.text and person in secretary.text
    # The hidden button's route refuses too.
    refused = as_caller(seeded, caller(seeded, "người_xem"), "POST", f"{url}/edit")
    assert refused.status_code == 403


def test_the_meeting_page_assigns_teachers_and_viewers(seeded: Seeded) -> None:
    meeting_id = seeded.values["meeting_id"]
    teacher = account_id(seeded.db_url, "giáo_viên")
    other = account_id(seeded.db_url, "giáo_viên_khác")
    page = as_caller(seeded, caller(seeded, "thư_ký"), "GET", f"/meetings/{meeting_id}?lang=en")
    assert "Assigned teachers and viewers" in page.text and "Giáo_Viên_Khác" in page.text
    saved = as_caller(
        seeded,
        caller(seeded, "thư_ký"),
        "POST",
        f"/meetings/{meeting_id}/staff",
        data={"account_id": [str(teacher), str(other)]},
    )
    assert saved.status_code == 303 and "ok=staff_assigned" in saved.headers["location"]
    listed = seeded.client.get(f"/api/v1/meetings/{meeting_id}/staff").json()["accounts"]
    assert {a["id"] for a in listed} == {teacher, other}
    # The other teacher now reaches the meeting; a secretary's id is refused, nothing changed.
    reach = as_caller(seeded, caller(seeded, "giáo_viên_khác"), "GET", f"/meetings/{meeting_id}")
    assert reach.status_code == 200
    bad = as_caller(
        seeded,
        caller(seeded, "thư_ký"),
        "POST",
        f"/meetings/{meeting_id}/staff",
        data={"account_id": [str(teacher), "999999"]},
    )
    assert bad.status_code == 422 and "No account with id 999999" in bad.text
    listed = seeded.client.get(f"/api/v1/meetings/{meeting_id}/staff").json()["accounts"]
    assert {a["id"] for a in listed} == {teacher, other}


def test_a_secretary_is_not_offered_the_admins_erasure_buttons(seeded: Seeded) -> None:
    person_id = seeded.values["person_id"]
    url = f"/people/{person_id}"
    secretary = as_caller(seeded, caller(seeded, "thư_ký"), "GET", url)
    admin = as_caller(seeded, caller(seeded, "admin"), "GET", url)
    assert secretary.status_code == admin.status_code == 200
    for action in (f"{url}/erase", f"{url}/delete"):
        assert action not in secretary.text and action in admin.text, action
    assert f"{url}/merge" in secretary.text  # merging duplicates is a secretary's work
    refused = as_caller(seeded, caller(seeded, "thư_ký"), "POST", f"{url}/erase")
    assert refused.status_code == 403


def test_a_teacher_cannot_read_the_register_through_the_roster(seeded: Seeded) -> None:
    from api_support import create_people

    stranger = create_people(seeded.client, ["Vũ Đình Khánh"])[0]
    meeting_id = seeded.values["meeting_id"]
    teacher = caller(seeded, "giáo_viên")
    client = seeded.client
    added = client.post(
        f"/api/v1/meetings/{meeting_id}/participants/{stranger}",
        headers={"Authorization": f"Bearer {teacher.bearer}"},
    )
    assert added.status_code == 404 and "Vũ Đình Khánh" not in added.text
    page = as_caller(seeded, teacher, "GET", f"/meetings/{meeting_id}?q=Khanh")
    assert page.status_code == 200 and "Vũ Đình Khánh" not in page.text
    secretary = as_caller(
        seeded, caller(seeded, "thư_ký"), "GET", f"/meetings/{meeting_id}?q=Khanh"
    )
    assert "Vũ Đình Khánh" in secretary.text
