"""The second opinion at the kiosk: how often dlib runs (per track, per face sighting) on the
decisions benchmark's walk videos, and the frame rate, plain vs. with the second opinion in
the same run, three new faces that are all close calls included.

    PYTHONPATH=. python -m bench.kiosk_second [--seeds 7,8,9,10] [--frames 75] [--trials 4]
        [--only new|walk]

`--rule FILE`: a fusion rule (FusionRule.to_json) instead of the calibrated one that ships.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from attendance.fusion import FusionRule, fusion_rule_for
from attendance.matching import kiosk_match_policy
from attendance.settings import get_settings
from bench.kiosk import ListSource, face_crops, scene
from bench.kiosk_decisions import tally, walk_past
from bench.our_loop import NoSender, memory_sync, our_check_ins, our_templates
from bench.walk_video import read_photo
from enrollment.quality_gate import choose_face, rank_faces
from enrollment.service import gate_limits
from kiosk.capture import Frame
from kiosk.loop import KioskLoop, KioskOptions
from kiosk.outbox import Outbox
from kiosk.second_look import SecondLook
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline

Templates = dict[str, NDArray[np.float32]]


@dataclass
class Run:
    label: str
    fps: float
    first_s_fps: float  # over each trial's first 25 frames: when the faces are new
    p95_ms: float
    max_ms: float
    tracks: int
    looks: int  # faces embedded by the first model (looks at undecided or checked tracks)
    sightings: int  # faces detected, every frame
    second_runs: int
    waited: int
    summary: str = ""

    def row(self) -> str:
        per_track = self.second_runs / self.tracks if self.tracks else 0.0
        per_look = self.second_runs / self.looks if self.looks else 0.0
        per_sighting = self.second_runs / self.sightings if self.sightings else 0.0
        return (
            f"| {self.label} | {self.fps:.1f} | {self.first_s_fps:.1f} | {self.p95_ms:.1f} "
            f"| {self.max_ms:.0f} | {self.second_runs} | {self.tracks} | {self.looks} "
            f"| {per_track:.2f} | {per_look:.3f} "
            f"| {per_sighting:.4f} | {self.waited} | {self.summary} |"
        )


HEADER = (
    "| run | fps | fps, first second | p95 frame ms | max frame ms | dlib runs | tracks "
    "| embedded looks "
    "| runs/track "
    "| runs/embedded look | runs/face sighting | looks waiting | check-ins |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def look_for(pipeline: FacePipeline, rule: FusionRule, *, background: bool) -> SecondLook:
    assert pipeline.second is not None
    return SecondLook(
        rule=rule,
        embed=pipeline.embed_second,
        second_key=pipeline.second.identity.key,
        dim=pipeline.second.identity.dim,
        background=background,
    )


def second_templates(pipeline: FacePipeline, photos: dict[str, Path]) -> Templates:
    """The second model's template of the face enrollment chose in each enrolled photo."""
    limits = gate_limits(get_settings())
    out = {}
    for name, path in photos.items():
        image = read_photo(path)
        height, width = image.shape[:2]
        face = choose_face(rank_faces(pipeline.detect(image), width, height), limits).face
        if face is not None:
            out[name] = pipeline.embed_second(image, [face])[0]
    return out


def walk_runs(pipeline: FacePipeline, rule: FusionRule, seed: int) -> list[Run]:
    identities, _, enrolled, video = walk_past(pipeline, seed=seed)
    templates, photos, _ = our_templates(pipeline, [i for i in identities if i.name in enrolled])
    seconds = second_templates(pipeline, photos)
    fpir = get_settings().kiosk.fpir
    runs = []
    for label, background in (("plain", None), ("second, worker", True), ("second, inline", False)):
        look = None if background is None else look_for(pipeline, rule, background=background)
        times: list[float] = []
        seen: list[KioskLoop] = []
        found, _, fps = our_check_ins(
            pipeline,
            templates,
            video,
            fpir=fpir,
            second=(look, seconds) if look is not None else None,
            frame_ms=times,
            on_loop=seen.append,
        )
        loop = seen[0]
        t = tally(found, enrolled)
        runs.append(
            Run(
                f"seed {seed}, {label}",
                fps,
                float("nan"),
                float(np.percentile(times, 95)),
                max(times),
                loop.tracker._next_id - 1,
                loop.stats.embedded,
                loop.stats.faces,
                look.counts.runs if look else 0,
                look.counts.waited_looks if look else 0,
                f"{t.correct}/{len(enrolled)} right, {t.wrong_person} wrong, "
                f"{t.strangers_in} strangers",
            )
        )
        if look is not None:
            look.close()
    return runs


