"""Identify embedded faces against the gallery and the meeting roster."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.fusion import SecondOpinion, asked_second_opinion, primary_score
from attendance.gallery import Gallery
from attendance.matching import Decision, FaceDecision, MatchPolicy, decide
from attendance.meetings import get_meeting, roster_ids
from attendance.orm import Person


@dataclass(frozen=True)
class SecondOpinionNote:
    """The second model was asked about this face: its similarity is then the fused score,
    and `similarity_alone` what the primary model (SFace) gave the same candidate."""

    similarity_alone: float | None

    def as_dict(self) -> dict[str, object]:
        alone = self.similarity_alone
        return {"asked": True, "similarity_alone": None if alone is None else round(alone, 4)}


@dataclass(frozen=True)
class IdentifiedFace:
    box: tuple[float, float, float, float]
    det_score: float
    decision: FaceDecision
    person: Person | None
    candidate: Person | None
    second_opinion: SecondOpinionNote | None = None  # None: the second model was not asked


def identify_faces(
    session: Session,
    *,
    gallery: Gallery,
    embeddings: NDArray[np.float32],
    boxes: list[tuple[float, float, float, float]],
    det_scores: list[float],
    policy: MatchPolicy,
    meeting_id: int | None = None,
    top_k: int = 5,
    second: SecondOpinion | None = None,
) -> list[IdentifiedFace]:
    """Search the whole gallery, then judge each face against the meeting's roster.

    Searching everyone (not only the roster) is what lets a face of someone enrolled but not
    invited be reported as 'not on this roster' instead of as a weak match to an invitee.
    With `second`, the faces whose decision was close are searched again with the second
    model's scores fused in (attendance/fusion.py) and decided on those.
    """
    roster = None
    if meeting_id is not None:
        get_meeting(session, meeting_id=meeting_id)
        roster = roster_ids(session, meeting_id=meeting_id)
    result = gallery.search(embeddings, k=top_k)
    size = len(gallery.people)
    decisions = decide(result, policy, roster=roster, gallery_size=size)
    asked: list[int] = []
    primary = result
    if second is not None:
        fallback = policy.threshold_for(size)
        result, asked = asked_second_opinion(
            result,
            thresholds=[fallback if d.threshold is None else d.threshold for d in decisions],
            policy_margin=policy.margin,
            second=second,
        )
        decisions = decide(result, policy, roster=roster, gallery_size=size)
    notes = {
        row: SecondOpinionNote(
            primary_score(primary, row=row, person_id=decisions[row].candidate_id)
        )
        for row in asked
    }
    wanted = {d.candidate_id for d in decisions if d.candidate_id is not None}
    people = (
        {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}
        if wanted
        else {}
    )
    faces = []
    for row, (box, score, decision) in enumerate(zip(boxes, det_scores, decisions)):
        candidate = people.get(decision.candidate_id) if decision.candidate_id else None
        person = candidate if decision.decision is Decision.MATCH else None
        faces.append(IdentifiedFace(box, score, decision, person, candidate, notes.get(row)))
    return faces
