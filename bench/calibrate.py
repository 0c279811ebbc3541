"""Per-comparison impostor scores of the default pack on lfw-dev: attendance/calibration/*.json.

Every stranger of lfw-dev (1,000 people with one photo) against every enrolled person (826,
their first photo): 826,000 scores. The file keeps the share of them at or above each score
on a grid while at least MIN_COUNT scores are there, and the tail's slope (log10 of the share
per unit of score) fitted where the share is under 1e-3, for rates past the data.

    PYTHONPATH=. .venv/bin/python bench/calibrate.py [--faces ../shared/faces] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
from importlib import metadata
from pathlib import Path

import numpy as np
from lfw_faces import FACES, default_pipeline, embed_rows, read_rows
from numpy.typing import NDArray

STEP = 0.005
MIN_COUNT = 20  # scores at or above a grid point, for its share to be kept
HEAD = 0.2  # the grid starts where at most this share is above: no threshold sits lower
TAIL_FROM = 1e-3  # the tail is fitted from this share down


def survival(
    scores: NDArray[np.float32], step: float = STEP
) -> tuple[list[float], list[float], float]:
    """(grid scores, share at or above each, fitted log10 slope of the tail)."""
    ranked = np.sort(scores.ravel())[::-1]
    total = ranked.size
    grid, shares = [], []
    value = float(np.floor(ranked[-1] / step) * step)
    while True:
        count = int(np.searchsorted(-ranked, -value, side="right"))
        if count < MIN_COUNT:
            break
        if count <= HEAD * total:
            grid.append(round(value, 4))
            shares.append(count / total)
        value += step
    tail = [(s, e) for s, e in zip(grid, shares) if e <= TAIL_FROM]
    slope, _ = np.polyfit([s for s, _ in tail], [np.log10(e) for _, e in tail], 1)
    return grid, shares, float(slope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faces", type=Path, default=FACES)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rows = read_rows(args.faces)
    pipeline = default_pipeline()
    enrolled = [r for r in rows if r.role == "enroll"]
    strangers = [r for r in rows if r.role == "impostor"]
    gallery, probes = embed_rows(pipeline, enrolled), embed_rows(pipeline, strangers)
    scores = probes @ gallery.T
    grid, shares, slope = survival(scores)
    name = pipeline.identity.key.split(":", 1)[0] + "-" + pipeline.identity.variant
    out = args.out or Path("attendance/calibration") / f"{name or 'default'}.json"
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("onnxruntime", "numpy"))
    document = {
        "model_key": pipeline.identity.key,
        "source": (
            f"bench/calibrate.py, {datetime.date.today()}: lfw-dev, {len(strangers)} strangers "
            f"x {len(enrolled)} enrolled; {versions}"
        ),
        "comparisons": int(scores.size),
        "tail_slope": round(slope, 3),
        "scores": grid,
        "exceed": [float(f"{e:.4g}") for e in shares],
    }
    out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    for share in (1e-2, 1e-3, 1e-4, 1e-5):
        at = next((s for s, e in zip(grid, shares) if e <= share), None)
        print(f"share {share:g}: score {at}")
    print(f"tail slope {slope:.2f} per unit; {len(grid)} grid points; wrote {out}")


if __name__ == "__main__":
    main()
