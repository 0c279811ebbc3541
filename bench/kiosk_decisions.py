"""Kiosk decisions against a face_recognition (dlib) loop, same video of real photos, same run.

PYTHONPATH=. python -m bench.kiosk_decisions --face-recognition-site SITE [--lfw 15] [--stand-s 1.5]
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attendance.matching import kiosk_match_policy
from attendance.settings import get_settings
from bench.dlib_loop import (
    TOLERANCE,
    their_check_ins,
    their_judged,
    their_sightings,
    their_templates,
)
from bench.our_loop import our_check_ins, our_templates
from bench.walk_video import (
    FACES_DIR,
    FPS,
    Box,
    CheckIn,
    Identity,
    Image,
    Judged,
    WalkVideo,
    groups_of,
    heads_for,
    pick_identities,
    walk_video,
)
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline

LFW = 15  # LFW people beside people/'s 18: 33 in all, 22 enrolled
STAND_S = 1.5
SEED = 7


@dataclass(frozen=True)
class Tally:
    correct: int
    missed: int
    wrong_person: int
    strangers_in: int


def tally(check_ins: Sequence[CheckIn], enrolled: Sequence[str]) -> Tally:
    """Recall and errors of a list of check-ins: a stranger is anyone not in `enrolled`."""
    right = {c.shown for c in check_ins if c.shown == c.as_name}
    wrong = [c for c in check_ins if c.shown != c.as_name]
    return Tally(
        correct=len(right),
        missed=len(set(enrolled) - right),
        wrong_person=sum(c.shown in enrolled for c in wrong),
        strangers_in=sum(c.shown not in enrolled for c in wrong),
    )


def table(rows: list[tuple[str, Tally, float]], enrolled: int, strangers: int) -> str:
    lines = [
        f"| loop | enrolled checked in correctly (of {enrolled}) | missed "
        f"| wrong-person check-ins | strangers or bystanders checked in (of {strangers}) | fps |",
        "|---|---|---|---|---|---|",
    ]
    for label, t, fps in rows:
        lines.append(
            f"| {label} | {t.correct} ({t.correct / enrolled:.0%}) | {t.missed} "
            f"| {t.wrong_person} | {t.strangers_in} | {fps:.1f} |"
        )
    return "\n".join(lines)


def per_frame(label: str, judged: list[Judged], enrolled: Sequence[str], closer: int) -> str:
    """Single-frame figures: false accepts, enrolled faces refused, and how near the
    weakest own match and the nearest stranger came (`closer`: +1 similarity, -1 distance)."""
    wrong = [j for j in judged if j.accepted and j.nearest != j.shown]
    own = [j for j in judged if j.shown in enrolled]
    own_scores = [j.score for j in own if j.nearest == j.shown]
    strangers = [j.score for j in judged if j.shown not in enrolled]
    weakest = min(own_scores, key=lambda score: closer * score, default=float("nan"))
    closest = max(strangers, key=lambda score: closer * score, default=float("nan"))
    return (
        f"{label}: {len(judged)} faces judged one frame at a time; accepted as someone else "
        f"{len(wrong)} ({sum(j.shown not in enrolled for j in wrong)} of them strangers); "
        f"enrolled faces not accepted {sum(not j.accepted for j in own)} of {len(own)}; "
        f"weakest own match {weakest:.3f}, nearest stranger {closest:.3f}"
    )


def ratio(ours: float, theirs: float) -> str:
    return f"x{ours / theirs:.2f}" if theirs else "n/a (theirs is 0)"


def walk_past(
    pipeline: FacePipeline, *, lfw: int = LFW, stand_s: float = STAND_S, seed: int = SEED
) -> tuple[list[Identity], list[str], list[str], WalkVideo]:
    """The seed's people (those the detector finds a face on), the two thirds of them enrolled,
    and the video of everyone walking past; the kiosk benchmarks all start from this."""
    identities = pick_identities(FACES_DIR, lfw, seed)

    def largest(image: Image) -> Box | None:
        faces = pipeline.detect(image)
        return max(faces, key=lambda f: f.area).box if faces else None

    heads = heads_for(identities, largest)
    identities = [i for i in identities if i.name in heads]
    names = [i.name for i in identities]
    enrolled = sorted(random.Random(seed).sample(names, math.ceil(len(names) * 2 / 3)))
    return identities, names, enrolled, walk_video(heads, groups_of(names, seed), stand_s=stand_s)


def compare_decisions(
    pipeline: FacePipeline, fr: Any, *, lfw: int = LFW, stand_s: float = STAND_S, seed: int = SEED
) -> None:
    """Build the video, run both loops on it and print the table; `fr` is face_recognition."""
    identities, names, enrolled, video = walk_past(pipeline, lfw=lfw, stand_s=stand_s, seed=seed)
    print(
        f"date {datetime.date.today()}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"pack {pipeline.identity.key}; {len(names)} people ({len(enrolled)} enrolled), "
        f"{len(video.frames)} frames ({len(video.frames) / FPS:.1f} s at {FPS:.0f} fps)"
    )
    ours, photos, notes = our_templates(pipeline, [i for i in identities if i.name in enrolled])
    theirs, unfound = their_templates(fr, photos)  # the same photos
    print(f"enrollment: {notes or 'photo A of everyone'}; HOG found no face in {unfound or 'none'}")
    our_list, our_judged, our_fps = our_check_ins(pipeline, ours, video)
    sightings, their_fps = their_sightings(fr, theirs, video)
    every = max(1, round(FPS / their_fps))
    their_list = their_check_ins(sightings, video)
    rows = [
        ("ours (KioskLoop, every frame)", our_list, our_fps),
        ("face_recognition, every frame", their_list, their_fps),
        (
            f"face_recognition, one frame in {every}",
            their_check_ins(sightings, video, every),
            their_fps,
        ),
    ]
    tallies = [(label, tally(found, enrolled), fps) for label, found, fps in rows]
    print(table(tallies, len(enrolled), len(names) - len(enrolled)))
    print(
        f"every frame is more generous to face_recognition than real time: at {their_fps:.1f} fps "
        f"a live loop sees about one frame in {every}, as in the last row"
    )
    o, t = tallies[0][1], tallies[1][1]
    print(
        f"ours / face_recognition (every frame): recall {ratio(o.correct, t.correct)}, "
        f"fps {ratio(our_fps, their_fps)}"
    )
    settings = get_settings()
    policy = kiosk_match_policy(settings, model_key=pipeline.identity.key)
    threshold = policy.threshold_for(len(ours))
    print(per_frame(f"ours (accepts similarity >= {threshold:.3f})", our_judged, enrolled, 1))
    tolerance = f"face_recognition (accepts distance <= {TOLERANCE})"
    print(per_frame(tolerance, their_judged(sightings, video), enrolled, -1))
    for label, found, _ in rows:
        for c in found:
            if c.shown != c.as_name:
                print(f"{label}: frame {c.frame}, {c.shown} checked in as {c.as_name}")
        missed = sorted(set(enrolled) - {c.shown for c in found if c.shown == c.as_name})
        print(f"{label}: missed {missed or 'nobody'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--face-recognition-site", default="")
    parser.add_argument("--lfw", type=int, default=LFW, help="LFW people beside people/'s")
    parser.add_argument("--stand-s", type=float, default=STAND_S)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if args.face_recognition_site:
        sys.path.append(args.face_recognition_site)  # last: its numpy must not shadow ours
    import face_recognition as fr

    pipeline = load_pipeline(get_settings())
    compare_decisions(pipeline, fr, lfw=args.lfw, stand_s=args.stand_s, seed=args.seed)


if __name__ == "__main__":
    main()
