"""Real LFW people enrolled with both models' templates, real photos that are a close call and
a clear one for SFace, and a fusion rule built here (the tests do not depend on the shipped
calibration file, which bench/fusion.py rewrites)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from class_scene import LFW, SHARED_FACES, bgr, central_face, lfw_people
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from attendance.fusion import FusionRule, ScoreStats
from attendance.people import create_person
from attendance.templates import QualityFigures, add_template
from attendance.thresholds import ImpostorScores
from models.packs import FacePipeline

HAVE_LFW = (SHARED_FACES / "lfw-dev.csv").is_file()
NO_LFW = f"the real photos are not here ({SHARED_FACES}; see its README.md)"
PEOPLE = 40  # the first 40 of lfw_people(0): a meeting-sized gallery
# Found on these 40 (SFace, the sface pack's calibrated threshold ~0.40 for 40 people):
# Saddam Hussein's 10th photo scores 0.372 with his enrolled one, a close call below the
# threshold; Tariq Aziz's 2nd scores 0.906 with his, 0.25 with anyone else: a clear match.
CLOSE = "Saddam_Hussein/Saddam_Hussein_0010.jpg"
CLEAR = "Tariq_Aziz/Tariq_Aziz_0002.jpg"
# lfw-dev's 40 enrolled faces against each other (SFace, dlib): the rule's priors, used as
# long as a gallery has fewer than MIN_PAIRS pairs of different people.
SFACE_PRIOR = ScoreStats(mean=0.0924, std=0.0864, pairs=780)
DLIB_PRIOR = ScoreStats(mean=0.8331, std=0.0392, pairs=780)
RHO = 0.18  # correlation of the two models' scores between different people (same 40)


@dataclass(frozen=True)
class Enrolment:
    names: list[str]  # LFW identity of each person, in enrolment order
    primary: NDArray[np.float32]  # (n, 128) SFace
    second: NDArray[np.float32]  # (n, 128) dlib


_ENROLMENTS: dict[int, Enrolment] = {}


def lfw_enrolment(pipeline: FacePipeline, people: int = PEOPLE) -> Enrolment:
    """Both models' embeddings of each of the first `people` persons' enrolment photo
    (computed once a run)."""
    done = _ENROLMENTS.get(id(pipeline.second))
    if done is None or len(done.names) < people:
        done = _ENROLMENTS[id(pipeline.second)] = _embed_enrolment(pipeline, people)
    return Enrolment(done.names[:people], done.primary[:people], done.second[:people])


def _embed_enrolment(pipeline: FacePipeline, people: int) -> Enrolment:
    known, _ = lfw_people(0)
    assert len(known) >= people, f"lfw-dev has {len(known)} people with an enrolment photo"
    names, primary, second = [], [], []
    for person in known[:people]:
        assert person.enroll is not None
        image = bgr(person.enroll)
        face = central_face(pipeline, image)
        assert face is not None, person.enroll
        names.append(person.identity)
        primary.append(pipeline.embed(image, [face])[0])
        second.append(pipeline.embed_second(image, [face])[0])
    return Enrolment(names, np.array(primary), np.array(second))


def enroll_both(session: Session, pipeline: FacePipeline, people: int = PEOPLE) -> dict[str, int]:
    """The first `people` LFW people with an SFace template and its dlib companion each;
    person id by name."""
    assert pipeline.second is not None
    enrolment = lfw_enrolment(pipeline, people)
    quality = QualityFigures(det_score=0.9, face_px=120, sharpness=100, brightness=120, yaw=0)
    ids = {}
    for i, name in enumerate(enrolment.names):
        person = create_person(session, full_name=name.replace("_", " "))
        primary = add_template(
            session,
            person_id=person.id,
            model_key=pipeline.identity.key,
            embedding=enrolment.primary[i],
            quality=quality,
            photo_sha256=f"{i:064x}",
        )
        companion = add_template(
            session,
            person_id=person.id,
            model_key=pipeline.second.identity.key,
            embedding=enrolment.second[i],
            quality=quality,
            photo_sha256=f"{i:064x}",
        )
        companion.companion_of = primary.id
        ids[name] = person.id
    session.flush()
    return ids


def side_by_side(*relative: str) -> NDArray[np.uint8]:
    """LFW photos next to each other in one BGR image (all are 250x250)."""
    return np.ascontiguousarray(np.concatenate([bgr(LFW / r) for r in relative], axis=1))


def made_rule(primary_key: str, second_key: str, *, weight: float = 0.5) -> FusionRule:
    """A fusion rule of the shipped kind, for tests: strangers' fused z-score taken as normal
    with the spread that two scores correlated by `RHO` give (0.18 between SFace and dlib on
    the 40 above); the band is roughly what lfw-dev gives."""
    spread = math.sqrt(1 + weight**2 + 2 * weight * RHO)
    grid = tuple(round(0.25 * i, 2) for i in range(0, 29))  # z from 0 to 7
    exceed = tuple(0.5 * math.erfc(z / spread / math.sqrt(2)) for z in grid)
    tail = math.log10(exceed[-1] / exceed[-2]) / (grid[-1] - grid[-2])
    return FusionRule(
        primary_key=primary_key,
        second_key=second_key,
        weight=weight,
        primary_prior=SFACE_PRIOR,
        second_prior=DLIB_PRIOR,
        fused=ImpostorScores(
            model_key=f"fusion:{primary_key}+{second_key}",
            scores=grid,
            exceed=exceed,
            tail_slope=tail,
            comparisons=780,
            source="tests/api/second_opinion_support.py (normal approximation)",
        ),
        band_below=0.08,
        band_above=0.06,
        margin_band=0.03,
        source="tests/api/second_opinion_support.py",
    )
