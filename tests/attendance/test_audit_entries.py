"""What goes into the audit log: one entry per arrival or return recorded (none for a repeat),
and the enrollment of a face photo and its erasure, each with who did it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import check_in
from attendance.meetings import create_meeting, set_participants
from attendance.orm import AuditEntry
from attendance.people import create_person
from attendance.presence import check_out
from attendance.templates import QualityFigures, add_template, erase_template

START = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=200, brightness=150, yaw=0.1)


def logged(session: Session) -> list[tuple[str, str, dict[str, object]]]:
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.actor, json.loads(e.detail)) for e in entries]


def test_each_arrival_and_return_is_audited_once_with_its_source(session: Session) -> None:
    person = create_person(session, full_name="Nguyễn Văn An")
    meeting = create_meeting(
        session, title="Kỳ họp", starts_at=START, ends_at=START + timedelta(hours=3)
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[person.id])

    def seen(key: str, minutes: int) -> None:
        at = START + timedelta(minutes=minutes)
        check_in(
            session,
            meeting_id=meeting.id,
            person_id=person.id,
            source="kiosk:cửa A",
            idempotency_key=key,
            at=at,
            now=at,
            by="Máy cửa A",
        )

    seen("a", 1)
    seen("a", 1)  # the same key again
    seen("b", 2)  # a second sighting
    check_out(
        session,
        meeting_id=meeting.id,
        person_id=person.id,
        reason="Ra ngoài",
        actor="Thư ký",
        idempotency_key="out",
        at=START + timedelta(minutes=10),
    )
    seen("c", 20)  # back in the room
    entries = logged(session)
    assert [(action, actor) for action, actor, _ in entries] == [
        ("check_in", "Máy cửa A"),
        ("check_out", "Thư ký"),
        ("check_in", "Máy cửa A"),
    ]
    assert [d["kind"] for _, _, d in entries if "kind" in d] == ["arrived", "returned"]
    assert all(d.get("source") == "kiosk:cửa A" for a, _, d in entries if a == "check_in")
    assert "reason" not in entries[0][2]  # a camera gives none


def test_enrolling_and_erasing_a_photo_are_audited_with_who(session: Session) -> None:
    person = create_person(session, full_name="Trần Thị Bình")
    template = add_template(
        session,
        person_id=person.id,
        model_key="sface:test",
        embedding=np.ones(4, dtype=np.float32),
        quality=QUALITY,
        photo_sha256="ab" * 32,
        photo_name="binh.jpg",
        actor="Thư ký Lê",
    )
    erase_template(session, person_id=person.id, template_id=template.id, actor="Quản trị")
    entries = logged(session)
    assert [(action, actor) for action, actor, _ in entries] == [
        ("template_added", "Thư ký Lê"),
        ("template_erased", "Quản trị"),
    ]
    added = entries[0][2]
    assert added["photo_name"] == "binh.jpg" and added["template_id"] == template.id
    assert added["person_name"] == "Trần Thị Bình"
    assert "embedding" not in json.dumps(entries)
