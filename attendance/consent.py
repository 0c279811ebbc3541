"""Consent to keep a person's face templates: recorded before any is stored, withdrawn with
their erasure (Decree 13/2023: biometric data needs a recorded consent and a purpose).

A consent names who gave it (the person, relation "self", or a guardian: their name and
relation), its purposes (`meetings`, `school_attendance`), how it was given (a paper form and
its number, or a checkbox ticked on the web page) and the account that recorded it. Each
template remembers the consent it was stored under; withdrawing that consent erases them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session

from attendance import audit
from attendance.consent_tables import (
    MEETINGS,
    METHODS,
    PURPOSES,
    SCHOOL_ATTENDANCE,
    SELF,
    Consent,
)
from attendance.errors import Conflict, Invalid, NotFound
from attendance.orm import MAX_ID, FaceTemplate, Person, utcnow
from attendance.people import erase_templates, get_person, lock_people
from attendance.text import clean_text

logger = logging.getLogger(__name__)

GIVEN = "given"
MISSING = "missing"
WITHDRAWN = "withdrawn"
STATUSES = (GIVEN, MISSING, WITHDRAWN)

PURPOSE_NAMES = {
    MEETINGS: "họp / meetings",
    "school_attendance": "điểm danh ở trường / school attendance",
}


@dataclass(frozen=True)
class Withdrawal:
    consent: Consent
    withdrawn_at: datetime
    templates_erased: int


def _invalid(vi: str, en: str) -> Invalid:
    return Invalid(f"{vi} {en}", code="INVALID_CONSENT")


def _text(value: str | None, *, field: str, limit: int) -> str:
    text = clean_text(value or "", field=field)
    if len(text) > limit:
        raise Invalid(
            f"Trường '{field}' quá dài (tối đa {limit} ký tự). "
            f"The field '{field}' is too long ({limit} at most).",
            code="TOO_LONG",
        )
    return text


def record_consent(
    session: Session,
    *,
    person_id: int,
    given_by: str,
    relation: str,
    purposes: list[str],
    method: str,
    reference: str | None = None,
    actor: str,
) -> Consent:
    """Record a consent; templates stored before consents existed (no consent of their own)
    are placed under it when it covers meetings, what they were enrolled for."""
    person = get_person(session, person_id=person_id)
    giver = _text(given_by, field="given_by", limit=200)
    kin = _text(relation, field="relation", limit=100)
    if not giver:
        raise _invalid(
            "Hãy ghi tên người đồng ý (chính người đó, hoặc người giám hộ nếu là trẻ em).",
            "Give the name of who consented (the person, or a guardian for a minor).",
        )
    if not kin:
        raise _invalid(
            "Hãy ghi quan hệ: 'self' nếu chính người đó đồng ý, hoặc quan hệ của người giám "
            "hộ (mẹ, cha, người giám hộ).",
            "Give the relation: 'self' when the person consented, or the guardian's relation "
            "(mother, father, guardian).",
        )
    if kin.casefold() == SELF and _is_minor(session, person_id=person_id):
        raise Invalid(
            f"{person.full_name} chưa đủ 18 tuổi: sự đồng ý phải do cha, mẹ hoặc người giám hộ "
            "đưa ra (Nghị định 13/2023, điều 20); hãy ghi tên và quan hệ của họ. This student is "
            "under 18: the consent must be given by a parent or guardian (Decree 13/2023, art. "
            "20); give their name and relation.",
            code="GUARDIAN_CONSENT_REQUIRED",
        )
    chosen = sorted(set(purposes))
    unknown = [p for p in chosen if p not in PURPOSES]
    if not chosen or unknown:
        raise _invalid(
            f"Mục đích phải là một hoặc nhiều trong: {', '.join(PURPOSES)}.",
            f"Purposes must be one or more of: {', '.join(PURPOSES)}.",
        )
    if method not in METHODS:
        raise _invalid(
            f"Cách ghi nhận phải là một trong: {', '.join(METHODS)}.",
            f"The method must be one of: {', '.join(METHODS)}.",
        )
    ref = _text(reference, field="reference", limit=200) or None
    consent = Consent(
        person_id=person.id,
        given_by=giver,
        relation=SELF if kin.casefold() == SELF else kin,
        method=method,
        reference=ref,
        recorded_by=actor[:100],
        recorded_at=utcnow(),
    )
    consent.purposes = chosen
    session.add(consent)
    session.flush()
    adopted = 0
    if MEETINGS in chosen:
        result = session.execute(
            update(FaceTemplate)
            .where(FaceTemplate.person_id == person.id, FaceTemplate.consent_id.is_(None))
            .values(consent_id=consent.id)
            .execution_options(synchronize_session=False)
        )
        adopted = int(result.rowcount or 0)  # type: ignore[attr-defined]
    audit.record(
        session,
        actor=actor,
        action="consent_recorded",
        subject=f"person:{person.id}",
        detail={
            "consent_id": consent.id,
            "given_by": giver,
            "relation": consent.relation,
            "purposes": chosen,
            "method": method,
            "reference": ref,
            "templates_adopted": adopted,
            "at": consent.recorded_at.isoformat(),
        },
    )
    logger.info("consent %d recorded for person %d", consent.id, person.id)
    return consent


def list_consents(session: Session, *, person_id: int) -> list[Consent]:
    """A person's consents, newest first, withdrawn ones too (the record of what was done)."""
    get_person(session, person_id=person_id)
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.person_id == person_id)
            .order_by(Consent.recorded_at.desc(), Consent.id.desc())
            # As the database has them now: a withdrawal another request committed since
            # this session first read them must be seen (enrollment asks again under a lock).
            .execution_options(populate_existing=True)
        )
    )


