"""The second model's gallery at the kiosk: synced by its own key after the first's, of the
same people, erased from both together, with the server's score statistics when it sends
them; an older server that knows no second model leaves the kiosk as it was."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from second_look_support import SECOND_KEY, TwoModelServer, two_model_sync
from test_sightings import AN, BINH, IDENTITY

from attendance.fusion import ScoreStats
from kiosk.sync import GallerySync
from wire.kiosk import KioskGalleryRead


def test_both_models_templates_are_synced_by_their_own_keys() -> None:
    server = TwoModelServer()
    sync = two_model_sync(server)
    assert sync.sync()
    assert server.asked == [IDENTITY.key, SECOND_KEY]
    second = sync.current.second
    assert second is not None
    assert sync.current.gallery.people.tolist() == [AN, BINH]
    assert second.gallery.people.tolist() == [AN, BINH]
    assert sync.second is not None and sorted(sync.second._templates) == [101, 102]
    assert (second.primary_stats, second.second_stats) == (None, None)  # priors then
    # Nothing changed: both manifests answer "not modified", the snapshot stays.
    kept = sync.current
    assert not sync.sync()
    assert sync.current is kept


def test_a_person_erased_is_gone_from_both_galleries_at_the_next_sync() -> None:
    server = TwoModelServer()
    sync = two_model_sync(server)
    sync.sync()
    server.erase(AN)
    assert sync.sync()
    second = sync.current.second
    assert second is not None
    assert sync.current.gallery.people.tolist() == [BINH]
    assert second.gallery.people.tolist() == [BINH]
    assert np.allclose(second.gallery.matrix, [[0, 1, 0, 0]])


def test_second_templates_of_people_the_first_gallery_lacks_are_not_searched() -> None:
    """The second manifest, read a moment after the first, may already hold someone new: the
    second gallery follows the first's people, and takes them in when the first does."""

    class RacingServer(TwoModelServer):
        def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
            manifest = super().gallery(model=model, etag=etag)
            if model == IDENTITY.key:
                self.people[3] = "Lê Văn Cường"  # enrolled between the two requests
            return manifest

    server = RacingServer()
    sync = two_model_sync(server)
    sync.sync()
    second = sync.current.second
    assert second is not None and sync.second is not None
    assert 103 in sync.second._templates
    assert second.gallery.people.tolist() == [AN, BINH]
    sync.sync()
    second = sync.current.second
    assert second is not None and second.gallery.people.tolist() == [AN, BINH, 3]


def test_the_servers_score_statistics_travel_with_the_manifest() -> None:
    server = TwoModelServer()
    server.score_stats = {
        IDENTITY.key: {"mean": 0.05, "std": 0.08, "pairs": 45_000},
        SECOND_KEY: {"mean": 0.5, "std": 0.06, "pairs": 45_000},
    }
    sync = two_model_sync(server)
    sync.sync()
    second = sync.current.second
    assert second is not None
    assert second.primary_stats == ScoreStats(0.05, 0.08, 45_000)
    assert second.second_stats == ScoreStats(0.5, 0.06, 45_000)


def test_unreadable_score_statistics_fall_back_to_the_priors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = TwoModelServer()
    server.score_stats = {SECOND_KEY: {"mean": 0.5}}
    sync = two_model_sync(server)
    with caplog.at_level(logging.WARNING):
        sync.sync()
    assert sync.current.second is not None and sync.current.second.second_stats is None
    assert "score_stats" in caplog.text


@pytest.mark.parametrize(
    "stats",
    [
        {"mean": 0.5, "std": 0.0, "pairs": 45_000},  # a zero spread would divide by nothing
        {"mean": float("nan"), "std": 0.06, "pairs": 45_000},
        {"mean": 0.5, "std": float("inf"), "pairs": 45_000},
        {"mean": 0.5, "std": 0.06, "pairs": 0},
    ],
)
def test_unusable_score_statistics_fall_back_to_the_priors(stats: dict[str, float]) -> None:
    server = TwoModelServer()
    server.score_stats = {SECOND_KEY: stats}
    sync = two_model_sync(server)
    sync.sync()
    assert sync.current.second is not None and sync.current.second.second_stats is None


def test_a_server_that_answers_with_another_model_leaves_the_first_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class OlderServer(TwoModelServer):
        def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
            return super().gallery(model=IDENTITY.key, etag=etag)  # knows one model only

    sync = two_model_sync(OlderServer())
    with caplog.at_level(logging.WARNING):
        assert sync.sync()
    assert sync.second is None and sync.current.second is None
    assert sync.current.gallery.people.tolist() == [AN, BINH]
    assert "no second opinion" in caplog.text


def test_a_kiosk_with_one_model_syncs_one_gallery() -> None:
    server = TwoModelServer()
    sync = GallerySync(server, model_key=IDENTITY.key, dim=4)
    assert sync.sync()
    assert server.asked == [IDENTITY.key]
    assert sync.current.second is None
