"""GalleryCache.stats: the gallery's impostor statistics, taken once per gallery version (an
O(n^2) product on up to 2,000 people must not run on every request)."""

from __future__ import annotations

import numpy as np
import pytest

from attendance import gallery_cache
from attendance.consent_tables import MEETINGS
from attendance.fusion import ScoreStats, impostor_stats
from attendance.gallery import Gallery
from attendance.gallery_cache import GalleryCache


def gallery(version: int, people: int = 4) -> Gallery:
    rows = np.random.default_rng(version).normal(size=(people, 8)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return Gallery.of_people(rows, np.arange(people), version=version)


def test_stats_are_taken_once_per_gallery_version(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[int] = []

    def counted(g: Gallery, *, seed: int = 0) -> ScoreStats | None:
        taken.append(g.version)
        return impostor_stats(g, seed=seed)

    monkeypatch.setattr(gallery_cache, "impostor_stats", counted)
    cache = GalleryCache(model_key="test", dim=8)
    first = gallery(1)
    stats = cache.stats(first, purpose=MEETINGS)
    assert stats == impostor_stats(first)
    assert cache.stats(first, purpose=MEETINGS) == stats
    assert taken == [1]
    # Another purpose is another gallery; a new version is taken again.
    cache.stats(gallery(1, people=3), purpose="school_attendance")
    assert taken == [1, 1]
    newer = gallery(2, people=5)
    assert cache.stats(newer, purpose=MEETINGS) == impostor_stats(newer)
    assert taken == [1, 1, 2]


def test_one_person_has_no_stats() -> None:
    cache = GalleryCache(model_key="test", dim=8)
    assert cache.stats(gallery(1, people=1), purpose=MEETINGS) is None
