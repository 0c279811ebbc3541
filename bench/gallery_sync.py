"""A kiosk's gallery sync for a large room: a full sync from nothing, and one already up to date.

    PYTHONPATH=. .venv/bin/python -m bench.gallery_sync [--people 10000]

The room's meeting holds N people with 3 templates each (random unit vectors, written as
bench/kiosk_gallery.py writes them). The kiosk's own GallerySync and KioskClient talk to the
app in-process (FastAPI's TestClient as the transport): the seconds and the bytes the server
sent for a first sync (manifest, then every template in chunks of 1,000) and for a sync that
finds nothing new (304). Run, not asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.app import create_app
from attendance.db import make_engine, make_session_factory, unit_of_work
from attendance.orm import FaceTemplate
from attendance.settings import Settings
from attendance.template_crypto import TemplateKeys
from bench.kiosk_gallery import ADMIN, ROOM, fill
from kiosk.client import KioskClient
from kiosk.sync import GallerySync
from usecases.pipeline import load_pipeline


class Counted(httpx.BaseTransport):
    """The test client's transport, counting the bytes of every answer's body."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.bytes, self.requests = inner, 0, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        self.bytes += len(body)
        self.requests += 1
        return httpx.Response(response.status_code, headers=response.headers, content=body)


def seal_all(settings: Settings) -> None:
    """fill() writes plain vectors: sealed here as add_template seals them (at rest)."""
    engine = make_engine(settings.db_url)
    keys = TemplateKeys.from_settings(settings)
    with unit_of_work(make_session_factory(engine, template_keys=keys)) as session:
        for template in session.scalars(select(FaceTemplate)):
            vector = np.frombuffer(template.embedding, dtype="<f4")
            template.embedding = keys.seal(
                vector, person_id=template.person_id, template_id=template.id
            )
    engine.dispose()


def run(people: int, folder: Path) -> None:
    pipeline = load_pipeline(Settings(db_url="sqlite://"))
    key, dim = pipeline.identity.key, pipeline.identity.dim
    settings = Settings(
        db_url=f"sqlite:///{folder / 'sync.db'}", admin_token=ADMIN, allowed_hosts=["testserver"]
    )
    app = create_app(settings, pipeline_factory=lambda _s: pipeline, warm_up=False)
    with TestClient(app, headers={"Authorization": f"Bearer {ADMIN}"}) as client:
        made = client.post("/api/v1/kiosk-tokens", json={"name": "cửa", "room": ROOM}).json()
        with Session(create_engine(settings.db_url)) as session, session.begin():
            fill(session, people=people, model_key=key, dim=dim)
        seal_all(settings)
        wire = Counted(client._transport)
        kiosk = KioskClient("http://testserver", made["token"], transport=wire)
        sync = GallerySync(kiosk, model_key=key, dim=dim)
        began = time.perf_counter()
        assert sync.sync()
        full_s, full_bytes, full_requests = time.perf_counter() - began, wire.bytes, wire.requests
        began = time.perf_counter()
        assert not sync.sync()
        same_s = time.perf_counter() - began
        same_bytes, same_requests = wire.bytes - full_bytes, wire.requests - full_requests
        held = len(sync.current.gallery.row_person)
    print(
        f"{people} people, {people * 3} templates ({held} rows in the kiosk's gallery after): "
        f"full sync {full_s:.2f} s, {full_bytes / 1024 / 1024:.1f} MiB in {full_requests} "
        f"requests; up to date {same_s * 1000:.1f} ms, {same_bytes} bytes in {same_requests}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(args.people, Path(folder))


if __name__ == "__main__":
    main()
