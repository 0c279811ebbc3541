"""A kiosk token, a teacher or a voting link may send any person id to the meeting they act
on; a refusal for someone not on its roster names them by number, never by name: the
register (children of other classes and schools among them) cannot be walked by id."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from api_support import create_people, module_database
from db_backends import PostgresDatabases, SqliteDatabases
from permission_support import Caller, Seeded, seed

from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.schools.classes import create_class, set_students

CHILD = "Đặng Thị Mai Hương"  # a student of another school's class
STRANGER = "Vũ Đình Khánh"  # on no roster at all


@pytest.fixture(scope="module")
def database_url(
    databases: SqliteDatabases | PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database for the module: its tests share the callers seeded once."""
    yield from module_database(databases, tmp_path_factory.mktemp("name-leaks"))


@pytest.fixture(scope="module")
def seeded(database_url: str) -> Iterator[Seeded]:
    yield from seed(database_url)


@pytest.fixture(scope="module")
def outsiders(seeded: Seeded) -> list[int]:
    child, stranger = create_people(seeded.client, [CHILD, STRANGER])
    engine = make_engine(seeded.db_url)
    with unit_of_work(make_session_factory(engine)) as session:
        other = create_class(session, name="7B", school="THCS Yên Hòa", school_year="2026-2027")
        set_students(session, class_id=other.id, person_ids=[child])
    engine.dispose()
    return [child, stranger]


def caller(seeded: Seeded, name: str) -> Caller:
    return next(c for c in seeded.callers if c.name == name)


def post(seeded: Seeded, who: Caller, path: str, body: dict[str, object]) -> httpx.Response:
    meeting_id = seeded.values["meeting_id"]
    return seeded.client.post(
        f"/api/v1/meetings/{meeting_id}{path}",
        json=body,
        headers={"Authorization": f"Bearer {who.bearer}"},
    )


def refused_without_a_name(
    response: httpx.Response, status: int, person_id: int, *, english: bool = True
) -> None:
    """Refused, by number (the English half of a voting refusal says "this member")."""
    assert response.status_code == status, response.text
    assert CHILD not in response.text and STRANGER not in response.text
    assert f"Người số {person_id}" in response.json()["detail"]
    assert not english or f"Person {person_id}" in response.json()["detail"]


@pytest.mark.parametrize("who", ["kiosk", "giáo_viên"])
def test_a_check_in_of_someone_off_the_roster_does_not_name_them(
    seeded: Seeded, outsiders: list[int], who: str
) -> None:
    for person_id in outsiders:
        body = {"person_id": person_id, "source": "kiosk", "idempotency_key": f"{who}{person_id}"}
        refused = post(seeded, caller(seeded, who), "/checkins", body)
        refused_without_a_name(refused, 403, person_id)
        assert refused.json()["reason"] == "NOT_ON_ROSTER"


def test_a_teacher_s_check_out_proxy_or_roster_removal_does_not_name_them(
    seeded: Seeded, outsiders: list[int]
) -> None:
    teacher = caller(seeded, "giáo_viên")
    member = int(seeded.values["person_id"])
    for person_id in outsiders:
        out = post(seeded, teacher, "/checkouts", {"person_id": person_id, "reason": "Về sớm"})
        refused_without_a_name(out, 403, person_id)
        proxy = post(seeded, teacher, "/proxies", {"grantor_id": person_id, "holder_id": member})
        refused_without_a_name(proxy, 403, person_id, english=False)
        removed = seeded.client.delete(
            f"/api/v1/meetings/{seeded.values['meeting_id']}/participants/{person_id}",
            headers={"Authorization": f"Bearer {teacher.bearer}"},
        )
        assert removed.status_code == 404, removed.text
        assert CHILD not in removed.text and STRANGER not in removed.text


def test_a_ballot_on_behalf_of_someone_off_the_roster_does_not_name_them(
    seeded: Seeded, outsiders: list[int]
) -> None:
    meeting_id, poll_id = seeded.values["meeting_id"], seeded.values["poll_id"]
    path = f"/api/v1/meetings/{meeting_id}/polls/{poll_id}"
    option = seeded.client.get(path).json()["options"][0]["id"]
    voter = caller(seeded, "voting link")
    for person_id in outsiders:
        ballot = post(
            seeded,
            voter,
            f"/polls/{poll_id}/ballots",
            {"option_ids": [option], "on_behalf_of": person_id},
        )
        refused_without_a_name(ballot, 403, person_id, english=False)