def new_faces_runs(
    pipeline: FacePipeline, rule: FusionRule, faces: int, frames: int, trials: int, close: bool
) -> list[Run]:
    """`faces` people walk in together. `close`: every one a close call (their gallery
    templates score just under the threshold with the first model: their own embedding,
    turned away from it); else clear matches (their own embedding). Their second templates
    are the second model's own embedding of them."""
    crops = face_crops(pipeline)[:faces]
    images = [scene(crops, faces, jitter=i % 4) for i in range(frames)]
    first = images[0]
    found = sorted(pipeline.detect(first), key=lambda f: f.box[0])[:faces]
    own = pipeline.embed(first, found)
    policy = kiosk_match_policy(get_settings(), model_key=pipeline.identity.key)
    target = policy.threshold_for(faces) - 0.01 if close else 1.0
    rng = np.random.default_rng(0)
    templates, seconds = {}, {}
    second_own = pipeline.embed_second(first, found)
    for i, vector in enumerate(own):
        other = rng.normal(size=vector.shape).astype(np.float32)
        other -= other @ vector * vector
        other /= np.linalg.norm(other)
        templates[f"p{i}"] = (target * vector + math.sqrt(1 - target**2) * other).astype(np.float32)
        seconds[f"p{i}"] = second_own[i]
    modes = (("plain", None), ("second, worker", True), ("second, inline", False))
    tallies = {label: Tally() for label, _ in modes}
    for _ in range(trials):  # the modes by turns: the shared CPUs' load hits all alike
        for label, background in modes:
            look = None if background is None else look_for(pipeline, rule, background=background)
            tallies[label].trial(fresh_loop(pipeline, templates, seconds, look), images, look)
    kind = "close calls" if close else "clear"
    return [
        t.run(f"{faces} new faces, {kind}, {label}", faces * trials) for label, t in tallies.items()
    ]


@dataclass
class Tally:
    """The new-faces trials of one mode, added up."""

    times: list[float] = field(default_factory=list)
    first_s: list[float] = field(default_factory=list)
    tracks: int = 0
    looks: int = 0
    sightings: int = 0
    second_runs: int = 0
    waited: int = 0
    confirmed: int = 0

    def trial(
        self, loop: KioskLoop, images: list[NDArray[np.uint8]], look: SecondLook | None
    ) -> None:
        for index, image in enumerate(images):
            started = time.perf_counter()
            self.confirmed += len(loop.process(Frame(index, image, index / 25.0)))
            self.times.append((time.perf_counter() - started) * 1000)
            if index < 25:
                self.first_s.append(self.times[-1])
        self.tracks += loop.tracker._next_id - 1
        self.looks += loop.stats.embedded
        self.sightings += loop.stats.faces
        if look is not None:
            self.second_runs += look.counts.runs
            self.waited += look.counts.waited_looks
            look.close()

    def run(self, label: str, people: int) -> Run:
        return Run(
            label,
            len(self.times) / (sum(self.times) / 1000),
            len(self.first_s) / (sum(self.first_s) / 1000),
            float(np.percentile(self.times, 95)),
            max(self.times),
            self.tracks,
            self.looks,
            self.sightings,
            self.second_runs,
            self.waited,
            f"{self.confirmed} of {people}",
        )


def fresh_loop(
    pipeline: FacePipeline, templates: Templates, seconds: Templates, look: SecondLook | None
) -> KioskLoop:
    _, sync = memory_sync(pipeline, templates, look, seconds)
    workdir = tempfile.mkdtemp(prefix="kiosk-second-")
    loop = KioskLoop(
        pipeline=pipeline,
        sync=sync,
        outbox=Outbox(Path(workdir) / "outbox.sqlite"),
        sender=NoSender(),
        source=ListSource([]),
        policy=kiosk_match_policy(get_settings(), model_key=pipeline.identity.key),
        options=KioskOptions(name="bench"),
        second_look=look,
    )
    loop.warm_up()
    sync.sync()
    return loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="7,8,9,10")
    parser.add_argument("--frames", type=int, default=75, help="frames per new-faces trial")
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--faces", default="1,3", help="new faces walking in together")
    parser.add_argument("--rule", type=Path, help="a fusion rule file instead of the shipped")
    parser.add_argument("--only", choices=("new", "walk"), help="only new faces, or the videos")
    args = parser.parse_args()
    pipeline = load_pipeline(get_settings())
    if pipeline.second is None:
        raise SystemExit("no second model: install the 'accurate' extra (dlib-bin)")
    rule = (
        FusionRule.from_json(args.rule.read_text(encoding="utf-8"))
        if args.rule
        else fusion_rule_for(pipeline.identity.key, pipeline.second.identity.key)
    )
    if rule is None:
        raise SystemExit("no fusion rule for this pair: give --rule FILE")
    import dlib  # type: ignore[import-untyped]
    import onnxruntime

    print(
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.platform()}, {os.cpu_count()} "
        f"CPUs, onnxruntime {onnxruntime.__version__}, dlib {dlib.__version__}, pack "
        f"{pipeline.identity.key} + {pipeline.second.identity.key}, rule {rule.key} "
        f"(band -{rule.band_below:g}/+{rule.band_above:g}, margin +{rule.margin_band:g})"
    )
    print(HEADER)
    for faces in (int(n) for n in args.faces.split(",")) if args.only != "walk" else ():
        for close in (False, True):
            for run in new_faces_runs(pipeline, rule, faces, args.frames, args.trials, close):
                print(run.row(), flush=True)
    for seed in (int(s) for s in args.seeds.split(",")) if args.only != "new" else ():
        for run in walk_runs(pipeline, rule, seed):
            print(run.row(), flush=True)


if __name__ == "__main__":
    main()
