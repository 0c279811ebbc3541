"""lfw-dev for the fusion benchmark (bench/fusion.py): every photo's SFace and dlib
embeddings (cached), the halves of the identities, the open-set searches of each method, the
fused calibration and the cascade as the product runs them."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from calibrate import survival
from lfw_faces import Row, main_face
from numpy.typing import NDArray

from attendance.fusion import (
    FusionRule,
    ScoreStats,
    SecondOpinion,
    fused_scores,
    impostor_stats,
    with_second_opinion,
)
from attendance.gallery import Gallery, SearchResult
from attendance.matching import Decision, MatchPolicy, decide
from attendance.settings import Settings
from attendance.thresholds import ImpostorScores, ThresholdRule, calibration_for
from models.images import decode_upright
from models.packs import FacePipeline
from models.types import DetectedFace
from usecases.decoding import decode_limits

BOXES = ("yunet", "hog")
boxes = list(BOXES)  # the boxes computed (--boxes)
K = 5  # candidates per search, as identify asks
OUT = Path("attendance/calibration/fusion-sface-dlib.json")


def hog_like(face: DetectedFace) -> DetectedFace:
    """The box dlib's HOG detector draws around the same face: on 298 lfw-dev faces its
    centre was 0.04 of our box's height lower, and it was square, 0.85 of our height."""
    x, y, w, h = face.box
    side = 0.85 * h
    cx, cy = x + w / 2, y + h / 2 + 0.04 * h
    return replace(face, box=(cx - side / 2, cy - side / 2, side, side))


@dataclass
class Embeddings:
    sface: NDArray[np.float32]  # (photos, 128); zeros where no face was found
    dlib: dict[str, NDArray[np.float32]]  # box kind -> (photos, 128)
    found: NDArray[np.bool_]
    sface_ms: NDArray[np.float64]  # decode + detect + SFace embedding of each photo
    dlib_ms: NDArray[np.float64]  # one dlib embedding (the "yunet" box)


