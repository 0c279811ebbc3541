"""The loop most people would write with face_recognition (dlib), from its README."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from bench.walk_video import Box, CheckIn, Judged, WalkVideo, read_photo, shown_at

TOLERANCE = 0.6  # face_recognition's default: a distance at or below it is a match


@dataclass(frozen=True)
class Sighting:
    frame: int
    box: Box  # x, y, w, h as ours
    nearest: str
    distance: float

    @property
    def name(self) -> str | None:
        """The nearest known face, when within the tolerance."""
        return self.nearest if self.distance <= TOLERANCE else None


def their_sightings(
    fr: Any, known: dict[str, NDArray[np.float64]], video: WalkVideo
) -> tuple[list[Sighting], float]:
    """Its README's loop on every frame: HOG locations, encodings, the nearest known face."""
    names = sorted(known)
    encodings = [known[name] for name in names]
    sightings = []
    started = time.perf_counter()
    for index, image in enumerate(video.frames):
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        boxes = fr.face_locations(rgb)  # HOG, upsampled once: its defaults
        for (top, right, bottom, left), encoding in zip(boxes, fr.face_encodings(rgb, boxes)):
            distances = fr.face_distance(encodings, encoding)
            best = int(np.argmin(distances))
            box = (left, top, right - left, bottom - top)
            sightings.append(Sighting(index, box, names[best], distances[best]))
    fps = len(video.frames) / (time.perf_counter() - started)
    return sightings, fps


def their_templates(fr: Any, photos: dict[str, Path]) -> tuple[dict[str, Any], list[str]]:
    """Each person's photo: the largest face HOG finds, encoded; those it finds none in."""
    templates, missed = {}, []
    for name, path in photos.items():
        rgb = cv2.cvtColor(read_photo(path), cv2.COLOR_BGR2RGB)
        boxes = fr.face_locations(rgb)
        if not boxes:
            missed.append(path.name)
            continue
        box = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
        templates[name] = fr.face_encodings(rgb, [box])[0]
    return templates, missed


def their_check_ins(sightings: list[Sighting], video: WalkVideo, every: int = 1) -> list[CheckIn]:
    """A person is checked in the first time a frame the loop looks at accepts them."""
    done: set[str] = set()
    check_ins = []
    for s in sightings:
        if s.frame % every == 0 and s.name is not None and s.name not in done:
            done.add(s.name)
            check_ins.append(CheckIn(s.frame, shown_at(video, s.frame, s.box), s.name))
    return check_ins


def their_judged(sightings: list[Sighting], video: WalkVideo) -> list[Judged]:
    return [
        Judged(shown_at(video, s.frame, s.box), s.nearest, s.distance, s.name is not None)
        for s in sightings
    ]
