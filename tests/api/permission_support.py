"""A seeded app and one caller of every kind, for the permission tests: the admin, an account
of each role (teachers and viewers assigned to the test meeting and not), a kiosk token, a
board link, a voting link, and nobody."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastapi.routing
from api_support import ADMIN_TOKEN, create_meeting, create_people, seed_class
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_api_kiosk import ROOM, today_at
from test_openapi_contract import FAKE, seed_document, stored_template

from api.app import create_app
from api.cookies import SESSION_COOKIE
from api.deps import PASSWORD
from attendance.board_links import issue_board_link
from attendance.db import make_engine, make_session_factory
from attendance.orm import ApiToken
from attendance.permissions import UNSCOPED
from attendance.settings import Settings
from attendance.staff.passwords import hash_password
from attendance.staff.tables import StaffAccount
from attendance.tokens import ADMIN, SECRETARY, TEACHER, VIEWER, hash_token

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "permissions.md"
ORIGIN = "http://testserver"
ROW = re.compile(r"^\| `(\w+)` \| `([^`]+)` \| (`\w+`|—) \| (\w+|—) \| ([^|]*)\|$")


@dataclass(frozen=True)
class Row:
    """One route's line of docs/permissions.md."""

    permission: str | None  # None: no role, only the links named; "public": anyone
    scope: str  # assigned, class, student, list, no, own (their own account), —
    links: frozenset[str]


