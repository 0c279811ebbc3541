"""Every route and page, called by every kind of caller, answers as docs/permissions.md says;
the table there and the app's routes name the same routes, and its roles the same rights."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from api_support import module_database
from db_backends import PostgresDatabases, SqliteDatabases
from permission_support import (
    DOC,
    Caller,
    Row,
    Seeded,
    account_id,
    add_account,
    app_routes,
    declared_routes,
    documented_routes,
    seed,
)

from api.deps import PASSWORD
from attendance.permissions import ROLE_PERMISSIONS, Permission, is_scoped, may
from attendance.tokens import SECRETARY

# Calls that destroy what they name get new objects (for the callers let through), so that
# the shared meeting, person and tokens stay for the calls after them.
FRESH = {
    ("DELETE", "/api/v1/meetings/{meeting_id}"): "meeting",
    ("POST", "/meetings/{meeting_id}/delete"): "meeting",
    ("POST", "/meetings/{meeting_id}/staff"): "meeting",  # no box ticked: nobody assigned
    ("DELETE", "/api/v1/people/{person_id}"): "person",
    ("DELETE", "/api/v1/people/{person_id}/templates"): "person",
    ("POST", "/people/{person_id}/delete"): "person",
    ("POST", "/people/{person_id}/erase"): "person",
    ("DELETE", "/api/v1/kiosk-tokens/{token_id}"): "token",
    ("DELETE", "/api/v1/people/{person_id}/templates/{template_id}"): "template",
    ("POST", "/people/{person_id}/photos/{template_id}/delete"): "template",
    ("DELETE", "/api/v1/classes/{class_id}/sessions/{meeting_id}"): "session",
    ("DELETE", "/api/v1/people/{person_id}/excused-absences/{excused_id}"): "excused",
    ("POST", "/classes/{class_id}/timetable/excused/{excused_id}/delete"): "excused",
    # No box ticked: the class would lose its teacher; an empty form clears the student's details.
    ("POST", "/classes/{class_id}/teachers"): "class",
    ("POST", "/classes/{class_id}/students/{person_id}"): "class",
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): "webhook",
    ("POST", "/webhooks/{webhook_id}/delete"): "webhook",
    ("DELETE", "/api/v1/meetings/{meeting_id}/documents/{doc_id}"): "document",
}
ALLOWED, REFUSED, HIDDEN = "allowed", "refused", "hidden"


@pytest.fixture(scope="module")
def database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the module: its tests share the callers seeded once."""
    yield from module_database(databases, tmp_path_factory.mktemp("permissions"))


@pytest.fixture(scope="module")
def seeded(database_url: str) -> Iterator[Seeded]:
    yield from seed(database_url)


def expected(caller: Caller, row: Row, page: bool) -> str:
    """What the table says this caller gets: let through, refused, or (a teacher or viewer
    asking for a meeting not theirs) told there is no such meeting."""
    if row.permission == "public":
        return ALLOWED
    if row.permission == PASSWORD:
        return REFUSED  # its credential is a password (HTTP Basic): tests/api/test_api_tokens.py
    if caller.board_link:
        return ALLOWED if "board link" in row.links else REFUSED
    if caller.voting_link:
        return ALLOWED if "voting link" in row.links and not page else REFUSED
    if caller.role is None or row.permission is None or (page and caller.cookie is None):
        return REFUSED
    if not may(caller.role, Permission(row.permission)):
        return REFUSED
    if is_scoped(caller.role):
        if row.scope in ("list", "own"):
            return ALLOWED
        if row.scope in ("assigned", "class", "student"):
            return ALLOWED if caller.assigned else HIDDEN
        return REFUSED
    return ALLOWED


def refused(response: httpx.Response) -> bool:
    """401 or 403; a page refuses a caller not signed in by sending them to sign in."""
    if response.status_code in (401, 403):
        return True
    return response.status_code == 303 and response.headers["location"].startswith("/signin")


def call(seeded: Seeded, caller: Caller, method: str, path: str, fresh: bool) -> httpx.Response:
    values = dict(seeded.values)
    kind = FRESH.get((method, path))
    if fresh and kind is not None:
        values.update(seeded.fresh(kind))
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
    page = not path.startswith("/api/")
    client = seeded.client
    client.cookies.clear()
    if page and caller.cookie:
        client.cookies.set("attend_session", caller.cookie)
    params = {"key": seeded.fresh_board_key()} if caller.board_link else None
    headers = {"Authorization": f"Bearer {caller.bearer}" if caller.bearer else ""}
    headers["Origin"] = "http://testserver"  # a page's form: the same-origin check passes
    try:
        return client.request(method, url, params=params, headers=headers, follow_redirects=False)
    finally:
        client.cookies.clear()