def active_consent(session: Session, *, person_id: int, purpose: str) -> Consent | None:
    """The newest consent not withdrawn whose purposes include `purpose`."""
    for consent in list_consents(session, person_id=person_id):
        if consent.withdrawn_at is None and purpose in consent.purposes:
            return consent
    return None


def consented_purposes(session: Session, *, person_id: int) -> list[str]:
    """The purposes a photo of this person may be enrolled for now (meetings first)."""
    covered = {
        purpose
        for consent in list_consents(session, person_id=person_id)
        if consent.withdrawn_at is None
        for purpose in consent.purposes
    }
    return [p for p in PURPOSES if p in covered]


def default_purpose(session: Session, *, person_id: int) -> str:
    """What a photo is enrolled for when nobody said: school attendance for a minor student
    (the only purpose a guardian's consent must cover), else the first the person's consents
    cover (meetings, then school attendance), else meetings."""
    if _is_minor(session, person_id=person_id):
        return SCHOOL_ATTENDANCE
    covered = consented_purposes(session, person_id=person_id)
    return covered[0] if covered else MEETINGS


def require_consent(session: Session, *, person_id: int, purpose: str = MEETINGS) -> Consent:
    """The consent a new template is stored under; none: CONSENT_REQUIRED (no enrollment).
    A student who is a minor today needs a guardian's (GUARDIAN_CONSENT_REQUIRED)."""
    from attendance.schools.students import is_minor_student  # schools build on consent

    if is_minor_student(session, person_id=person_id):
        return _guardian_consent(session, person_id=person_id, purpose=purpose)
    consent = active_consent(session, person_id=person_id, purpose=purpose)
    if consent is None:
        person = get_person(session, person_id=person_id)
        raise Invalid(
            f"Chưa có sự đồng ý của {person.full_name} (hoặc người giám hộ) cho mục đích "
            f"'{purpose}': hãy ghi nhận sự đồng ý (phiếu giấy hoặc ô đồng ý trên trang của người "
            "này) trước khi thêm ảnh khuôn mặt. No consent from this person (or their guardian) "
            f"for the purpose '{purpose}': record their consent (a paper form or the checkbox "
            "on their page) before adding face photos.",
            code="CONSENT_REQUIRED",
        )
    return consent


