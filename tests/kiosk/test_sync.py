"""Gallery sync with a fake server: ETag, only missing templates travel, erasure, model."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from kiosk.sync import GallerySync, ModelMismatch
from wire.kiosk import KioskGalleryRead, TemplatesRead

MODEL = "fake:abc:4"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=4).astype(np.float32)
    return v / np.linalg.norm(v)


class FakeServer:
    def __init__(self) -> None:
        self.templates_of: dict[int, int] = {10: 1, 11: 1, 20: 2}
        self.model = MODEL
        self.fetched: list[list[int]] = []
        self.opens_at = NOW - timedelta(minutes=60)

    @property
    def etag(self) -> str:
        return f"{self.model}:{sorted(self.templates_of.items())}"

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        if etag == self.etag:
            return None
        people = sorted(set(self.templates_of.values()))
        return KioskGalleryRead.model_validate(
            {
                "room": "A",
                "model": self.model,
                "etag": self.etag,
                "meetings": [
                    {
                        "id": 7,
                        "title": "Họp",
                        "starts_at": NOW,
                        "ends_at": NOW + timedelta(hours=2),
                        "late_after_minutes": 15,
                        "person_ids": people,
                        "checkin_opens_at": self.opens_at,
                        "checkin_closes_at": NOW + timedelta(hours=2),
                    }
                ],
                "people": [
                    {"id": p, "full_name": f"P{p}", "title": "Chủ tịch" if p == 1 else None}
                    | {"unit": None}
                    for p in people
                ],
                "templates": [{"id": t, "person_id": p} for t, p in self.templates_of.items()],
            }
        )

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        self.fetched.append(ids)
        return TemplatesRead.model_validate(
            {
                "model": self.model,
                "templates": [
                    {
                        "id": t,
                        "person_id": self.templates_of[t],
                        "dim": 4,
                        "embedding": base64.b64encode(unit(t).tobytes()).decode(),
                    }
                    for t in ids
                ],
            }
        )


def test_only_changes_travel_and_erased_people_are_dropped() -> None:
    server = FakeServer()
    sync = GallerySync(server, model_key=MODEL, dim=4)
    assert sync.sync()
    assert server.fetched == [[10, 11, 20]]
    assert len(sync.current.gallery) == 2  # a row per person: the mean of their templates
    assert not sync.sync()  # same ETag: nothing travels
    assert server.fetched == [[10, 11, 20]]

    del server.templates_of[20]  # person 2 erased
    server.templates_of[30] = 3
    assert sync.sync()
    assert server.fetched[-1] == [30]
    assert sorted(sync.current.gallery.people.tolist()) == [1, 3]
    result = sync.current.gallery.search(unit(20)[None], k=3)
    assert 2 not in result.person_ids


def test_a_merged_persons_templates_follow_them_to_the_person_kept() -> None:
    server = FakeServer()
    sync = GallerySync(server, model_key=MODEL, dim=4)
    assert sync.sync()
    server.templates_of[20] = 1  # person 2 merged into person 1: the same template, moved
    assert sync.sync()
    assert server.fetched == [[10, 11, 20]]  # nothing fetched again
    assert sync.current.gallery.people.tolist() == [1]
    found = sync.current.gallery.search(unit(20)[None], k=1)
    assert found.person_ids.tolist() == [[1]]


def test_open_meetings_follow_the_window_the_server_sent() -> None:
    server = FakeServer()
    sync = GallerySync(server, model_key=MODEL, dim=4)
    sync.sync()
    assert sync.current.open_meetings(NOW - timedelta(minutes=30))
    assert not sync.current.open_meetings(NOW - timedelta(minutes=90))
    assert not sync.current.open_meetings(NOW + timedelta(hours=2))


def test_the_kiosk_applies_no_window_of_its_own() -> None:
    server = FakeServer()
    server.opens_at = NOW - timedelta(minutes=10)  # the server opens check-in 10 min early
    sync = GallerySync(server, model_key=MODEL, dim=4)
    sync.sync()
    assert not sync.current.open_meetings(NOW - timedelta(minutes=30))
    assert sync.current.open_meetings(NOW - timedelta(minutes=5))


def test_templates_of_another_model_are_refused() -> None:
    server = FakeServer()
    server.model = "other:def:4"
    sync = GallerySync(server, model_key=MODEL, dim=4)
    with pytest.raises(ModelMismatch, match="never compared"):
        sync.sync()
    assert len(sync.current.gallery) == 0


def test_titles_and_the_late_threshold_are_kept_for_the_screen() -> None:
    sync = GallerySync(FakeServer(), model_key=MODEL, dim=4)
    sync.sync()
    assert sync.current.titles == {1: "Chủ tịch"}
    assert sync.current.names[2] == "P2"
    assert [m.late_after_minutes for m in sync.current.meetings] == [15]