def documented_routes(text: str | None = None) -> dict[tuple[str, str], Row]:
    rows: dict[tuple[str, str], Row] = {}
    for line in (text if text is not None else DOC.read_text(encoding="utf-8")).splitlines():
        found = ROW.match(line.strip())
        if found is None:
            continue
        method, path, permission, scope, links = found.groups()
        rows[(method, path)] = Row(
            permission=None if permission == "—" else permission.strip("`"),
            scope=scope,
            links=frozenset(x.strip() for x in links.split(",") if x.strip()),
        )
    return rows


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route: the API's and the pages' (HEAD is GET's echo)."""
    found = []
    for route in fastapi.routing.iter_route_contexts(app.routes):
        for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD"}):
            found.append((method, str(route.path)))
    return found


def declared_row(route: object) -> Row:
    """The row a route's own `need(...)` amounts to (public: it declares none)."""
    found: list[dict[str, object]] = []

    def walk(dependant: object) -> None:
        for sub in getattr(dependant, "dependencies", []):
            if hasattr(sub.call, "declared"):
                found.append(sub.call.declared)
            walk(sub)

    walk(getattr(route, "dependant", None))
    assert len(found) <= 1, f"{getattr(route, 'path', route)} declares {len(found)} needs"
    if not found:
        return Row(permission="public", scope="—", links=frozenset())
    need = found[0]
    permission = need["permission"]
    path = str(getattr(route, "path", ""))
    scope = "—"
    if permission in UNSCOPED:
        scope = "own"
    elif permission is not None and permission != PASSWORD:
        scope = "assigned" if "{meeting_id}" in path else "list" if need["lists"] else "no"
        if "{class_id}" in path:
            scope = "class"
        if need.get("student"):
            scope = "student"
    links = {"board link": need["board_link"], "voting link": need["voting_link"]}
    return Row(
        permission=getattr(permission, "value", permission),
        scope=scope,
        links=frozenset(k for k, v in links.items() if v),
    )


def declared_routes(app: FastAPI) -> dict[tuple[str, str], Row]:
    found = {}
    for route in fastapi.routing.iter_route_contexts(app.routes):
        for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD"}):
            found[(method, str(route.path))] = declared_row(route)
    return found


@dataclass(frozen=True)
class Caller:
    name: str
    role: str | None = None  # an account's (or the admin token's) role
    assigned: bool = False  # to the test meeting
    bearer: str | None = None
    cookie: str | None = None  # the pages' sign-in
    board_link: bool = False
    voting_link: bool = False


@dataclass
class Seeded:
    client: TestClient
    db_url: str
    values: dict[str, int | str]  # a real id for each path parameter
    callers: list[Caller] = field(default_factory=list)
    board_key: str = ""
    voting_token: str = ""

    def fresh_board_key(self) -> str:
        """Issuing one cuts off the last: each call that needs one gets a new one."""
        engine = make_engine(self.db_url)
        with make_session_factory(engine)() as session:
            key = issue_board_link(session, meeting_id=int(self.values["meeting_id"]), actor="t")
            session.commit()
        engine.dispose()
        return key

    def fresh(self, kind: str) -> dict[str, int | str]:
        """Ids of new objects for a call that destroys what it names (a meeting, a person,
        a kiosk token, a photo), so that the next caller finds the shared ones still there."""
        if kind == "meeting":
            people = [int(self.values["person_id"])]
            meeting_id = create_meeting(self.client, people, room=ROOM)
            assigned = [c for c in self.callers if c.assigned]
            self.client.put(
                f"/api/v1/meetings/{meeting_id}/staff",
                json={"account_ids": [account_id(self.db_url, c.name) for c in assigned]},
            )
            return {"meeting_id": meeting_id}
        if kind == "person":
            return {"person_id": create_people(self.client, ["Đỗ Văn Tạm"])[0]}
        if kind == "token":
            name = f"cửa-{secrets.token_hex(4)}"
            made = self.client.post("/api/v1/kiosk-tokens", json={"name": name, "room": ROOM})
            return {"token_id": made.json()["id"]}
        if kind == "session":
            made = self.client.post(
                f"/api/v1/classes/{self.values['class_id']}/sessions",
                json={"date": "2030-01-07", "start": "07:30", "end": "08:15"},
            )
            return {"meeting_id": made.json()["id"]}
        if kind == "class":  # the same teachers and student, so the callers' reach is alike
            assigned = [account_id(self.db_url, c.name) for c in self.callers if c.assigned]
            made = seed_class(
                self.db_url,
                person_id=int(self.values["person_id"]),
                teacher_ids=assigned,
                name=f"6A-{secrets.token_hex(3)}",
            )
            return {"class_id": made["class_id"]}
        if kind == "excused":
            made = self.client.post(
                f"/api/v1/people/{self.values['person_id']}/excused-absences",
                json={"starts_on": "2030-01-07", "ends_on": "2030-01-07", "reason": "Ốm"},
            )
            return {"excused_id": made.json()["id"]}
        if kind == "webhook":
            return {"webhook_id": seed_webhook(self.client)}
        if kind == "document":
            return {"doc_id": seed_document(self.client, int(self.values["meeting_id"]))}
        assert kind == "template"
        person_id = create_people(self.client, ["Đỗ Văn Ảnh"])[0]
        return {
            "person_id": person_id,
            "template_id": stored_template(self.db_url, person_id),
        }


ACCOUNT_PASSWORD = "mật khẩu thử nghiệm"


def seed_webhook(client: TestClient) -> int:
    """A webhook to a port nothing listens on: a ping to it fails fast."""
    made = client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["late"], "secret": "x" * 16},
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def account_id(db_url: str, username: str) -> int:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        found = session.query(StaffAccount).filter_by(username=username).one()
        result = found.id
    engine.dispose()
    return result


def add_account(db_url: str, username: str, role: str) -> str:
    """An account of this role with a personal token (as `POST /api/v1/tokens` makes)."""
    token = secrets.token_urlsafe(24)
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        account = StaffAccount(
            username=username,
            display_name=username.title(),
            role=role,
            password_hash=hash_password(ACCOUNT_PASSWORD),
        )
        session.add(account)
        session.flush()
        session.add(
            ApiToken(
                name=username, role=role, token_sha256=hash_token(token), account_id=account.id
            )
        )
        session.commit()
    engine.dispose()
    return token


