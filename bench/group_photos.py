"""Small faces in group photos (issue 12): the 640 px pass against full-resolution tiles.

Recall and time per photo on ../shared/faces/groups (counted photos), its PASCAL boxes, and
synthetic 4032x3024 class scenes (30 lfw-dev faces pasted at 40-90 px), before (the plain
`detect`, detector input 640 px) and after (`detect_all`), then tile sizes compared.

    PYTHONPATH=$PWD python bench/group_photos.py
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from models.packs import FacePipeline, PackOptions, load_pack
from models.tiles import TileLayout
from models.types import DetectedFace

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "faces"
sys.path.insert(0, str(REPO / "tests" / "models"))
from class_scenes import class_scene, matched  # noqa: E402

Detect = Callable[[NDArray[np.uint8]], list[DetectedFace]]
IOUS = (0.3, 0.4, 0.5)
SCENE_SEEDS = (12, 13, 14)
DECODE_SIDE = 2560  # ATTEND_LIMITS__MAX_DECODE_SIDE's default
LAYOUTS = (
    TileLayout(640, 128),
    TileLayout(640, 192),
    TileLayout(960, 192),
    TileLayout(1280, 256),
    TileLayout(1920, 256),
)


def read(path: Path) -> NDArray[np.uint8]:
    return np.asarray(cv2.imread(str(path), cv2.IMREAD_COLOR), np.uint8)


def timed(
    detect: Detect, image: NDArray[np.uint8], repeats: int = 3
) -> tuple[list[DetectedFace], float]:
    """The faces and the median seconds of `repeats` runs (after one warm-up)."""
    faces, seconds, _ = timed_cpu(detect, image, repeats)
    return faces, seconds


def timed_cpu(
    detect: Detect, image: NDArray[np.uint8], repeats: int = 3
) -> tuple[list[DetectedFace], float, float]:
    """As `timed`, with the median CPU seconds of this process (all its threads): on a
    machine shared with other work the CPU time moves much less than the wall clock."""
    faces = detect(image)
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        faces = detect(image)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return faces, statistics.median(walls), statistics.median(cpus)


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def groups(ways: dict[str, Detect]) -> None:
    print("\n### groups/ (NNN_K.jpg holds K faces; 017_0 and dogs none)\n")
    print("| photo | size | faces | " + " | ".join(f"{w} found | {w} ms" for w in ways) + " |")
    print("|---|---|---|" + "---|---|" * len(ways))
    totals = {w: [0, 0.0] for w in ways}
    for path in sorted((SHARED / "groups").glob("*.jpg")):
        image = read(path)
        stem = path.stem
        expected = stem.split("_")[1] if stem[:3].isdigit() else ("0" if stem == "dogs" else "?")
        cells = []
        for name, detect in ways.items():
            faces, seconds = timed(detect, image)
            cells += [str(len(faces)), f"{seconds * 1000:.0f}"]
            if expected not in ("?", "0"):
                totals[name][0] += min(len(faces), int(expected))
            totals[name][1] += seconds
        h, w = image.shape[:2]
        print(f"| {path.name} | {w}x{h} | {expected} | " + " | ".join(cells) + " |")
    counted = sum(int(p.stem.split("_")[1]) for p in (SHARED / "groups").glob("[0-9]*.jpg"))
    for name, (found, seconds) in totals.items():
        print(
            f"\n{name}: {found} of {counted} counted faces, {seconds:.2f} s for all photos", end=""
        )
    print()


def pascal(ways: dict[str, Detect]) -> None:
    folder = SHARED / "groups" / "pascal"
    truth = json.loads((folder / "boxes.json").read_text())
    print("\n### groups/pascal (boxes.json; a ground-truth box found when a face overlaps it)\n")
    print("| way | " + " | ".join(f"recall IoU>={t}" for t in IOUS) + " | found | ms / photo |")
    print("|---|" + "---|" * (len(IOUS) + 2))
    for name, detect in ways.items():
        hits = dict.fromkeys(IOUS, 0)
        total = found = 0
        times = []
        for image_name, entry in truth.items():
            faces, seconds = timed(detect, read(folder / image_name))
            times.append(seconds)
            found += len(faces)
            for b in entry["boxes"]:
                box = (b["left"], b["top"], b["width"], b["height"])
                total += 1
                best = max((iou(box, f.box) for f in faces), default=0.0)
                for t in IOUS:
                    hits[t] += best >= t
        cells = " | ".join(f"{hits[t]}/{total}" for t in IOUS)
        print(f"| {name} | {cells} | {found} | {statistics.mean(times) * 1000:.0f} |")


def scenes(ways: dict[str, Detect]) -> None:
    print("\n### Synthetic class scenes: 4032x3024, 30 lfw-dev faces at 40-90 px\n")
    reduced = f"after at {DECODE_SIDE} px"
    heads = [*ways, reduced]
    print("| scene seed | " + " | ".join(f"{w} found / extra | {w} s" for w in heads) + " |")
    print("|---|" + "---|---|" * len(heads))
    for seed in SCENE_SEEDS:
        scene = class_scene(SHARED, count=30, sizes=(40, 90), seed=seed)
        centres, sizes = [f.centre for f in scene.faces], [f.size for f in scene.faces]
        cells = []
        for detect in ways.values():
            faces, seconds = timed(detect, scene.image)
            hits, extra = matched(faces, centres, sizes)
            cells += [f"{hits}/30 / {extra}", f"{seconds:.2f}"]
        # The same photo as the upload decoder hands it on by default (long side 2560).
        f = DECODE_SIDE / max(scene.image.shape[:2])
        small = np.asarray(
            cv2.resize(scene.image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), np.uint8
        )
        faces, seconds = timed(ways["after"], small)
        hits, extra = matched(faces, [(x * f, y * f) for x, y in centres], [z * f for z in sizes])
        cells += [f"{hits}/30 / {extra}", f"{seconds:.2f}"]
        print(f"| {seed} | " + " | ".join(cells) + " |")


def layouts(pipeline: FacePipeline) -> None:
    print("\n### Tile size and overlap (the same scenes; tiles per 4032x3024 photo)\n")
    print("| tile | overlap | tiles | found / extra (90) | s / photo | CPU s / photo |")
    print("|---|---|---|---|---|---|")
    detector = pipeline.detector
    chosen = detector.tiles  # type: ignore[attr-defined]
    from models.tiles import tiles_of

    built = [class_scene(SHARED, count=30, sizes=(40, 90), seed=seed) for seed in SCENE_SEEDS]
    for layout in LAYOUTS:
        detector.tiles = layout  # type: ignore[attr-defined]
        hits = extra = 0
        times, cpus = [], []
        for scene in built:
            faces, seconds, cpu = timed_cpu(pipeline.detect_all, scene.image)
            h, e = matched(faces, [f.centre for f in scene.faces], [f.size for f in scene.faces])
            hits, extra = hits + h, extra + e
            times.append(seconds)
            cpus.append(cpu)
        count = len(tiles_of(4032, 3024, layout))
        mark = " (chosen)" if layout == chosen else ""
        print(
            f"| {layout.size}{mark} | {layout.overlap} | {count} | {hits} / {extra} | "
            f"{statistics.median(times):.2f} | {statistics.median(cpus):.2f} |"
        )
    detector.tiles = chosen  # type: ignore[attr-defined]


def main() -> None:
    if not SHARED.is_dir():
        sys.exit(f"real face photos not found at {SHARED} (see shared/faces/README.md)")
    import insightface
    import onnxruntime

    cache = Path(tempfile.mkdtemp(prefix="group-photos-"))
    pipeline = load_pack("sface", PackOptions(models_dir=cache, cache_dir=cache))
    print(
        f"onnxruntime {onnxruntime.__version__}, insightface {insightface.__version__}, "
        f"OpenCV {cv2.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}; pack sface (YuNet int8bq), detector input 640 px"
    )
    ways: dict[str, Detect] = {"before": pipeline.detect, "after": pipeline.detect_all}
    groups(ways)
    pascal(ways)
    scenes(ways)
    layouts(pipeline)


if __name__ == "__main__":
    main()