def _is_minor(session: Session, *, person_id: int) -> bool:
    from attendance.schools.students import is_minor_student  # schools build on consent

    return is_minor_student(session, person_id=person_id)


def _guardian_consent(session: Session, *, person_id: int, purpose: str) -> Consent:
    """A minor's face (Decree 13/2023 art. 20): only under an active consent given by a
    guardian (relation not "self") that covers school attendance and the purpose asked."""
    wanted = {SCHOOL_ATTENDANCE, purpose}
    for consent in list_consents(session, person_id=person_id):
        if (
            consent.withdrawn_at is None
            and consent.relation != SELF
            and wanted <= set(consent.purposes)
        ):
            return consent
    person = get_person(session, person_id=person_id)
    named = " và ".join(f"'{p}'" for p in sorted(wanted))
    named_en = " and ".join(f"'{p}'" for p in sorted(wanted))
    raise Invalid(
        f"{person.full_name} chưa đủ 18 tuổi: cần sự đồng ý của cha, mẹ hoặc người giám hộ cho "
        f"mục đích {named} (Nghị định 13/2023, điều 20) trước khi lưu ảnh khuôn mặt. "
        "This student is under 18: a parent's or guardian's consent covering "
        f"{named_en} (Decree 13/2023, art. 20) is needed before a face is stored.",
        code="GUARDIAN_CONSENT_REQUIRED",
    )


def withdraw_consent(
    session: Session, *, person_id: int, consent_id: int, actor: str
) -> Withdrawal:
    """Withdraw a consent: the templates stored under it and their crops are erased now, the
    person's review crops too; kiosks drop them at their next sync (the gallery version)."""
    lock_people(session, person_ids=[person_id])
    consent = get_consent(session, person_id=person_id, consent_id=consent_id)
    if consent.withdrawn_at is not None:
        raise Conflict(
            f"Sự đồng ý số {consent_id} đã được rút lúc {consent.withdrawn_at:%Y-%m-%d %H:%M} "
            f"UTC. Consent {consent_id} was already withdrawn.",
            code="CONSENT_WITHDRAWN",
        )
    erased = erase_templates(session, person_id=person_id, consent_id=consent.id)
    now = utcnow()
    consent.withdrawn_at = now
    consent.withdrawn_by = actor[:100]
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="consent_withdrawn",
        subject=f"person:{person_id}",
        detail={
            "consent_id": consent.id,
            "purposes": consent.purposes,
            "templates_erased": erased,
            "erased_at": now.isoformat(),
        },
    )
    logger.info("consent %d withdrawn: %d templates erased", consent.id, erased)
    return Withdrawal(consent=consent, withdrawn_at=now, templates_erased=erased)


def get_consent(session: Session, *, person_id: int, consent_id: int) -> Consent:
    consent = session.get(Consent, consent_id) if 0 < consent_id <= MAX_ID else None
    if consent is None or consent.person_id != person_id:
        raise NotFound(
            f"Người số {person_id} không có sự đồng ý số {consent_id}. "
            f"Person {person_id} has no consent {consent_id}."
        )
    return consent


def consent_statuses(session: Session, *, person_ids: list[int]) -> dict[int, str]:
    """Each person's consent status: given (one active), withdrawn (all withdrawn), missing."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(Consent.person_id, Consent.withdrawn_at).where(Consent.person_id.in_(person_ids))
    ).all()
    status = dict.fromkeys(person_ids, MISSING)
    for person_id, withdrawn_at in rows:
        if withdrawn_at is None:
            status[person_id] = GIVEN
        elif status[person_id] == MISSING:
            status[person_id] = WITHDRAWN
    return status


def consent_filter(status: str) -> ColumnElement[bool]:
    """People whose consent status is `status`, as a condition on `people`."""
    active = exists().where(Consent.person_id == Person.id, Consent.withdrawn_at.is_(None))
    any_consent = exists().where(Consent.person_id == Person.id)
    if status == GIVEN:
        return active
    if status == WITHDRAWN:
        return any_consent & ~active
    return ~any_consent
