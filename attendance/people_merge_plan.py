"""What merging one person into another would do, and whether it may be done: read only,
for the merge page's preview and for `attendance.people_merge`, which does it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from attendance.errors import Invalid, NotFound
from attendance.orm import MAX_ID, FaceTemplate, Participant, Person
from attendance.people import get_person
from attendance.people_timeline import SharedMeeting, shared_meetings
from attendance.person_records import PersonRecords, person_records
from attendance.voting.tables import BallotRecord, Poll, Proxy


@dataclass(frozen=True)
class MergePlan:
    """What merging `source` into `target` would do; nothing is written to know it."""

    source: Person
    target: Person
    records: PersonRecords  # the source's: what moves
    shared_rosters: int = 0  # meetings both are invited to: one roster entry stays
    duplicate_templates: int = 0  # the same photo enrolled for both: kept once
    shared_meetings: list[SharedMeeting] = field(default_factory=list)  # both checked in
    code: str | None = None  # the code the merged person keeps
    both_voted: list[tuple[int, str]] = field(default_factory=list)  # polls: (id, title)
    both_proxied: list[int] = field(default_factory=list)  # meetings where both gave a proxy
    # Polls open in a meeting where both are voting members: two voters would become one.
    open_polls: list[tuple[int, str]] = field(default_factory=list)

    @property
    def refusals(self) -> list[str]:
        """Why the merge cannot be done, each in both languages; empty when it can."""
        voted = [
            f"Cả hai người đã bỏ phiếu trong «{title}» (#{poll_id}): hai lá phiếu không thể "
            f"thành của một người, nên không gộp được. Both people voted in “{title}” "
            f"(#{poll_id}): two ballots cannot become one person's, so they cannot be merged."
            for poll_id, title in self.both_voted
        ]
        proxied = [
            f"Cả hai người đều đã ủy quyền trong cuộc họp #{meeting_id}; hãy hủy một ủy quyền "
            f"rồi gộp. Both people gave a proxy in meeting #{meeting_id}; revoke one of them, "
            "then merge."
            for meeting_id in self.both_proxied
        ]
        polls = [
            f"Biểu quyết «{title}» (#{poll_id}) đang mở và cả hai người đều có quyền biểu "
            "quyết trong cuộc họp đó: gộp sẽ làm thay đổi số người được biểu quyết; hãy gộp "
            f"sau khi biểu quyết kết thúc. The poll “{title}” (#{poll_id}) is open and both "
            "people may vote in its meeting: merging would change who may vote; merge them "
            "once it has closed."
            for poll_id, title in self.open_polls
        ]
        return polls + voted + proxied


def plan_merge(session: Session, *, person_id: int, into_id: int) -> MergePlan:
    source = get_person(session, person_id=person_id)
    target = session.get(Person, into_id) if 0 < into_id <= MAX_ID else None
    if target is None:
        raise NotFound(
            f"Không có người với mã số {into_id} để gộp vào. No person with id {into_id} "
            "to merge into.",
            code="UNKNOWN_PERSON",
        )
    if target.id == source.id:
        raise Invalid(
            "Không thể gộp một người vào chính họ. A person cannot be merged into themselves.",
            code="MERGE_SELF",
        )
    pair = (source.id, target.id)
    return MergePlan(
        source=source,
        target=target,
        records=person_records(session, person_id=source.id),
        shared_rosters=len(shared_rosters(session, pair)),
        duplicate_templates=len(duplicate_templates(session, pair)),
        shared_meetings=shared_meetings(session, source_id=source.id, target_id=target.id),
        code=target.code or source.code,
        both_voted=_both_voted(session, pair),
        both_proxied=_both_proxied(session, pair),
        open_polls=_open_polls(session, pair),
    )


def _both_voted(session: Session, pair: tuple[int, int]) -> list[tuple[int, str]]:
    return [
        (int(poll_id), str(title))
        for poll_id, title in session.execute(
            select(Poll.id, Poll.title)
            .join(BallotRecord, BallotRecord.poll_id == Poll.id)
            .where(BallotRecord.person_id.in_(pair))
            .group_by(Poll.id, Poll.title)
            .having(func.count(distinct(BallotRecord.person_id)) > 1)
            .order_by(Poll.id)
        )
    ]


def _both_proxied(session: Session, pair: tuple[int, int]) -> list[int]:
    """Meetings where each gave a proxy to someone else (one to the other is dropped)."""
    return list(
        session.scalars(
            select(Proxy.meeting_id)
            .where(Proxy.grantor_id.in_(pair), Proxy.holder_id.not_in(pair))
            .group_by(Proxy.meeting_id)
            .having(func.count(distinct(Proxy.grantor_id)) > 1)
            .order_by(Proxy.meeting_id)
        )
    )


def shared_rosters(session: Session, pair: tuple[int, int]) -> list[int]:
    return list(
        session.scalars(
            select(Participant.meeting_id)
            .where(Participant.person_id.in_(pair))
            .group_by(Participant.meeting_id)
            .having(func.count() > 1)
        )
    )


def shared_voting(session: Session, pair: tuple[int, int]) -> list[int]:
    """Meetings where both are voting members."""
    if not all(0 < p <= MAX_ID for p in pair):
        return []
    return list(
        session.scalars(
            select(Participant.meeting_id)
            .where(Participant.person_id.in_(pair), Participant.voting_rights.is_(True))
            .group_by(Participant.meeting_id)
            .having(func.count() > 1)
        )
    )


def _open_polls(session: Session, pair: tuple[int, int]) -> list[tuple[int, str]]:
    shared = shared_voting(session, pair)
    if not shared:
        return []
    rows = session.execute(
        select(Poll.id, Poll.title)
        .where(Poll.meeting_id.in_(shared), Poll.state == "open")
        .order_by(Poll.id)
    )
    return [(int(poll_id), str(title)) for poll_id, title in rows]


def duplicate_templates(session: Session, pair: tuple[int, int]) -> list[int]:
    """The source's faces (primary templates) of a photo the target has enrolled with the
    same model; their second-model templates go with them (people_merge)."""
    source_id, target_id = pair
    photo = (FaceTemplate.id, FaceTemplate.model_key, FaceTemplate.photo_sha256)
    target = session.execute(select(*photo).where(FaceTemplate.person_id == target_id))
    theirs = {(key, sha) for _, key, sha in target}
    return [
        template_id
        for template_id, key, sha in session.execute(
            select(*photo).where(
                FaceTemplate.person_id == source_id, FaceTemplate.companion_of.is_(None)
            )
        )
        if (key, sha) in theirs
    ]


def colliding_companions(session: Session, pair: tuple[int, int]) -> list[int]:
    """The source's second-model templates of a photo for which the target has one too
    (the photo enrolled for both under different SFace variants, so their primaries are
    not duplicates): the target's is kept, the source's goes (people_merge). The second
    model's key does not name the variant, so one person holds one per photo."""
    source_id, target_id = pair
    photo = (FaceTemplate.id, FaceTemplate.model_key, FaceTemplate.photo_sha256)
    target = session.execute(
        select(*photo).where(
            FaceTemplate.person_id == target_id, FaceTemplate.companion_of.is_not(None)
        )
    )
    theirs = {(key, sha) for _, key, sha in target}
    return [
        template_id
        for template_id, key, sha in session.execute(
            select(*photo).where(
                FaceTemplate.person_id == source_id, FaceTemplate.companion_of.is_not(None)
            )
        )
        if (key, sha) in theirs
    ]
