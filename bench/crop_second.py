"""Is a dlib template made from an enrolled face's stored crop as good as one made from the
photo? `attendance templates add-second` makes the missing second-model templates of people
enrolled before dlib was installed from their crops (models/crops.py: CROP_PX square, the
face with margin), so this measures it on lfw-dev before the command is trusted.

For each of the first N people with 2+ photos: their enroll photo's face is embedded by dlib
from the photo (as enrollment does) and from its crop (face found again on the crop); each is
compared (cosine) with dlib's embedding of the same person's next photo (genuine) and with the
next person's enroll photo (impostor).

    PYTHONPATH=$PWD python bench/crop_second.py --people 40
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import cv2
import numpy as np

from attendance.settings import Settings
from bench.lfw_faces import FACES, main_face, read_rows
from models.crops import face_crop_jpeg
from models.images import decode_image
from models.packs import PackOptions, load_pack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--cache-dir", type=Path, default=Path("data/model-cache"))
    args = parser.parse_args()
    models = Settings().models
    options = PackOptions(
        models_dir=models.dir, cache_dir=args.cache_dir, threads=2, second_opinion="on"
    )
    pipeline = load_pack("sface", options)

    def embed(image: np.ndarray) -> np.ndarray | None:
        height, width = image.shape[:2]
        face = main_face(pipeline.detect(image), width, height)
        if face is None:
            return None
        return pipeline.embed_second(image, [face])[0]

    def photo_and_crop(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        image = cv2.imread(str(path))
        height, width = image.shape[:2]
        face = main_face(pipeline.detect(image), width, height)
        if face is None:
            return None
        crop = decode_image(face_crop_jpeg(image, face.box))
        from_crop = embed(crop)
        if from_crop is None:
            return None
        return pipeline.embed_second(image, [face])[0], from_crop

    by_person: dict[str, list[Path]] = {}
    for row in read_rows(FACES):
        if row.role != "impostor":
            by_person.setdefault(row.identity, []).append(row.path)
    people = [name for name, paths in by_person.items() if len(paths) >= 2][: args.people + 1]
    same, genuine_photo, genuine_crop, impostor_photo, impostor_crop = [], [], [], [], []
    missed = 0
    photo_made: list[np.ndarray] = []
    crop_made: list[np.ndarray] = []
    probes: list[np.ndarray] = []
    started = time.perf_counter()
    for name, next_name in itertools.pairwise(people):
        pair = photo_and_crop(by_person[name][0])
        other_photo = embed(cv2.imread(str(by_person[name][1])))
        stranger = embed(cv2.imread(str(by_person[next_name][0])))
        if pair is None or other_photo is None or stranger is None:
            missed += 1
            continue
        from_photo, from_crop = pair
        photo_made.append(from_photo)
        crop_made.append(from_crop)
        probes.append(other_photo)
        same.append(float(from_photo @ from_crop))
        genuine_photo.append(float(from_photo @ other_photo))
        genuine_crop.append(float(from_crop @ other_photo))
        impostor_photo.append(float(from_photo @ stranger))
        impostor_crop.append(float(from_crop @ stranger))
    took = time.perf_counter() - started
    s = np.array(same)
    print(f"{len(same)} people measured, {missed} skipped (a face not found), {took:.0f} s")
    print(
        f"cosine(photo-made, crop-made): mean {s.mean():.4f}, min {s.min():.4f}, "
        f"5th percentile {np.percentile(s, 5):.4f}"
    )
    for label, photo, crop in (
        ("genuine (next photo)", genuine_photo, genuine_crop),
        ("impostor (next person)", impostor_photo, impostor_crop),
    ):
        p, c = np.array(photo), np.array(crop)
        print(
            f"{label}: photo-made mean {p.mean():.4f}, crop-made mean {c.mean():.4f}, "
            f"mean |difference| {np.abs(p - c).mean():.4f}, max {np.abs(p - c).max():.4f}"
        )
    # 1:N: each person's next photo searched among everyone's enrolled templates, photo-made
    # or crop-made: is it still their own that comes first?
    for label, gallery in (("photo-made", photo_made), ("crop-made", crop_made)):
        scores = np.array(probes) @ np.array(gallery).T
        rank1 = np.mean(scores.argmax(axis=1) == np.arange(len(probes)))
        print(f"rank-1 of the next photos against {len(gallery)} {label} templates: {rank1:.3f}")


if __name__ == "__main__":
    main()
