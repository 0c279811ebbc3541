"""Strangers at the kiosk: how many walking past are checked in as someone, by the kiosk's
rate of false accepts per look (ATTEND_KIOSK__FPIR), on the decisions benchmark's videos.

Each seed draws its own 33 people (bench/walk_video.py: the people folder and LFW), enrolls
two thirds of them from photo A and walks everyone past the real KioskLoop (bench/our_loop.py)
with photo B. A stranger is seen in every frame they stand in, each a chance to be taken for
an invitee: a rate per look that suits one photo is too loose for a camera.

    PYTHONPATH=. .venv/bin/python -m bench.kiosk_strangers [--seeds 7,8,9,10] [--fpir 0.01,0.001]
"""

from __future__ import annotations

import argparse

from attendance.matching import match_policy
from attendance.settings import get_settings
from bench.kiosk_decisions import tally, walk_past
from bench.our_loop import our_check_ins, our_templates
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline


def run(pipeline: FacePipeline, seed: int, rates: list[float]) -> None:
    identities, names, enrolled, video = walk_past(pipeline, seed=seed)
    templates, _, _ = our_templates(pipeline, [i for i in identities if i.name in enrolled])
    for fpir in rates:
        policy = match_policy(get_settings().match, model_key=pipeline.identity.key, fpir=fpir)
        found, judged, _ = our_check_ins(pipeline, templates, video, fpir=fpir)
        counts = tally(found, enrolled)
        strangers = [j for j in judged if j.shown not in enrolled]
        nearest = max((j.score for j in strangers), default=float("nan"))
        wrong = "; ".join(f"{c.shown} as {c.as_name}" for c in found if c.shown != c.as_name)
        print(
            f"| {seed} | {fpir:g} | {policy.threshold_for(len(templates)):.3f} "
            f"| {counts.correct} of {len(enrolled)} | {counts.strangers_in} of "
            f"{len(names) - len(enrolled)} | {counts.wrong_person} | {nearest:.3f} | {wrong} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="7,8,9,10")
    parser.add_argument("--fpir", default="0.01,0.001")
    args = parser.parse_args()
    rates = [float(r) for r in args.fpir.split(",")]
    pipeline = load_pipeline(get_settings())
    print(
        "| seed | FPIR per look | threshold | invitees checked in | strangers checked in "
        "| wrong person | nearest stranger | who |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for seed in (int(s) for s in args.seeds.split(",")):
        run(pipeline, seed, rates)


if __name__ == "__main__":
    main()