def test_every_route_answers_every_caller_as_the_table_says(seeded: Seeded) -> None:
    rows = documented_routes()
    # Past authorisation, the live board's stream would never end: with no slot free it
    # answers 503 instead, which is all this test needs to know.
    seeded.client.app_state["services"].streams.total = 0
    wrong = []
    for method, path in app_routes(seeded.client.app):  # type: ignore[arg-type]
        row = rows.get((method, path))
        if row is None:
            continue  # test_every_route_has_a_row names it
        page = not path.startswith("/api/")
        if row.permission == "public":
            # Open to anyone: a credential changes nothing (the kiosk's token; a cookie on
            # /signout would sign its owner out).
            nobody, kiosk = seeded.callers[0], seeded.callers[3]
            bare, token = (call(seeded, c, method, path, fresh=False) for c in (nobody, kiosk))
            if bare.status_code != token.status_code or bare.status_code in (403, 500):
                wrong.append(f"{method} {path} is public: {bare.status_code}, {token.status_code}")
            continue
        for caller in seeded.callers:
            want = expected(caller, row, page)
            response = call(seeded, caller, method, path, fresh=want == ALLOWED)
            status = response.status_code
            if want == ALLOWED:
                ok = not refused(response) and status != 500
            elif want == HIDDEN:
                ok = status == 404
            else:
                ok = refused(response)
            if not ok:
                wrong.append(f"{method} {path} as {caller.name}: {status}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_every_route_has_a_row_and_every_row_a_route(seeded: Seeded) -> None:
    routes = set(app_routes(seeded.client.app))  # type: ignore[arg-type]
    rows = set(documented_routes())
    document = seeded.client.get("/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations <= routes  # the API's routes, as the OpenAPI document names them
    missing = [f"{m} {p}" for m, p in sorted(routes - rows)]
    stale = [f"{m} {p}" for m, p in sorted(rows - routes)]
    assert not missing, f"routes with no row in {DOC.name}: add one for each: {missing}"
    assert not stale, f"rows of {DOC.name} for no route of the app: {stale}"


def test_each_row_says_what_its_route_declares(seeded: Seeded) -> None:
    rows = documented_routes()
    declared = declared_routes(seeded.client.app)  # type: ignore[arg-type]
    differ = [
        f"{method} {path}: the table says {rows[(method, path)]}, the route declares {row}"
        for (method, path), row in declared.items()
        if (method, path) in rows and rows[(method, path)] != row
    ]
    assert not differ, "\n".join(differ)


def test_the_roles_table_is_the_code_s() -> None:
    text = DOC.read_text(encoding="utf-8")
    header = "| Permission | What it covers | admin | secretary | teacher | viewer | kiosk |"
    roles = ["admin", "secretary", "teacher", "viewer", "kiosk"]
    documented: dict[str, set[str]] = {role: set() for role in roles}
    named = set()
    for line in text.split(header, 1)[1].splitlines()[2:]:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        named.add(cells[0].strip("`"))
        for role, cell in zip(roles, cells[2:], strict=True):
            if cell:
                documented[role].add(cells[0].strip("`"))
    assert named == {p.value for p in Permission}
    for role in roles:
        assert documented[role] == {p.value for p in ROLE_PERMISSIONS[role]}, role


def test_a_teacher_or_viewer_lists_only_the_meetings_assigned_to_them(seeded: Seeded) -> None:
    client = seeded.client
    other = client.post(
        "/api/v1/meetings",
        json={
            "title": "Họp chi bộ riêng",
            "starts_at": "2026-03-02T08:00:00+07:00",
            "ends_at": "2026-03-02T11:00:00+07:00",
        },
    ).json()["id"]
    by_name = {c.name: c for c in seeded.callers}
    shown = {}
    for name in ("giáo_viên", "giáo_viên_khác", "người_xem", "thư_ký"):
        auth = {"Authorization": f"Bearer {by_name[name].bearer}"}
        listed = client.get("/api/v1/meetings", headers=auth)
        assert listed.status_code == 200, listed.text
        shown[name] = {m["id"] for m in listed.json()}
    mine = seeded.values["meeting_id"]
    assert mine in shown["giáo_viên"] and other not in shown["giáo_viên"]
    assert shown["giáo_viên_khác"] == set()
    assert mine in shown["người_xem"] and other not in shown["người_xem"]
    assert {mine, other} <= shown["thư_ký"]
    client.cookies.set("attend_session", by_name["người_xem"].cookie or "")
    page = client.get("/meetings", headers={"Authorization": ""})
    client.cookies.clear()
    assert page.status_code == 200
    assert "Họp chi bộ riêng" not in page.text and f"/meetings/{mine}" in page.text


def test_only_teachers_and_viewers_are_assigned_and_a_refusal_changes_nothing(
    seeded: Seeded,
) -> None:
    client = seeded.client
    url = f"/api/v1/meetings/{seeded.values['meeting_id']}/staff"
    before = client.get(url).json()
    assert {a["role"] for a in before["accounts"]} == {"teacher", "viewer"}
    # The ids a secretary may assign are in the answer: every teacher and viewer account.
    assert {a["username"] for a in before["assignable"]} >= {
        a["username"] for a in before["accounts"]
    } | {"giáo_viên_khác", "người_xem_khác"}
    add_account(seeded.db_url, "thu_ky_2", SECRETARY)
    secretary = account_id(seeded.db_url, "thu_ky_2")
    for ids, reason in (([secretary], "NOT_ASSIGNABLE"), ([999_999], "UNKNOWN_ACCOUNT")):
        answer = client.put(url, json={"account_ids": ids})
        assert answer.status_code == 422 and answer.json()["reason"] == reason, answer.text
        assert "only teachers" in answer.json()["detail"] or "No account" in answer.json()["detail"]
    assert client.get(url).json() == before
