"""Students' details: a student code (unique across the installation, compared normalised), a
date of birth, their guardians; who is a minor (a guardian's consent comes before their face),
and whose faces are old enough to retake."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Conflict, Invalid
from attendance.orm import FaceTemplate, utcnow
from attendance.people import get_person
from attendance.schools.tables import (
    ClassStudent,
    Guardian,
    SchoolClass,
    Student,
)
from attendance.text import clean_text

logger = logging.getLogger(__name__)

ADULT_AGE = 18  # Decree 13/2023 art. 20: under this, a parent's or guardian's consent
MAX_GUARDIANS = 5
REENROLL_AFTER_DAYS = 365  # children's faces change: a template older than a school year
EARLIEST_BIRTH = date(1900, 1, 1)
DEFAULT_RELATION = "phụ huynh"
# Digits with the separators people type ("0912 345 678", "+84 912.345.678"), 8-15 digits.
PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{6,22}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class GuardianDetails:
    name: str
    relation: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class StudentDetails:
    person_id: int
    student_code: str | None
    date_of_birth: date | None
    guardians: list[Guardian]


def set_student(
    session: Session,
    *,
    person_id: int,
    student_code: str | None,
    date_of_birth: date | None,
    guardians: list[GuardianDetails],
    today: date | None = None,
    actor: str = "system",
    renamed: bool = False,
    audited: bool = True,
) -> StudentDetails:
    """Replace a person's student details and guardians; everything is checked before anything
    is written, so a refusal leaves them as they were. The change is audited by the fields
    that changed (never the values: a child's date of birth, a guardian's phone); `renamed`
    adds `full_name` to them (a class list import renamed the person just before)."""
    get_person(session, person_id=person_id)
    code = clean_code(student_code)
    check_birth(date_of_birth, today=today or utcnow().date())
    clean = [clean_guardian(g, index=i + 1) for i, g in enumerate(guardians)]
    if len(clean) > MAX_GUARDIANS:
        raise _invalid(
            f"Tối đa {MAX_GUARDIANS} người giám hộ.", f"{MAX_GUARDIANS} guardians at most."
        )
    if code is not None:
        holder = person_by_code(session, student_code=code)
        if holder is not None and holder != person_id:
            mine = schools_of(session, person_id)  # in no class yet: no school to compare
            if mine and other_school(session, person_id=holder, schools=mine):
                raise code_of_other_school(code)
            raise Conflict(
                f"Mã học sinh {code} đã thuộc về người số {holder}. "
                f"The student code {code} already belongs to person {holder}.",
                code="STUDENT_CODE_TAKEN",
            )
    before = get_student(session, person_id=person_id)
    old_guardians = [_details(g) for g in before.guardians]
    row = session.get(Student, person_id)
    if row is None:
        row = Student(person_id=person_id)
        session.add(row)
    row.student_code = code
    row.date_of_birth = date_of_birth
    session.execute(delete(Guardian).where(Guardian.person_id == person_id))
    session.add_all(
        Guardian(
            person_id=person_id, name=g.name, relation=g.relation, phone=g.phone, email=g.email
        )
        for g in clean
    )
    session.flush()
    fields = ["full_name"] if renamed else []
    if before.student_code != code:
        fields.append("student_code")
    if before.date_of_birth != date_of_birth:
        fields.append("date_of_birth")
    if old_guardians != clean:
        fields.append("guardians")
    if fields and audited:
        audit.record(
            session,
            actor=actor,
            action="student_changed",
            subject=f"person:{person_id}",
            detail={"fields": fields},
        )
    return get_student(session, person_id=person_id)


def _details(g: Guardian) -> GuardianDetails:
    return GuardianDetails(name=g.name, relation=g.relation, phone=g.phone, email=g.email)


def schools_of(session: Session, person_id: int) -> set[str]:
    """The schools of the classes this person is a student of."""
    return set(
        session.scalars(
            select(SchoolClass.school)
            .join(ClassStudent, ClassStudent.class_id == SchoolClass.id)
            .where(ClassStudent.person_id == person_id)
        )
    )


def other_school(session: Session, *, person_id: int, schools: set[str]) -> bool:
    """Whether the person is a student of a class of a school not among `schools`."""
    found = session.scalar(
        select(SchoolClass.id)
        .join(ClassStudent, ClassStudent.class_id == SchoolClass.id)
        .where(ClassStudent.person_id == person_id, SchoolClass.school.not_in(schools))
        .limit(1)
    )
    return found is not None


def code_of_other_school(code: str) -> Conflict:
    """A code held by another school's student: refused without naming them or the school."""
    return Conflict(
        f"Mã học sinh {code} thuộc về một học sinh của trường khác. Mã học sinh là duy nhất "
        "trong cả hệ thống: hãy dùng mã định danh của Bộ hoặc thêm tiền tố của trường. "
        f"The student code {code} belongs to a student of another school. Student codes are "
        "unique across the installation: use the Ministry's national student ID or prefix "
        "the code with the school's.",
        code="STUDENT_CODE_OTHER_SCHOOL",
    )