def sign_in(client: TestClient, token: str, label: str, *, username: str = "") -> str:
    """Signed in with the admin token, or as an account (its username, ACCOUNT_PASSWORD)."""
    data = (
        {"username": username, "password": ACCOUNT_PASSWORD, "next": "/meetings"}
        if username
        else {"token": token, "label": label, "next": "/meetings"}
    )
    response = client.post(
        "/signin",
        data=data,
        headers={"Origin": ORIGIN},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    cookie = response.cookies[SESSION_COOKIE]
    client.cookies.clear()
    return cookie


def seed(db_url: str, **settings: Any) -> Iterator[Seeded]:
    """People, today's meeting in the kiosk's room, an open poll, an agenda item, a photo, a
    kiosk token, a board link and a voting link; accounts of every role, signed in; in the
    (migrated) database at `db_url`."""
    config = Settings(
        db_url=db_url, admin_token=ADMIN_TOKEN, allowed_hosts=["testserver"], **settings
    )
    app = create_app(config, pipeline_factory=lambda _: FAKE, warm_up=False)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    # The admin's token by default (seeding); each call names its own caller's.
    with TestClient(app, raise_server_exceptions=False, headers=admin) as client:
        people = create_people(client, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
        meeting_id = create_meeting(
            client, people, room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
        )
        base = f"/api/v1/meetings/{meeting_id}"
        poll = client.post(f"{base}/polls", json={"title": "Biên bản", "quorum": "0"})
        item = client.post(f"{base}/agenda", json={"title": "Báo cáo"})
        client.post(f"{base}/polls/{poll.json()['id']}/open")
        kiosk = client.post("/api/v1/kiosk-tokens", json={"name": "cửa-A", "room": ROOM})
        voting = client.post(f"{base}/voting-passes", json={"person_id": people[1]})
        assert voting.status_code == 201, voting.text
        values: dict[str, int | str] = {
            "meeting_id": meeting_id,
            "person_id": people[0],
            "grantor_id": people[2],
            "poll_id": poll.json()["id"],
            "item_id": item.json()["id"],
            "template_id": stored_template(db_url, people[0]),
            "token_id": kiosk.json()["id"],
            "action": "close",
            "webhook_id": seed_webhook(client),
            "doc_id": seed_document(client, meeting_id),
            "photo_id": "no-such-photo",  # a class photo: 404 past the permission check
            "face": 0,
            "n": 1,  # page 1 of that document
        }
        consents = client.get(f"/api/v1/people/{people[0]}/consents").json()
        values["consent_id"] = consents[0]["id"]
        seeded = Seeded(client=client, db_url=db_url, values=values)
        callers = [Caller("nobody"), Caller("board link", board_link=True)]
        callers.append(Caller("voting link", voting_link=True, bearer=voting.json()["token"]))
        callers.append(Caller("kiosk", role="kiosk", bearer=kiosk.json()["token"]))
        callers.append(
            Caller("admin", ADMIN, bearer=ADMIN_TOKEN, cookie=sign_in(client, ADMIN_TOKEN, "Thu"))
        )
        for name, role, assigned in (
            ("thư ký", SECRETARY, False),
            ("giáo viên", TEACHER, True),
            ("giáo viên khác", TEACHER, False),
            ("người xem", VIEWER, True),
            ("người xem khác", VIEWER, False),
        ):
            username = name.replace(" ", "_")
            token = add_account(db_url, username, role)
            cookie = sign_in(client, token, name, username=username)
            callers.append(Caller(username, role, assigned, bearer=token, cookie=cookie))
        seeded.callers = callers
        values["account_id"] = account_id(db_url, callers[-1].name)
        ids = [account_id(db_url, c.name) for c in callers if c.assigned]
        put = client.put(f"{base}/staff", json={"account_ids": ids})
        assert put.status_code == 200, put.text
        # A class taught by the assigned teacher, with the shared person as its student.
        values.update(seed_class(db_url, person_id=people[0], teacher_ids=ids))
        values.update(seeded.fresh("excused"))
        yield seeded
