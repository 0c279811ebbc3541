"""The kiosk's gallery poll in a large room: what one poll costs the server and the kiosk.

A room of N people (3 templates each) on today's meeting, half of them already arrived.
Measures, through the app in-process (FastAPI's TestClient, one request at a time): the
gallery poll unchanged (`304`) and changed (`200`), the manifest's size, the kiosk's side of a
changed manifest (parse and rebuild its gallery, every template already held), and the same
for the arrivals poll (`GET /kiosk/arrivals`).

    PYTHONPATH=. .venv/bin/python -m bench.kiosk_gallery [--people 200,2000] [--polls 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from api.app import create_app
from attendance.orm import AttendanceEvent, FaceTemplate, Meeting, Participant, Person
from attendance.settings import Settings
from kiosk.sync import GallerySync
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline
from wire.kiosk import KioskGalleryRead, TemplatesRead

ADMIN = "bench-admin-token-0123456789abcdef"
ROOM = "Hội trường lớn"


def fill(session: Session, *, people: int, model_key: str, dim: int) -> None:
    rng = np.random.default_rng(0)
    session.execute(
        insert(Person),
        [
            {"id": i, "full_name": f"Người {i}", "search_name": f"nguoi {i}", "unit": "Sở"}
            for i in range(1, people + 1)
        ],
    )
    vectors = rng.standard_normal((people * 3, dim)).astype("<f4")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    session.execute(
        insert(FaceTemplate),
        [
            {
                "person_id": 1 + n // 3,
                "model_key": model_key,
                "dim": dim,
                "embedding": vectors[n].tobytes(),
                "det_score": 0.9,
                "face_px": 120.0,
                "sharpness": 100.0,
                "brightness": 120.0,
                "yaw": 0.0,
                "photo_sha256": f"{n:064d}",
            }
            for n in range(people * 3)
        ],
    )
    now = datetime.now(timezone.utc)
    meeting = Meeting(
        title="Hội nghị",
        room=ROOM,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=3),
    )
    session.add(meeting)
    session.flush()
    session.execute(
        insert(Participant),
        [{"meeting_id": meeting.id, "person_id": i} for i in range(1, people + 1)],
    )
    session.execute(
        insert(AttendanceEvent),
        [
            {
                "meeting_id": meeting.id,
                "person_id": i,
                "kind": "arrived",
                "at": now - timedelta(seconds=i),
                "source": "manual",
                "idempotency_key": f"bench-{i}",
            }
            for i in range(1, people // 2 + 1)
        ],
    )


def median_ms(fn: Callable[[], object], times: int) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


class Answers:
    """The kiosk's view of one manifest: every template already held, as after a change."""

    def __init__(self, body: KioskGalleryRead, templates: TemplatesRead) -> None:
        self.body, self.data = body, templates

    def gallery(self, *, model: str, etag: str | None) -> KioskGalleryRead | None:
        return self.body

    def templates(self, ids: list[int], *, model: str) -> TemplatesRead:
        return self.data


def run(people: int, polls: int, pipeline: FacePipeline, folder: Path) -> None:
    pipeline_key, dim = pipeline.identity.key, pipeline.identity.dim
    settings = Settings(
        db_url=f"sqlite:///{folder / f'{people}.db'}",
        admin_token=ADMIN,
        allowed_hosts=["testserver"],
    )
    app = create_app(settings, pipeline_factory=lambda _s: pipeline, warm_up=False)
    with TestClient(app, headers={"Authorization": f"Bearer {ADMIN}"}) as client:
        token = client.post("/api/v1/kiosk-tokens", json={"name": "cửa", "room": ROOM}).json()
        kiosk = {"Authorization": f"Bearer {token['token']}"}
        engine = create_engine(settings.db_url)
        with Session(engine) as session, session.begin():
            fill(session, people=people, model_key=pipeline_key, dim=dim)
        params = {"model": pipeline_key}
        full = client.get("/api/v1/kiosk/gallery", params=params, headers=kiosk)
        etag = full.headers["etag"]
        full_ms = median_ms(
            lambda: client.get("/api/v1/kiosk/gallery", params=params, headers=kiosk), polls
        )
        unchanged = {**kiosk, "If-None-Match": etag}
        assert (
            client.get("/api/v1/kiosk/gallery", params=params, headers=unchanged).status_code == 304
        )
        poll_ms = median_ms(
            lambda: client.get("/api/v1/kiosk/gallery", params=params, headers=unchanged), polls
        )
        listed = client.get("/api/v1/kiosk/arrivals", headers=kiosk)
        arrivals_ms = median_ms(lambda: client.get("/api/v1/kiosk/arrivals", headers=kiosk), polls)
        same = {**kiosk, "If-None-Match": listed.headers["etag"]}
        assert client.get("/api/v1/kiosk/arrivals", headers=same).status_code == 304
        arrivals_poll_ms = median_ms(
            lambda: client.get("/api/v1/kiosk/arrivals", headers=same), polls
        )
        body = KioskGalleryRead.model_validate_json(full.content)
        ids = [t.id for t in body.templates]
        data = client.post(
            "/api/v1/kiosk/templates", json={"ids": ids, "model": pipeline_key}, headers=kiosk
        )
        templates = TemplatesRead.model_validate_json(data.content)
        answers = Answers(body, templates)
        sync = GallerySync(answers, model_key=pipeline_key, dim=dim)
        sync.sync()  # every template held now

        def changed() -> None:
            answers.body = KioskGalleryRead.model_validate_json(full.content)
            sync.etag = None
            sync.sync()

        kiosk_ms = median_ms(changed, polls)
    print(
        f"| {people} | {people * 3} | {people // 2} | {poll_ms:.1f} | {full_ms:.1f} | "
        f"{len(full.content) / 1024:.0f} | {kiosk_ms:.1f} | {arrivals_poll_ms:.1f} | "
        f"{arrivals_ms:.1f} | {len(listed.content) / 1024:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", default="200,2000")
    parser.add_argument("--polls", type=int, default=20)
    args = parser.parse_args()
    pipeline = load_pipeline(Settings(db_url="sqlite://"))
    print(
        "| people | templates | present | gallery 304 ms | gallery 200 ms | gallery KiB | "
        "kiosk rebuild ms | arrivals 304 ms | arrivals 200 ms | arrivals KiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for people in (int(n) for n in args.people.split(",")):
            run(people, args.polls, pipeline, Path(folder))


if __name__ == "__main__":
    main()
