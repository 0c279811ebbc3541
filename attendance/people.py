"""People: create, find, search, erase their face templates."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from attendance.errors import Conflict, Invalid, NotFound
from attendance.orm import MAX_ID, FaceTemplate, Person
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
    name = clean_text(full_name, field="full_name")
    if not name:
        raise Invalid("Họ và tên không được để trống. Full name must not be empty.")
    code = clean_text(code, field="code") or None if code else None
    if code and session.scalar(select(Person.id).where(Person.code == code)) is not None:
        raise Conflict(f"Mã {code!r} đã được dùng cho người khác. Code {code!r} is already in use.")
    person = Person(
        full_name=name,
        search_name=search_key(name),
        code=code,
        unit=clean_text(unit, field="unit") or None if unit else None,
        title=clean_text(title, field="title") or None if title else None,
    )
    session.add(person)
    session.flush()
    return person


def get_person(session: Session, *, person_id: int) -> Person:
    person = session.get(Person, person_id) if 0 < person_id <= MAX_ID else None
    if person is None:
        raise NotFound(f"Không có người với mã số {person_id}. No person with id {person_id}.")
    return person


def find_person_by_name(session: Session, *, full_name: str) -> Person | None:
    name = normalise_name(full_name)
    return session.scalars(select(Person).where(Person.full_name == name).limit(1)).first()


def search_people(session: Session, *, query: str | None = None, limit: int = 100) -> list[Person]:
    statement = select(Person).order_by(Person.search_name, Person.id).limit(limit)
    if query:
        for word in search_key(query).split():
            statement = statement.where(Person.search_name.contains(word, autoescape=True))
    return list(session.scalars(statement))


def erase_templates(session: Session, *, person_id: int) -> int:
    """Delete every face template of a person (biometric erasure); returns how many."""
    get_person(session, person_id=person_id)
    keys = set(
        session.scalars(
            select(FaceTemplate.model_key).where(FaceTemplate.person_id == person_id).distinct()
        )
    )
    result = session.execute(delete(FaceTemplate).where(FaceTemplate.person_id == person_id))
    for key in keys:
        bump_gallery_version(session, model_key=key)
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