def embed_all(pipeline: FacePipeline, rows: list[Row], cache: Path) -> Embeddings:
    """Every photo's subject face by both models (from the cache when it has them)."""
    if pipeline.second is None:
        raise SystemExit("dlib is not installed: pip install -e '.[accurate]'")
    if cache.is_file():
        data = np.load(cache)
        return Embeddings(
            data["sface"],
            {b: data[f"dlib_{b}"] for b in boxes if f"dlib_{b}" in data},
            data["found"],
            data["sface_ms"],
            data["dlib_ms"],
        )
    n = len(rows)
    sface = np.zeros((n, pipeline.embedder.dim), np.float32)
    dlib = {b: np.zeros((n, 128), np.float32) for b in boxes}
    found = np.zeros(n, bool)
    sface_ms, dlib_ms = np.zeros(n), np.zeros(n)
    limits = decode_limits(Settings())
    for i, row in enumerate(rows):
        started = time.perf_counter()
        image = decode_upright(row.path.read_bytes(), limits).pixels
        height, width = image.shape[:2]
        face = main_face(pipeline.detect(image), width, height)
        if face is not None:
            sface[i] = pipeline.embed(image, [face])[0]
        sface_ms[i] = 1000 * (time.perf_counter() - started)
        if face is None:
            continue
        found[i] = True
        started = time.perf_counter()
        dlib["yunet"][i] = pipeline.second.embedder.embed(image, [face])[0]
        dlib_ms[i] = 1000 * (time.perf_counter() - started)
        if "hog" in dlib:
            dlib["hog"][i] = pipeline.second.embedder.embed(image, [hog_like(face)])[0]
        if i % 250 == 0:
            print(f"  {i}/{n} photos", flush=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {f"dlib_{b}": dlib[b] for b in boxes}
    np.savez(cache, sface=sface, found=found, sface_ms=sface_ms, dlib_ms=dlib_ms, **arrays)
    return Embeddings(sface, dlib, found, sface_ms, dlib_ms)


@dataclass(frozen=True)
class Split:
    """Indices (into the photo rows) of one open-set protocol: the enrolled photo of each
    person, their probes and the strangers."""

    name: str
    enrolled: NDArray[np.int64]
    probes: NDArray[np.int64]
    strangers: NDArray[np.int64]


def splits(rows: list[Row], seed: int = 15) -> list[Split]:
    """All of lfw-dev, and its identities (and strangers) cut in two halves at random:
    "choose" (where the weight, box and band are chosen) and "held out"."""
    people = sorted({r.identity for r in rows if r.role != "impostor"})
    strangers = sorted({r.identity for r in rows if r.role == "impostor"})
    rng = np.random.default_rng(seed)
    half = set(rng.permutation(people)[: len(people) // 2]) | set(
        rng.permutation(strangers)[: len(strangers) // 2]
    )
    out = []
    for name, keep in (
        ("all", lambda r: True),
        ("choose", lambda r: r.identity in half),
        ("held out", lambda r: r.identity not in half),
    ):
        pick = [i for i, r in enumerate(rows) if keep(r)]
        out.append(
            Split(
                name,
                *(np.asarray([i for i in pick if rows[i].role == role]) for role in ROLES),
            )
        )
    return out


ROLES = ("enroll", "probe", "impostor")


@dataclass(frozen=True)
class Outcome:
    rank1: float
    fnir: float
    fpir: float  # measured at the threshold (at most the target)
    threshold: float


def open_set(
    result: SearchResult, truth: NDArray[np.int64], strangers: int, target: float, margin: float
) -> Outcome:
    """FNIR at the highest-accepting threshold whose FPIR is at most `target`; the first
    `len(truth)` rows are probes (their person in `truth`), the last `strangers` rows are
    strangers. A face is accepted when its best score reaches the threshold and leads the
    runner-up by `margin` (as `decide` judges one face; checked against it in `check`)."""
    best = result.scores[:, 0].astype(np.float64)
    second = np.where(np.isfinite(result.scores[:, 1]), result.scores[:, 1], -np.inf)
    leads = (best - second) >= margin
    probe = slice(0, len(truth))
    stranger_best = np.sort(best[len(truth) :][leads[len(truth) :]])[::-1]
    allowed = int(np.floor(target * strangers + 1e-9))
    threshold = (
        float(np.nextafter(stranger_best[allowed], np.inf))
        if len(stranger_best) > allowed
        else -np.inf
    )
    right = result.person_ids[probe, 0] == truth
    hits = right & (best[probe] >= threshold) & leads[probe]
    accepted = int(((best[len(truth) :] >= threshold) & leads[len(truth) :]).sum())
    return Outcome(
        rank1=float(right.mean()),
        fnir=1.0 - float(hits.mean()),
        fpir=accepted / strangers,
        threshold=threshold,
    )


def check(result: SearchResult, outcome: Outcome, truth: NDArray[np.int64], margin: float) -> None:
    """`open_set`'s count of hits, recounted with the product's `decide` face by face."""
    policy = MatchPolicy(threshold=outcome.threshold, margin=margin)
    hits = 0
    for row, person in enumerate(truth):
        one = SearchResult(result.person_ids[row : row + 1], result.scores[row : row + 1])
        decision = decide(one, policy)[0]
        hits += decision.decision is Decision.MATCH and decision.person_id == person
    expected = round((1.0 - outcome.fnir) * len(truth))
    if hits != expected:
        raise AssertionError(f"decide accepted {hits} probes, open_set {expected}")


@dataclass
class Models:
    """Both models' embeddings of one split's photos, and their galleries."""

    sface: Gallery
    dlib: Gallery
    queries_sface: NDArray[np.float32]
    queries_dlib: NDArray[np.float32]
    truth: NDArray[np.int64]
    strangers: int
    primary_stats: ScoreStats
    second_stats: ScoreStats


def models_of(emb: Embeddings, split: Split, box: str) -> Models:
    ids = np.arange(len(split.enrolled), dtype=np.int64)
    person_of = {int(i): n for n, i in enumerate(split.enrolled)}
    identity = IDENTITY
    own = {identity[i]: person_of[int(i)] for i in split.enrolled}
    queries = np.concatenate([split.probes, split.strangers])
    sface = Gallery(emb.sface[split.enrolled], ids)
    dlib = Gallery(emb.dlib[box][split.enrolled], ids)
    primary, second = impostor_stats(sface), impostor_stats(dlib)
    assert primary is not None and second is not None
    return Models(
        sface=sface,
        dlib=dlib,
        queries_sface=emb.sface[queries],
        queries_dlib=emb.dlib[box][queries],
        truth=np.asarray([own[identity[int(i)]] for i in split.probes], dtype=np.int64),
        strangers=len(split.strangers),
        primary_stats=primary,
        second_stats=second,
    )


IDENTITY: list[str] = []  # identity of each photo row, set by main


def fused_everyone(m: Models, weight: float) -> NDArray[np.float32]:
    """(queries, people) fused z-scores against everyone (not just SFace's top K)."""
    return fused_scores(
        m.sface.person_scores(m.queries_sface),
        m.dlib.person_scores(m.queries_dlib),
        primary_stats=m.primary_stats,
        second_stats=m.second_stats,
        weight=weight,
    )


def top_k(scores: NDArray[np.float32], k: int = K) -> SearchResult:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return SearchResult(order.astype(np.int64), np.take_along_axis(scores, order, axis=1))


def strangers_fused(
    emb: Embeddings, split: Split, box: str, rule: FusionRule
) -> NDArray[np.float32]:
    """Fused z-scores of the split's strangers (rows) against its enrolled people, each model
    z-normalised by the rule's priors."""
    return fused_scores(
        emb.sface[split.strangers] @ emb.sface[split.enrolled].T,
        emb.dlib[box][split.strangers] @ emb.dlib[box][split.enrolled].T,
        primary_stats=rule.primary_prior,
        second_stats=rule.second_prior,
        weight=rule.weight,
    )


def fused_calibration(emb: Embeddings, split: Split, box: str, rule: FusionRule) -> ImpostorScores:
    """Per-comparison fused z-scores of the split's strangers against its enrolled people,
    each model z-normalised by the rule's priors (lfw-dev's gallery statistics)."""
    fused = strangers_fused(emb, split, box, rule)
    grid, shares, slope = survival(fused, step=Z_STEP)
    return ImpostorScores(
        model_key=rule.key,
        scores=tuple(grid),
        exceed=tuple(float(f"{e:.4g}") for e in shares),
        tail_slope=round(slope, 3),
        comparisons=int(fused.size),
        source=f"bench/fusion.py, {datetime.date.today()}: lfw-dev, {len(split.strangers)} "
        f"strangers x {len(split.enrolled)} enrolled, fused z-scores",
    )


Z_STEP = 0.05  # grid step of the fused calibration, in z units (~0.005 of an SFace cosine)


def rule_for(
    emb: Embeddings, everyone: Split, box: str, weight: float, band: tuple[float, float, float]
) -> FusionRule:
    sface = Gallery(emb.sface[everyone.enrolled], np.arange(len(everyone.enrolled)))
    dlib = Gallery(emb.dlib[box][everyone.enrolled], np.arange(len(everyone.enrolled)))
    primary, second = impostor_stats(sface), impostor_stats(dlib)
    assert primary is not None and second is not None
    placeholder = ImpostorScores("", (0.0,), (1.0,), -1.0, 0)
    rule = FusionRule(
        primary_key=PRIMARY_KEY[0],
        second_key=SECOND_KEY[0],
        weight=weight,
        primary_prior=primary,
        second_prior=second,
        fused=placeholder,
        band_below=band[0],
        band_above=band[1],
        margin_band=band[2],
    )
    return replace(rule, fused=fused_calibration(emb, everyone, box, rule))


PRIMARY_KEY: list[str] = []
SECOND_KEY: list[str] = []


def sface_threshold(target: float, people: int) -> float:
    calibration = calibration_for(PRIMARY_KEY[0])
    return ThresholdRule(fpir=target, calibration=calibration).for_size(people)


def cascade(
    m: Models, rule: FusionRule, *, target: float, margin: float, every: bool = False
) -> tuple[SearchResult, float]:
    """SFace's search, then the product's `with_second_opinion` on the close calls (on every
    face with `every`), the threshold being the one the product would use for a search of
    the whole gallery at `target`; and the share of faces asked."""
    if every:
        rule = replace(rule, band_below=99.0, band_above=99.0)
    result = m.sface.search(m.queries_sface, k=K)
    counts: list[tuple[int, int]] = []
    second = SecondOpinion(
        rule=rule,
        gallery=m.dlib,
        embed=lambda rows: m.queries_dlib[rows],
        primary_stats=m.primary_stats,
        second_stats=m.second_stats,
        counted=lambda asked, faces: counts.append((asked, faces)),
        max_asked=len(m.queries_sface),  # each query is a photo of its own
    )
    threshold = sface_threshold(target, len(m.sface.people))
    fused = with_second_opinion(
        result, thresholds=[threshold] * len(m.queries_sface), policy_margin=margin, second=second
    )
    return fused, counts[0][0] / counts[0][1]
