"""Which box dlib's shape predictor gets (bench/fusion.py): our YuNet box as it is, or that
box moved and squared the way dlib's HOG detector boxes the same face (`fusion.hog_like`;
the predictor was trained on HOG boxes). On a third of the "choose" half's identities (its
photos, ~750, embedded again with the HOG-like box); the YuNet-box embeddings come from
bench/fusion.py's cache, so run that first.

    PYTHONPATH=$PWD nice -n 10 .venv/bin/python bench/fusion_box.py CACHE [--out FILE]
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import fusion as F
import fusion_open_set as D
import numpy as np
from lfw_faces import default_pipeline, main_face, read_rows

from attendance.settings import Settings
from models.dlib_embedder import load_dlib
from models.images import decode_upright
from usecases.decoding import decode_limits


def hog_subset(out: Path) -> tuple[np.ndarray, np.ndarray]:
    """(photo rows, their dlib embeddings with the HOG-like box), cached in `out`."""
    if out.is_file():
        data = np.load(out)
        return data["rows"], data["dlib_hog"]
    rows = read_rows()
    _, choose, _ = F.splits(rows)
    people = sorted({rows[i].identity for i in np.concatenate([choose.enrolled, choose.strangers])})
    keep = set(np.random.default_rng(5).permutation(people)[: len(people) // 3])
    everything = np.concatenate([choose.enrolled, choose.probes, choose.strangers])
    pick = np.asarray([i for i in everything if rows[i].identity in keep])
    pipeline = replace(default_pipeline(), second=load_dlib())
    assert pipeline.second is not None
    limits = decode_limits(Settings())
    embeddings = np.zeros((len(pick), 128), np.float32)
    for n, i in enumerate(pick):
        image = decode_upright(rows[i].path.read_bytes(), limits).pixels
        face = main_face(pipeline.detect(image), image.shape[1], image.shape[0])
        if face is not None:
            embeddings[n] = pipeline.second.embedder.embed(image, [D.hog_like(face)])[0]
    np.savez(out, rows=pick, dlib_hog=embeddings)
    return pick, embeddings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cache", type=Path, help="bench/fusion.py's embeddings (npz)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/fusion-hog-subset.npz"))
    args = parser.parse_args()
    rows = read_rows()
    F.IDENTITY[:] = [r.identity for r in rows]
    cached = np.load(args.cache)
    pick, embeddings = hog_subset(args.out)
    hog = np.zeros_like(cached["dlib_yunet"])
    hog[pick] = embeddings
    emb = F.Embeddings(
        cached["sface"],
        {"yunet": cached["dlib_yunet"], "hog": hog},
        cached["found"],
        cached["sface_ms"],
        cached["dlib_ms"],
    )
    _, choose, _ = F.splits(rows)
    keep = set(pick.tolist())
    subset = F.Split(
        "subset",
        *(
            np.asarray([i for i in part if i in keep])
            for part in (choose.enrolled, choose.probes, choose.strangers)
        ),
    )
    print(f"{len(subset.enrolled)} enrolled, {len(subset.probes)} probes,", end=" ")
    print(f"{len(subset.strangers)} strangers")
    for box in ("yunet", "hog"):
        m = F.models_of(emb, subset, box)
        plain = F.top_k(m.dlib.person_scores(m.queries_dlib))
        alone = [F.open_set(plain, m.truth, m.strangers, t, 0.0) for t in F.TARGETS]
        line = f"{box}: dlib alone rank-1 {alone[0].rank1:.4f} FNIR "
        line += f"{alone[0].fnir:.4f} / {alone[1].fnir:.4f};"
        for weight in (0.5, 0.75):
            fused = F.top_k(F.fused_everyone(m, weight))
            out = [F.open_set(fused, m.truth, m.strangers, t, 0.0) for t in F.TARGETS]
            line += f" fused w{weight:g} rank-1 {out[0].rank1:.4f} FNIR "
            line += f"{out[0].fnir:.4f} / {out[1].fnir:.4f};"
        # How far apart dlib puts a probe's own person and a stranger's most alike (d').
        scores = m.dlib.person_scores(m.queries_dlib)
        own = scores[np.arange(len(m.truth)), m.truth]
        other = scores[len(m.truth) :].max(axis=1)
        spread = np.sqrt((own.var() + other.var()) / 2)
        print(f"{line} d' {(own.mean() - other.mean()) / spread:.3f}")


if __name__ == "__main__":
    main()
