"""Milliseconds per POST /api/v1/identify with the second opinion off and on, for a photo whose
face is a close call for SFace and for one whose face is clearly known (in-process app,
temporary SQLite, real models, real LFW photos).

    PYTHONPATH=. .venv/bin/python -m bench.second_opinion_server [--repeats 20]

The gallery: Saddam Hussein, Tariq Aziz and the first 38 other people of lfw-dev with a probe
photo (alphabetical), each enrolled from their `enroll` photo with an SFace template and its
dlib companion. The close call: Saddam_Hussein_0010.jpg (SFace 0.372 against his enrolled
face, the threshold for 40 people 0.400); the clear one: Tariq_Aziz_0002.jpg (0.906).
"Off" is the pipeline without its second model (ATTEND_MODELS__SECOND_OPINION=off); "on"
uses the shipped fusion calibration (attendance/calibration/fusion-sface-dlib.json, as the
server does). The cost depends only on whether dlib is asked, which the run prints. Run, not
asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from attendance.db import make_engine, make_session_factory
from attendance.fusion import fusion_rule_for
from attendance.people import create_person
from attendance.settings import ModelSettings, Settings
from attendance.templates import QualityFigures, add_template
from models.packs import FacePipeline
from usecases.pipeline import load_pipeline

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"
CLOSE = "Saddam_Hussein/Saddam_Hussein_0010.jpg"
CLEAR = "Tariq_Aziz/Tariq_Aziz_0002.jpg"
TOKEN = "bench-second-opinion-token-0123456789"


def enrol_photos(people: int) -> list[tuple[str, Path]]:
    roles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with (FACES / "lfw-dev.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            roles[row["identity"]][row["role"]].append(row["path"])
    named = ["Saddam_Hussein", "Tariq_Aziz"]
    others = [n for n in sorted(roles) if roles[n]["probe"] and n not in named]
    chosen = named + others[: people - len(named)]
    return [(n, FACES / "lfw-dev" / roles[n]["enroll"][0]) for n in chosen]


def bgr(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])


def enrol(db_url: str, pipeline: FacePipeline, people: int) -> None:
    """Both templates of each person."""
    assert pipeline.second is not None
    quality = QualityFigures(det_score=0.9, face_px=120, sharpness=100, brightness=120, yaw=0)
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session, session.begin():
        for i, (name, path) in enumerate(enrol_photos(people)):
            image = bgr(path)
            face = max(pipeline.detect(image), key=lambda f: f.area)
            person = create_person(session, full_name=name.replace("_", " "))
            for key, vector in (
                (pipeline.identity.key, pipeline.embed(image, [face])[0]),
                (pipeline.second.identity.key, pipeline.embed_second(image, [face])[0]),
            ):
                add_template(
                    session,
                    person_id=person.id,
                    model_key=key,
                    embedding=vector,
                    quality=quality,
                    photo_sha256=f"{i:064x}",
                )
    engine.dispose()


def serving(pipeline: FacePipeline) -> Callable[[Settings], FacePipeline]:
    return lambda _settings: pipeline


def png(relative: str) -> bytes:
    out = io.BytesIO()
    with Image.open(FACES / "lfw-dev" / relative) as image:
        image.convert("RGB").save(out, "PNG")
    return out.getvalue()


def asked(client: TestClient) -> float:
    text = client.get("/metrics").text
    for line in text.splitlines():
        if line.startswith('attendance_second_opinion_faces_total{asked="yes"}'):
            return float(line.split()[-1])
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--people", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ATTEND_DATA_DIR", folder)
        settings = Settings(
            db_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            admin_token=TOKEN,
            models=ModelSettings(cache_dir=Path(folder) / "cache"),
            allowed_hosts=["testserver"],
        )
        pipeline = load_pipeline(settings)
        if pipeline.second is None:
            raise SystemExit("no second model: pip install -e '.[accurate]'")
        apps = {}
        for mode, used in (("off", replace(pipeline, second=None)), ("on", pipeline)):
            app = create_app(settings, pipeline_factory=serving(used))
            apps[mode] = TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"})
            apps[mode].__enter__()
        shipped = fusion_rule_for(pipeline.identity.key, pipeline.second.identity.key)
        if shipped is None:
            raise SystemExit("no fusion calibration for this pair: run bench/fusion.py --write")
        enrol(settings.db_url, pipeline, args.people)
        print(
            f"rule: {shipped.key} (band -{shipped.band_below:g}/+{shipped.band_above:g}, "
            f"margin +{shipped.margin_band:g}), shipped: {shipped.source}"
        )
        photos = {"close": png(CLOSE), "clear": png(CLEAR)}
        times: dict[tuple[str, str], list[float]] = defaultdict(list)
        for repeat in range(args.repeats + 1):  # the first round warms up, not counted
            for kind, data in photos.items():
                # Alternated: neither mode always runs right after the other's dlib call.
                order = list(apps.items())
                for mode, client in order if repeat % 2 else order[::-1]:
                    before = asked(client)
                    start = time.perf_counter()
                    response = client.post("/api/v1/identify", files={"file": ("p.png", data)})
                    took = (time.perf_counter() - start) * 1000
                    assert response.status_code == 200, response.text
                    if repeat == 0:
                        face = response.json()["faces"][0]
                        print(
                            f"{kind} {mode}: {face['decision']} similarity "
                            f"{face['similarity']:.3f} (threshold {face['threshold']:.3f}), "
                            f"dlib asked: {'yes' if asked(client) > before else 'no'}"
                        )
                    else:
                        times[(kind, mode)].append(took)
        for (kind, mode), values in sorted(times.items()):
            values.sort()
            p90 = values[int(0.9 * (len(values) - 1))]
            print(
                f"identify {kind:5s} second opinion {mode:3s}: median "
                f"{statistics.median(values):.0f} ms, p90 {p90:.0f} ms ({len(values)} requests)"
            )
        for client in apps.values():
            client.__exit__(None, None, None)


if __name__ == "__main__":
    main()