def get_student(session: Session, *, person_id: int) -> StudentDetails:
    get_person(session, person_id=person_id)
    row = session.get(Student, person_id)
    return StudentDetails(
        person_id=person_id,
        student_code=row.student_code if row else None,
        date_of_birth=row.date_of_birth if row else None,
        guardians=guardians_of(session, person_ids=[person_id]).get(person_id, []),
    )


def students_of(session: Session, *, person_ids: list[int]) -> dict[int, Student]:
    if not person_ids:
        return {}
    rows = session.scalars(select(Student).where(Student.person_id.in_(person_ids)))
    return {r.person_id: r for r in rows}


def guardians_of(session: Session, *, person_ids: list[int]) -> dict[int, list[Guardian]]:
    found: dict[int, list[Guardian]] = {}
    if not person_ids:
        return found
    rows = session.scalars(
        select(Guardian).where(Guardian.person_id.in_(person_ids)).order_by(Guardian.id)
    )
    for row in rows:
        found.setdefault(row.person_id, []).append(row)
    return found


def person_by_code(session: Session, *, student_code: str) -> int | None:
    """The person with this student code, compared normalised ('hs 001' finds 'HS001')."""
    code = clean_code(student_code)
    if code is None:
        return None
    return session.scalar(select(Student.person_id).where(Student.student_code == code))


def is_minor(born: date | None, *, on: date) -> bool:
    """Under ADULT_AGE on the day `on`; an unknown date of birth is not known to be a minor."""
    if born is None:
        return False
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age < ADULT_AGE


def is_minor_student(session: Session, *, person_id: int, on: date | None = None) -> bool:
    row = session.get(Student, person_id)
    return row is not None and is_minor(row.date_of_birth, on=on or utcnow().date())


def needs_reenrollment(
    session: Session,
    *,
    person_ids: list[int],
    now: datetime | None = None,
    days: int = REENROLL_AFTER_DAYS,
) -> set[int]:
    """The people whose newest face template is older than `days` (none at all: not flagged,
    they have nothing to retake)."""
    if not person_ids:
        return set()
    limit = (now or utcnow()) - timedelta(days=days)
    rows = session.execute(
        select(FaceTemplate.person_id, func.max(FaceTemplate.created_at))
        # A second model's template added later (templates add-second) is no newer photo.
        .where(FaceTemplate.person_id.in_(person_ids), FaceTemplate.companion_of.is_(None))
        .group_by(FaceTemplate.person_id)
    ).all()
    return {person_id for person_id, newest in rows if _aware(newest) < limit}


def _aware(at: datetime) -> datetime:
    # SQLite hands back the UTC value of func.max() as it was stored, without a zone.
    return at if at.tzinfo is not None else at.replace(tzinfo=utcnow().tzinfo)


def clean_code(value: str | None) -> str | None:
    """A student code as stored and compared: NFKC (fullwidth 'ＨＳ００１' is 'HS001'), no
    spaces at all, upper case; 'hs 001' and 'HS001' are one code."""
    text = clean_text(unicodedata.normalize("NFKC", value or ""), field="student_code")
    code = "".join(text.split()).upper()
    if len(code) > 64:
        raise _invalid("Mã học sinh quá dài (tối đa 64 ký tự).", "The student code is too long.")
    return code or None


def check_birth(born: date | None, *, today: date) -> None:
    if born is not None and not EARLIEST_BIRTH <= born <= today:
        raise Invalid(
            f"Ngày sinh {born:%d/%m/%Y} không hợp lệ (phải trước hôm nay). "
            f"The date of birth {born.isoformat()} is not valid (it must be before today).",
            code="INVALID_DATE",
        )


def clean_guardian(g: GuardianDetails, *, index: int = 1) -> GuardianDetails:
    name = clean_text(g.name or "", field="name")
    # A name without a relation (a file's "Phụ huynh" column alone) is a parent or guardian.
    relation = clean_text(g.relation or "", field="relation") or (DEFAULT_RELATION if name else "")
    if not name or not relation or len(name) > 200 or len(relation) > 100:
        raise _invalid(
            f"Người giám hộ thứ {index} cần họ tên và quan hệ (mẹ, cha, ...).",
            f"Guardian {index} needs a name and a relation (mother, father, ...).",
        )
    phone = clean_text(g.phone or "", field="phone") or None
    if phone is not None and (not PHONE.match(phone) or not 8 <= _digits(phone) <= 15):
        raise Invalid(
            f"Số điện thoại '{phone}' không hợp lệ (8-15 chữ số, ví dụ 0912 345 678). "
            f"The phone number '{phone}' is not valid (8-15 digits, e.g. 0912 345 678).",
            code="INVALID_PHONE",
        )
    email = clean_text(g.email or "", field="email") or None
    if email is not None and (not EMAIL.match(email) or len(email) > 200):
        raise Invalid(
            f"Địa chỉ email '{email}' không hợp lệ. The e-mail address '{email}' is not valid.",
            code="INVALID_EMAIL",
        )
    return GuardianDetails(name=name, relation=relation, phone=phone, email=email)


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _invalid(vi: str, en: str) -> Invalid:
    return Invalid(f"{vi} {en}", code="INVALID_STUDENT")
