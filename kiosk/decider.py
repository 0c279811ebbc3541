"""Deciding who a tracked face is from several frames of evidence, once per person."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from attendance.matching import Decision, FaceDecision

logger = logging.getLogger(__name__)

# A face this many pixels across (the short side) or more votes with its full detector
# score; smaller faces carry proportionally less (SFace works on 112 px crops).
FULL_WEIGHT_PX = 112.0


def face_weight(short_side_px: float, det_score: float) -> float:
    return max(0.0, float(det_score)) * min(1.0, max(0.0, short_side_px) / FULL_WEIGHT_PX)


@dataclass(frozen=True)
class Observation:
    """One embedded sighting of a track, judged against the roster."""

    track_id: int
    decision: FaceDecision
    weight: float


@dataclass(frozen=True)
class Confirmation:
    track_id: int
    person_id: int
    similarity: float  # the best of the agreeing observations
    margin: float | None
    votes: int


@dataclass
class _Votes:
    count: int = 0
    weight: float = 0.0
    similarity: float = -1.0
    margin: float | None = None


@dataclass
class _Evidence:
    by_person: dict[int, _Votes] = field(default_factory=dict)
    weight: float = 0.0  # of every matching observation, whoever it named
    decided: int | None = None


class TrackDecider:
    """Accumulates weighted votes per track and confirms a person when they agree.

    A track is confirmed as a person after `votes_needed` observations that matched that
    person (each cleared the threshold and the runner-up margin in `decide`) and when that
    person holds at least `agreement` of the track's matching weight. A decided track is
    not embedded again. A person confirmed within `cooldown_s` is not confirmed again (the
    track is still marked decided, so it costs nothing more), and a person is confirmed for
    at most one track per frame.
    """

    def __init__(
        self, *, votes_needed: int = 2, agreement: float = 0.7, cooldown_s: float = 300.0
    ) -> None:
        if votes_needed < 1 or not 0.5 < agreement <= 1.0:
            raise ValueError("votes_needed must be >= 1 and agreement in (0.5, 1]")
        self.votes_needed = votes_needed
        self.agreement = agreement
        self.cooldown_s = cooldown_s
        self._tracks: dict[int, _Evidence] = {}
        self._last_confirmed: dict[int, float] = {}

    def needs_embedding(self, track_id: int) -> bool:
        evidence = self._tracks.get(track_id)
        return evidence is None or evidence.decided is None

    def decided_person(self, track_id: int) -> int | None:
        evidence = self._tracks.get(track_id)
        return None if evidence is None else evidence.decided

    def forget(self, track_ids: Iterable[int]) -> None:
        for track_id in track_ids:
            self._tracks.pop(track_id, None)

    def observe(self, observations: Iterable[Observation], *, now: float) -> list[Confirmation]:
        """Add one frame's observations; return the people confirmed by this frame."""
        candidates: dict[int, tuple[float, Confirmation]] = {}
        for obs in observations:
            evidence = self._tracks.setdefault(obs.track_id, _Evidence())
            if evidence.decided is not None:
                continue
            confirmation = self._add(evidence, obs)
            if confirmation is None:
                continue
            weight = evidence.by_person[confirmation.person_id].weight
            held = candidates.get(confirmation.person_id)
            if held is None or weight > held[0]:
                candidates[confirmation.person_id] = (weight, confirmation)
        confirmed = []
        for _, confirmation in candidates.values():
            person = confirmation.person_id
            self._tracks[confirmation.track_id].decided = person
            last = self._last_confirmed.get(person)
            if last is not None and now - last < self.cooldown_s:
                logger.debug("person %d seen again within the cooldown", person)
                continue
            self._last_confirmed[person] = now
            confirmed.append(confirmation)
        return confirmed

    def _add(self, evidence: _Evidence, obs: Observation) -> Confirmation | None:
        decision = obs.decision
        if decision.decision is not Decision.MATCH or decision.person_id is None:
            return None
        person = decision.person_id
        votes = evidence.by_person.setdefault(person, _Votes())
        votes.count += 1
        votes.weight += obs.weight
        evidence.weight += obs.weight
        similarity = decision.similarity if decision.similarity is not None else -1.0
        if similarity > votes.similarity:
            votes.similarity, votes.margin = similarity, decision.margin
        if votes.count < self.votes_needed:
            return None
        if evidence.weight > 0 and votes.weight < self.agreement * evidence.weight:
            return None
        return Confirmation(obs.track_id, person, votes.similarity, votes.margin, votes.count)
