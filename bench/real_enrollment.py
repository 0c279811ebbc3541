"""Enrollment on real photos through `enroll_photo`, and what it does to recognition.

1. The gate on lfw-dev: each person's first photo through `enroll_photo` into a fresh
   SQLite database, in file order (so the duplicate check sees a growing gallery); refusals
   by reason.
2. Everyone: rank-1 and FNIR at FPIR 1% / 0.1% over every probe, a refused person's probes
   counted as misses, against the plain pipeline (every first photo enrolled, no gate); then
   each refusal answered as a secretary would (the face clicked, two people confirmed).
   `--old-code` stops after the first two (without the answers): with PYTHONPATH pointing
   at an older checkout it measures that code's gate the same way.
3. Several photos: people with 4+ photos enrolled from their first 1, 2 or 3 photos (through
   `enroll_photo` too), probed with the rest; a person's score as the best of their
   templates (max), the mean of the scores, or against the mean template (centroid).
4. Room size: random rosters of 10, 50 and 200 enrolled people; FNIR and FPIR with the fixed
   thresholds calibrated for the whole gallery against thresholds for the roster's size.
5. The people folder and the dog: every photo of ../shared/faces/people must be accepted.

    PYTHONPATH=. .venv/bin/python bench/real_enrollment.py [--faces ../shared/faces] [--old-code]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lfw_faces import FACES, Row, default_pipeline, embed_rows, read_rows
from numpy.typing import NDArray
from open_set import threshold_at
from room_sizes import FPIRS, simulate_rooms
from sqlalchemy import select

from attendance.consent import record_consent
from attendance.db import make_engine, make_session_factory
from attendance.errors import DomainError
from attendance.gallery_cache import GalleryCache
from attendance.orm import Base, FaceTemplate
from attendance.people import create_person
from attendance.settings import Settings
from attendance.template_crypto import keys_of, open_many
from attendance.thresholds import calibration_for
from enrollment.service import enroll_photo
from models.packs import FacePipeline


@dataclass
class Enrolled:
    person_of: dict[str, int]  # identity -> person id, for everyone who got a template
    refused: collections.Counter[str]  # reason -> photos
    refused_people: dict[str, str]  # identity -> reason (first photos)


class Database:
    """A fresh SQLite file and enroll_photo as the server runs it (default settings)."""

    def __init__(self, folder: Path, pipeline: FacePipeline) -> None:
        self.engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
        Base.metadata.create_all(self.engine)
        self.factory = make_session_factory(self.engine)
        self.pipeline = pipeline
        self.cache = GalleryCache(model_key=pipeline.identity.key, dim=pipeline.embedder.dim)
        self.settings = Settings()
        self.people: dict[str, int] = {}

    def enroll(self, row: Row, **choices: object) -> str | None:
        """None when accepted, else the refusal's reason; committed either way. `choices`:
        what a secretary answers a refusal with (face_index, confirm_different_person)."""
        with self.factory() as session:
            if row.identity not in self.people:
                person_id = create_person(session, full_name=row.identity).id
                self.people[row.identity] = person_id
                record_consent(
                    session,
                    person_id=person_id,
                    given_by=row.identity,
                    relation="self",
                    purposes=["meetings"],
                    method="paper_form",
                    reference="bench",
                    actor="bench",
                )
            try:
                enroll_photo(
                    session,
                    pipeline=self.pipeline,
                    gallery_cache=self.cache,
                    settings=self.settings,
                    person_id=self.people[row.identity],
                    data=row.path.read_bytes(),
                    **choices,  # type: ignore[arg-type]
                )
            except DomainError as exc:
                session.commit()  # the person stays, with no template
                return exc.code
            session.commit()
        return None

    def templates(self) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        with self.factory() as session:
            rows = session.execute(
                select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding).order_by(
                    FaceTemplate.id
                )
            ).all()
            dim = session.scalar(select(FaceTemplate.dim).limit(1)) or 0
            matrix, _ = open_many(keys_of(session), [(r[0], r[1], r[2]) for r in rows], dim)
        ids = np.array([r[1] for r in rows], np.int64)
        return matrix, ids


def enroll_first_photos(db: Database, rows: list[Row]) -> Enrolled:
    refused: collections.Counter[str] = collections.Counter()
    refused_people = {}
    for row in rows:
        reason = db.enroll(row)
        if reason is not None:
            refused[reason] += 1
            refused_people[row.identity] = reason
    person_of = {i: p for i, p in db.people.items() if i not in refused_people}
    return Enrolled(person_of, refused, refused_people)


def answer_refusals(
    db: Database, enrolled: Enrolled, rows: list[Row], embeddings: dict[Path, NDArray]
) -> collections.Counter[str]:
    """What a secretary does with each refusal: for MULTIPLE_FACES, click the face of the
    person being enrolled (here: the listed face most like the person's other photos); for
    DUPLICATE_PERSON, confirm that they are two people (lfw-dev labels them so). The
    outcome of each answer, by the first refusal's reason."""
    from enrollment.quality_gate import rank_faces
    from models.images import decode_image

    others: dict[str, list[NDArray]] = collections.defaultdict(list)
    for r in rows:
        if r.role == "probe":
            others[r.identity].append(embeddings[r.path])
    answered: collections.Counter[str] = collections.Counter()
    for row in [r for r in rows if r.role == "enroll" and r.identity in enrolled.refused_people]:
        reason = enrolled.refused_people[row.identity]
        if reason == "MULTIPLE_FACES":
            image = decode_image(row.path.read_bytes())
            ranked = rank_faces(db.pipeline.detect(image), image.shape[1], image.shape[0])
            faces = db.pipeline.embed(image, [r.face for r in ranked])
            likeness = faces @ np.mean(others[row.identity], axis=0)
            again = db.enroll(row, face_index=int(np.argmax(likeness)))
        elif reason == "DUPLICATE_PERSON":
            again = db.enroll(row, confirm_different_person=True)
        else:
            continue
        answered[f"{reason} -> {again or 'enrolled'}"] += 1
        if again is None:
            enrolled.person_of[row.identity] = db.people[row.identity]
            del enrolled.refused_people[row.identity]
    return answered


def person_scores(
    queries: NDArray[np.float32],
    templates: NDArray[np.float32],
    owners: NDArray[np.int64],
    how: str,
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """(queries, people) scores and the people, by `how`: max, mean (of scores) or centroid."""
    people, column = np.unique(owners, return_inverse=True)
    out = np.full((len(queries), len(people)), -np.inf, np.float32)
    if how == "centroid":
        sums = np.zeros((len(people), templates.shape[1]))
        np.add.at(sums, column, templates)
        means = (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)
        return queries @ means.T, people
    scores = queries @ templates.T
    for j in range(len(people)):
        block = scores[:, column == j]
        out[:, j] = block.max(axis=1) if how == "max" else block.mean(axis=1)
    return out, people


@dataclass
class Figures:
    rank1: float
    fnir: tuple[float, ...]
    thresholds: tuple[float, ...]

    def cells(self) -> str:
        fnir = " | ".join(f"{v:.4f}" for v in self.fnir)
        return f"{self.rank1:.4f} | {fnir} | " + " / ".join(f"{t:.3f}" for t in self.thresholds)


def open_set(
    probe_scores: NDArray[np.float32],
    probe_owner: NDArray[np.int64],
    people: NDArray[np.int64],
    impostor_scores: NDArray[np.float32],
) -> Figures:
    """A probe whose owner is not in `people` (refused) is a miss at every threshold."""
    top = people[np.argmax(probe_scores, axis=1)] if len(people) else np.full(len(probe_owner), -1)
    best = probe_scores.max(axis=1) if len(people) else np.full(len(probe_owner), -np.inf)
    right = top == probe_owner
    thresholds = tuple(threshold_at(impostor_scores.max(axis=1), f) for f in FPIRS)
    fnir = tuple(1 - float(np.mean(right & (best >= t))) for t in thresholds)
    return Figures(float(np.mean(right)), fnir, thresholds)


def section_everyone(
    db: Database,
    enrolled: Enrolled,
    rows: list[Row],
    embeddings: dict[Path, NDArray[np.float32]],
    answer: bool = True,
) -> None:
    probes = [r for r in rows if r.role == "probe"]
    impostors = np.stack([embeddings[r.path] for r in rows if r.role == "impostor"])
    queries = np.stack([embeddings[r.path] for r in probes])
    # Plain pipeline: every first photo, no gate; a person id per identity.
    firsts = [r for r in rows if r.role == "enroll"]
    plain_ids = {r.identity: i for i, r in enumerate(firsts)}
    plain = np.stack([embeddings[r.path] for r in firsts])
    owner = np.array([plain_ids[r.identity] for r in probes])
    plain_figures = open_set(queries @ plain.T, owner, np.arange(len(firsts)), impostors @ plain.T)
    templates, owners = db.templates()
    p_scores, people = person_scores(queries, templates, owners, "centroid")
    i_scores, _ = person_scores(impostors, templates, owners, "centroid")
    own = np.array([enrolled.person_of.get(r.identity, -1) for r in probes])
    gated = open_set(p_scores, own, people, i_scores)
    print("\n## Everyone (refused people's probes are misses)\n")
    print(f"{len(probes)} probes, {len(impostors)} impostors, {len(firsts)} people\n")
    print("| enrollment | rank-1 | FNIR @ FPIR 1% | FNIR @ FPIR 0.1% | thresholds |")
    print("|---|---|---|---|---|")
    print(f"| plain pipeline, no gate | {plain_figures.cells()} |")
    refused = len(enrolled.refused_people)
    print(f"| through enroll_photo ({refused} refused) | {gated.cells()} |")
    if not answer:
        return
    answered = answer_refusals(db, enrolled, rows, embeddings)
    templates, owners = db.templates()
    p_scores, people = person_scores(queries, templates, owners, "centroid")
    i_scores, _ = person_scores(impostors, templates, owners, "centroid")
    own = np.array([enrolled.person_of.get(r.identity, -1) for r in probes])
    after = open_set(p_scores, own, people, i_scores)
    refused = len(enrolled.refused_people)
    print(f"| the refusals answered ({refused} left refused) | {after.cells()} |")
    print(f"\nanswers: {dict(answered)}")


def section_several(
    folder: Path, pipeline: FacePipeline, rows: list[Row], embeddings: dict[Path, NDArray]
) -> None:
    by_person: dict[str, list[Row]] = collections.defaultdict(list)
    for r in rows:
        if r.role != "impostor":
            by_person[r.identity].append(r)
    several = {i for i, photos in by_person.items() if len(photos) >= 4}
    probes = [r for i in sorted(several) for r in by_person[i][3:]]
    impostors = np.stack([embeddings[r.path] for r in rows if r.role == "impostor"])
    queries = np.stack([embeddings[r.path] for r in probes])
    db = Database(folder, pipeline)
    refused: collections.Counter[str] = collections.Counter()
    print("\n## Several photos\n")
    print(f"{len(several)} people with 4+ photos, {len(probes)} probes (their 4th photo on);")
    print(f"{len(by_person) - len(several)} others enrolled from one photo; {len(impostors)}")
    print("impostors; each configuration calibrated on its own impostor scores.\n")
    print("| photos | score | rank-1 | FNIR @ FPIR 1% | FNIR @ FPIR 0.1% | thresholds |")
    print("|---|---|---|---|---|---|")
    for k in (1, 2, 3):
        for identity, photos in sorted(by_person.items()):
            if k == 1 or identity in several:
                reason = db.enroll(photos[k - 1])
                if reason is not None:
                    refused[reason] += 1
        templates, owners = db.templates()
        own = np.array([db.people[r.identity] for r in probes])
        for how in ("max", "mean", "centroid") if k > 1 else ("max",):
            p_scores, people = person_scores(queries, templates, owners, how)
            i_scores, _ = person_scores(impostors, templates, owners, how)
            label = {"max": "best template", "mean": "mean of scores", "centroid": "centroid"}
            print(f"| {k} | {label[how]} | {open_set(p_scores, own, people, i_scores).cells()} |")
    print(f"\nrefused along the way: {dict(refused)}")


def section_rooms(
    db: Database, enrolled: Enrolled, rows: list[Row], embeddings: dict[Path, NDArray]
) -> None:
    templates, owners = db.templates()
    people, inverse = np.unique(owners, return_inverse=True)
    sums = np.zeros((len(people), templates.shape[1]))
    np.add.at(sums, inverse, templates)
    means = (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)
    column = {int(p): j for j, p in enumerate(people)}
    probes = [r for r in rows if r.role == "probe" and r.identity in enrolled.person_of]
    probe_col = np.array([column[enrolled.person_of[r.identity]] for r in probes])
    probe_scores = np.stack([embeddings[r.path] for r in probes]) @ means.T
    strangers = np.stack([embeddings[r.path] for r in rows if r.role == "impostor"])
    stranger_scores = strangers @ means.T
    shipped = calibration_for(db.pipeline.identity.key)
    simulate_rooms(probe_scores, probe_col, stranger_scores, shipped)


def section_people(folder: Path, pipeline: FacePipeline, faces_dir: Path) -> None:
    db = Database(folder, pipeline)
    photos = sorted(p for p in (faces_dir / "people").rglob("*") if p.is_file())
    refused = {}
    for path in photos:
        reason = db.enroll(Row(path, path.parent.name, "enroll"))
        if reason:
            refused[str(path.relative_to(faces_dir))] = reason
    dog = db.enroll(Row(faces_dir / "groups" / "dogs.jpg", "Chó", "enroll"))
    print("\n## The people folder and the dog\n")
    print(f"people/: {len(photos)} photos, refused: {refused or 'none'}; dogs.jpg: {dog}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--old-code", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"{datetime.datetime.now():%Y-%m-%d %H:%M}, load {os.getloadavg()[0]:.1f}")
    rows = read_rows(args.faces)
    pipeline = default_pipeline()
    print(f"model {pipeline.identity.key}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a").mkdir()
        db = Database(folder / "a", pipeline)
        firsts = [r for r in rows if r.role == "enroll"]
        enrolled = enroll_first_photos(db, firsts)
        print("\n## The gate on lfw-dev (first photos through enroll_photo)\n")
        total = sum(enrolled.refused.values())
        print(
            f"{len(firsts)} photos, refused {total} ({total / len(firsts):.2%}):",
            dict(enrolled.refused.most_common()),
        )
        embedded = embed_rows(pipeline, rows)
        embeddings = {r.path: e for r, e in zip(rows, embedded)}
        section_everyone(db, enrolled, rows, embeddings, answer=not args.old_code)
        if args.old_code:
            return
        (folder / "b").mkdir()
        section_several(folder / "b", pipeline, rows, embeddings)
        section_rooms(db, enrolled, rows, embeddings)
        (folder / "c").mkdir()
        section_people(folder / "c", pipeline, args.faces)
    print(f"\nload at end {os.getloadavg()[0]:.1f}; {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
