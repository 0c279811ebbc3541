"""What the system holds about one person, counted table by table (delete and merge read it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from attendance.orm import AttendanceEvent, Base, FaceTemplate, Participant
from attendance.review.tables import ReviewItem
from attendance.voting.tables import BallotRecord, Opinion, Proxy, VotingPass


@dataclass(frozen=True)
class PersonRecords:
    templates: int = 0  # face templates
    meetings: int = 0  # rosters they are on
    events: int = 0  # arrivals, departures and returns
    ballots: int = 0  # ballots they cast, or that were cast for them or by them as a proxy
    proxies: int = 0  # proxies they gave or hold
    opinions: int = 0  # named opinions
    passes: int = 0  # voting links issued to them
    reviews: int = 0  # review items naming them (candidate or runner-up)

    @property
    def history(self) -> int:
        """What a meeting's record holds of them: losing it changes what happened."""
        return self.events + self.ballots + self.proxies + self.opinions


def person_records(session: Session, *, person_id: int) -> PersonRecords:
    def count(table: type[Base], *conditions: ColumnElement[bool]) -> int:
        return int(session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0)

    return PersonRecords(
        templates=count(  # faces: a second model's template of one is not another
            FaceTemplate,
            FaceTemplate.person_id == person_id,
            FaceTemplate.companion_of.is_(None),
        ),
        meetings=count(Participant, Participant.person_id == person_id),
        events=count(AttendanceEvent, AttendanceEvent.person_id == person_id),
        ballots=count(
            BallotRecord,
            or_(BallotRecord.person_id == person_id, BallotRecord.cast_by_id == person_id),
        ),
        proxies=count(Proxy, or_(Proxy.grantor_id == person_id, Proxy.holder_id == person_id)),
        opinions=count(Opinion, Opinion.person_id == person_id),
        passes=count(VotingPass, VotingPass.person_id == person_id),
        reviews=count(
            ReviewItem,
            or_(ReviewItem.candidate_id == person_id, ReviewItem.runner_up_id == person_id),
        ),
    )


def describe_history(records: PersonRecords) -> tuple[str, str]:
    """("3 lần điểm danh/ra về, 1 phiếu biểu quyết", "3 attendance events, 1 ballot")."""
    parts = [
        (records.events, "lần điểm danh/ra về", "attendance event", "attendance events"),
        (records.ballots, "phiếu biểu quyết", "ballot", "ballots"),
        (records.proxies, "ủy quyền", "proxy", "proxies"),
        (records.opinions, "ý kiến", "opinion", "opinions"),
    ]
    vi = ", ".join(f"{n} {word}" for n, word, _, _ in parts if n)
    en = ", ".join(f"{n} {one if n == 1 else many}" for n, _, one, many in parts if n)
    return vi, en
