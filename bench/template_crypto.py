"""What sealing face templates (AES-256-GCM) costs the gallery load, plain against sealed.

Two SQLite files on disk with the same N templates (2 per person, 128-d as SFace or 512-d as
ArcFace): one as the database held them before migration 0013 (bare float32), one sealed.
Plain: the load as it was (one query, the bytes joined, one `np.frombuffer`, the people's
means). Sealed: `attendance.templates.load_gallery` as it is now (one query, one AESGCM per
key, a decryption per row, the same means). Best of `--repeats` runs each, in one process.

    PYTHONPATH=. .venv/bin/python -m bench.template_crypto [--templates 100000] [--dim 128,512]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from attendance.db import make_engine, make_session_factory
from attendance.gallery import Gallery
from attendance.orm import Base, FaceTemplate, GalleryVersion, Person
from attendance.template_crypto import TemplateKeys, open_many
from attendance.templates import load_gallery

MODEL = "bench-model"


def fill(engine: Engine, vectors: np.ndarray, keys: TemplateKeys | None) -> None:
    """Templates 1..n of people 1..n/2; sealed under `keys` (plain without)."""
    n, dim = vectors.shape
    with Session(engine) as session:
        session.execute(
            insert(Person),
            [
                {"id": p, "full_name": f"Người {p}", "search_name": f"nguoi {p}"}
                for p in range(1, n // 2 + 2)
            ],
        )
        rows = []
        for i in range(n):
            template_id, person_id = i + 1, 1 + i // 2
            blob = (
                keys.seal(vectors[i], person_id=person_id, template_id=template_id)
                if keys is not None
                else vectors[i].tobytes()
            )
            rows.append(
                {
                    "id": template_id,
                    "person_id": person_id,
                    "model_key": MODEL,
                    "dim": dim,
                    "embedding": blob,
                    "det_score": 0.9,
                    "face_px": 120.0,
                    "sharpness": 100.0,
                    "brightness": 120.0,
                    "yaw": 0.0,
                    "photo_sha256": str(template_id),
                }
            )
        session.execute(insert(FaceTemplate), rows)
        session.add(GalleryVersion(model_key=MODEL, version=1))
        session.commit()


def plain_load(session: Session, dim: int) -> Gallery:
    """The load before templates were sealed (attendance/templates.py before 0013)."""
    rows = session.execute(
        select(FaceTemplate.person_id, FaceTemplate.embedding).where(
            FaceTemplate.model_key == MODEL, FaceTemplate.dim == dim
        )
    ).all()
    person_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)
    return Gallery.of_people(matrix, person_ids, version=1)


def best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def measure(folder: Path, templates: int, dim: int, repeats: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((templates, dim)).astype("<f4")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = TemplateKeys(path=folder / f"templates-{dim}.key")
    plain_engine = make_engine(f"sqlite:///{folder / f'plain-{dim}.db'}")
    sealed_engine = make_engine(f"sqlite:///{folder / f'sealed-{dim}.db'}")
    for engine, sealing in ((plain_engine, None), (sealed_engine, keys)):
        Base.metadata.create_all(engine)
        fill(engine, vectors, sealing)
    plain_sessions = make_session_factory(plain_engine, template_keys=keys)
    sealed_sessions = make_session_factory(sealed_engine, template_keys=keys)
    with plain_sessions() as session:
        plain = best(repeats, lambda: plain_load(session, dim))
        reference = plain_load(session, dim)
    with sealed_sessions() as session:
        sealed = best(repeats, lambda: load_gallery(session, model_key=MODEL, dim=dim))
        gallery = load_gallery(session, model_key=MODEL, dim=dim)
        rows = [
            (r[0], r[1], r[2])
            for r in session.execute(
                select(FaceTemplate.id, FaceTemplate.person_id, FaceTemplate.embedding)
            )
        ]
    decrypt = best(repeats, lambda: open_many(keys, rows, dim))
    assert np.array_equal(gallery.people, reference.people)
    assert np.allclose(gallery.matrix, reference.matrix, atol=1e-6)
    for engine in (plain_engine, sealed_engine):
        engine.dispose()
    return {"plain": plain, "sealed": sealed, "decrypt": decrypt}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=100_000)
    parser.add_argument("--dim", default="128,512")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {args.templates} templates")
    print(
        "| dim | plain load (s) | sealed load (s) | ratio | decryption alone (s) | per row (µs) |"
    )
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for dim in (int(d) for d in args.dim.split(",")):
            found = measure(Path(folder), args.templates, dim, args.repeats)
            per_row = 1e6 * found["decrypt"] / args.templates
            print(
                f"| {dim} | {found['plain']:.3f} | {found['sealed']:.3f} | "
                f"{found['sealed'] / found['plain']:.2f}x | {found['decrypt']:.3f} | "
                f"{per_row:.1f} |"
            )


if __name__ == "__main__":
    main()
