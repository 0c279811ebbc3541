"""What a kiosk may hold: its room's rosters of today, and others only when asked."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy.orm import Session

from attendance.kiosk_sync import kiosk_scope
from attendance.meetings import create_meeting, set_participants
from attendance.orm import utcnow
from attendance.people import create_person
from attendance.templates import QualityFigures, add_template

KEY = "sface:test"
QUALITY = QualityFigures(det_score=0.9, face_px=120, sharpness=200, brightness=150, yaw=0.1)


def enrolled(session: Session, name: str, seed: int) -> int:
    person = create_person(session, full_name=name)
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    add_template(
        session,
        person_id=person.id,
        model_key=KEY,
        embedding=vector / np.linalg.norm(vector),
        quality=QUALITY,
        photo_sha256=f"{seed:064d}",
    )
    return person.id


def test_others_come_only_when_asked_and_only_when_few(session: Session) -> None:
    invited = enrolled(session, "Nguyễn Văn An", 1)
    others = [enrolled(session, f"Người khác {i}", 10 + i) for i in range(3)]
    start = utcnow() - timedelta(minutes=10)
    meeting = create_meeting(
        session, title="Giao ban", room="P1", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    set_participants(session, meeting_id=meeting.id, person_ids=[invited])

    def people(limit: int) -> list[int]:
        scope = kiosk_scope(
            session, room="P1", model_key=KEY, now=utcnow(), zone="UTC", others_limit=limit
        )
        return sorted(p.id for p in scope.people)

    assert people(0) == [invited]
    assert people(3) == sorted([invited, *others])
    assert people(2) == [invited]  # more than allowed: none of them, not an arbitrary few
