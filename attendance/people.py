"""People: create, find, search, erase their face templates."""

from __future__ import annotations

import heapq

from sqlalchemy import ColumnElement, and_, delete, func, select, update
from sqlalchemy.orm import Session

from attendance.db import forget_after_commit
from attendance.errors import Conflict, Invalid, NotFound
from attendance.names import name_sort_key
from attendance.orm import MAX_ID, FaceTemplate, Person
from attendance.review.retention import forget_person_reviews
from attendance.templates import bump_gallery_version
from attendance.text import clean_text, normalise_name, search_key


def create_person(
    session: Session,
    *,
    full_name: str,
    code: str | None = None,
    unit: str | None = None,
    title: str | None = None,
) -> Person:
    person = Person()
    _apply(session, person, full_name, code, unit, title)
    session.add(person)
    session.flush()
    return person


def update_person(
    session: Session,
    *,
    person_id: int,
    full_name: str,
    code: str | None = None,
    unit: str | None = None,
    title: str | None = None,
) -> Person:
    """Change a person's name, code, unit and title; the same rules as when created."""
    person = get_person(session, person_id=person_id)
    _apply(session, person, full_name, code, unit, title)
    session.flush()
    return person


def _apply(
    session: Session,
    person: Person,
    full_name: str,
    code: str | None,
    unit: str | None,
    title: str | None,
) -> None:
    """Validate everything first, so a refused change leaves the person as they were."""
    name = clean_text(full_name, field="full_name")
    if not name:
        raise Invalid("Họ và tên không được để trống. Full name must not be empty.")
    code = clean_text(code, field="code") or None if code else None
    unit = clean_text(unit, field="unit") or None if unit else None
    title = clean_text(title, field="title") or None if title else None
    _check_lengths(name, code, unit, title)
    if code:
        owner = session.scalar(select(Person.id).where(Person.code == code))
        if owner is not None and owner != person.id:
            raise Conflict(
                f"Mã {code!r} đã được dùng cho người khác. Code {code!r} is already in use."
            )
    person.full_name = name
    person.search_name = search_key(name)
    person.code = code
    person.unit = unit
    person.title = title


def _check_lengths(name: str, code: str | None, unit: str | None, title: str | None) -> None:
    for value, limit, vi, en in (
        (name, 200, "Họ và tên", "Full name"),
        (code, 64, "Mã đại biểu", "Code"),
        (unit, 200, "Đơn vị", "Unit"),
        (title, 200, "Chức vụ", "Title"),
    ):
        if value is not None and len(value) > limit:
            raise Invalid(
                f"{vi} quá dài (tối đa {limit} ký tự). {en} is too long ({limit} at most).",
                code="TOO_LONG",
            )


def get_person(session: Session, *, person_id: int) -> Person:
    person = session.get(Person, person_id) if 0 < person_id <= MAX_ID else None
    if person is None:
        raise NotFound(f"Không có người với mã số {person_id}. No person with id {person_id}.")
    return person


def lock_people(session: Session, *, person_ids: list[int]) -> None:
    """Hold these people's rows until the transaction ends, before reading what they have:
    a check-in or ballot naming them waits, so a deletion or merge sees everything it acts
    on. PostgreSQL: FOR UPDATE conflicts with the key-share lock such an insert takes.
    SQLite (which ignores FOR UPDATE): a write takes the database's one write lock."""
    ids = [p for p in person_ids if 0 < p <= MAX_ID]
    # In id order: two merges of the same pair, each way round, then wait rather than deadlock.
    session.execute(
        select(Person.id).where(Person.id.in_(ids)).order_by(Person.id).with_for_update()
    )
    session.execute(
        update(Person)
        .where(Person.id.in_(ids))
        .values(full_name=Person.full_name)
        .execution_options(synchronize_session=False)
    )


def find_person_by_name(session: Session, *, full_name: str) -> Person | None:
    name = normalise_name(full_name)
    return session.scalars(select(Person).where(Person.full_name == name).limit(1)).first()


def search_people(
    session: Session,
    *,
    query: str | None = None,
    limit: int = 100,
    where: ColumnElement[bool] | None = None,
) -> list[Person]:
    """Everyone whose name holds every word of `query` (diacritics optional), in Vietnamese
    name order as the exports list them: given name first (attendance/names.py). `where`
    narrows it further (attendance/consent.py: those without consent)."""
    statement = select(Person.id, Person.full_name)
    if where is not None:
        statement = statement.where(where)
    if query:
        for word in search_key(query).split():
            statement = statement.where(Person.search_name.contains(word, autoescape=True))
    # The order is not SQL's to give: names are sorted here, then only the page is loaded.
    found = heapq.nsmallest(
        limit, session.execute(statement).all(), key=lambda r: (name_sort_key(r[1]), r[0])
    )
    ids = [person_id for person_id, _ in found]
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [people[i] for i in ids]


def erase_templates(session: Session, *, person_id: int, consent_id: int | None = None) -> int:
    """Delete every face template of a person (biometric erasure), or only those stored
    under one consent (it was withdrawn); returns how many.

    The face crops of review items naming them (as candidate or runner-up) go too: a crop is
    of the person, whichever consent their templates were stored under. A second model's
    template goes with its primary (same person, same consent); the count is of faces.
    """
    get_person(session, person_id=person_id)
    which = FaceTemplate.person_id == person_id
    if consent_id is not None:
        which = and_(which, FaceTemplate.consent_id == consent_id)
    keys = set(session.scalars(select(FaceTemplate.model_key).where(which).distinct()))
    faces = session.scalar(
        select(func.count())
        .select_from(FaceTemplate)
        .where(which, FaceTemplate.companion_of.is_(None))
    )
    # The second-model templates of the faces going, first and explicitly (whatever consent
    # they name): the foreign key's cascade holds only where the connection enforces it.
    going = select(FaceTemplate.id).where(which).scalar_subquery()
    companion = FaceTemplate.companion_of.in_(going)
    keys |= set(session.scalars(select(FaceTemplate.model_key).where(companion).distinct()))
    session.execute(delete(FaceTemplate).where(companion))
    session.execute(delete(FaceTemplate).where(which))
    for key in keys:
        bump_gallery_version(session, model_key=key)
    forget_person_reviews(session, person_id=person_id)
    session.flush()
    forget_after_commit(session)  # erased means gone from the WAL and freed pages too
    return int(faces or 0)


def template_counts(session: Session, *, person_ids: list[int]) -> dict[int, int]:
    """How many faces each person has enrolled (a second model's template of a face is not
    another face), in one query."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(FaceTemplate.person_id, func.count())
        .where(FaceTemplate.person_id.in_(person_ids), FaceTemplate.companion_of.is_(None))
        .group_by(FaceTemplate.person_id)
    ).all()
    return {int(p): int(n) for p, n in rows}
