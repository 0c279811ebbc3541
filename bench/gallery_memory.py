"""Memory a gallery of N people takes: in a server worker's gallery cache, and on a kiosk.

N people x 2 sealed templates (128-d float32, as the embedded SFace) in an SQLite file, filled
once by this process. Then each side in a fresh child process, so nothing of the filling
stays in its memory:
- worker: RSS after the imports and the database opened, then after `GalleryCache.get` (the
  cache each API worker keeps; sealed rows read, decrypted, laid out as `Gallery`), and the
  peak of the whole process (VmHWM), which the load's temporary copies set;
- kiosk: the same templates as `kiosk.sync.GallerySync` holds them (a dict of template id ->
  (person, vector)) plus the `Gallery` built from them.
The raw floor is N x 2 x dim x 4 bytes.

    PYTHONPATH=. .venv/bin/python -m bench.gallery_memory [--people 50000] [--dim 128]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

MODEL = "bench-model"
TEMPLATES_PER_PERSON = 2  # bench.template_crypto.fill: templates 2p-1 and 2p are person p's


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


def rss_mib() -> float:
    """Resident memory now, MiB."""
    return _status_mib("VmRSS")


def peak_mib() -> float:
    """The process's highest resident memory, MiB (VmHWM: getrusage's ru_maxrss would keep
    the parent's peak across fork and exec)."""
    return _status_mib("VmHWM")


def vectors_of(people: int, dim: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((people * TEMPLATES_PER_PERSON, dim)).astype("<f4")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def worker_side(db: Path, key: Path, dim: int) -> dict[str, float]:
    from attendance.db import make_engine, make_session_factory
    from attendance.gallery_cache import GalleryCache
    from attendance.template_crypto import TemplateKeys

    keys = TemplateKeys(path=key)
    sessions = make_session_factory(make_engine(f"sqlite:///{db}"), template_keys=keys)
    gc.collect()
    before = rss_mib()
    cache = GalleryCache(model_key=MODEL, dim=dim)
    with sessions() as session:
        gallery = cache.get(session)
    gc.collect()
    return {
        "before": before,
        "after": rss_mib(),
        "peak": peak_mib(),
        "arrays": (gallery.matrix.nbytes + gallery.row_person.nbytes) / 2**20,
        "rows": len(gallery.matrix),
    }


def kiosk_side(people: int, dim: int) -> dict[str, float]:
    from attendance.gallery import Gallery

    gc.collect()
    before = rss_mib()
    vectors = vectors_of(people, dim)  # as fetched; freed below, as the kiosk's answers are
    held = {i + 1: (1 + i // 2, vectors[i].copy()) for i in range(len(vectors))}
    del vectors
    ids = np.fromiter((person for person, _ in held.values()), dtype=np.int64)
    gallery = Gallery(np.stack([v for _, v in held.values()]), ids)
    gc.collect()
    return {
        "before": before,
        "after": rss_mib(),
        "peak": peak_mib(),
        "arrays": (gallery.matrix.nbytes + gallery.row_person.nbytes) / 2**20,
        "rows": len(gallery.matrix),
    }


def child(args: list[str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.gallery_memory", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--side", choices=["worker", "kiosk"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--key", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.side == "worker":
        print(json.dumps(worker_side(options.db, options.key, options.dim)))
        return
    if options.side == "kiosk":
        print(json.dumps(kiosk_side(options.people, options.dim)))
        return

    from attendance.db import make_engine
    from attendance.orm import Base
    from attendance.template_crypto import TemplateKeys
    from bench.template_crypto import fill

    people, dim = options.people, options.dim
    floor = people * TEMPLATES_PER_PERSON * dim * 4 / 2**20
    with tempfile.TemporaryDirectory() as folder:
        db, key = Path(folder) / "gallery.db", Path(folder) / "templates.key"
        engine = make_engine(f"sqlite:///{db}")
        Base.metadata.create_all(engine)
        fill(engine, vectors_of(people, dim), TemplateKeys(path=key))
        engine.dispose()
        sides = {
            "worker (GalleryCache)": child(
                ["--side", "worker", "--db", str(db), "--key", str(key), "--dim", str(dim)]
            ),
            "kiosk (GallerySync)": child(
                ["--side", "kiosk", "--people", str(people), "--dim", str(dim)]
            ),
        }
    print(
        f"{people:,} people x {TEMPLATES_PER_PERSON} templates x {dim} float32: "
        f"floor {floor:.1f} MiB"
    )
    print("| side | rows | arrays MiB | RSS before MiB | RSS after MiB | held MiB | peak MiB |")
    print("|---|---|---|---|---|---|---|")
    for name, found in sides.items():
        print(
            f"| {name} | {int(found['rows']):,} | {found['arrays']:.1f} | {found['before']:.0f} | "
            f"{found['after']:.0f} | {found['after'] - found['before']:.0f} | {found['peak']:.0f} |"
        )


if __name__ == "__main__":
    main()
