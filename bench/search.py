"""1:N search speed: Gallery.search against a memory-read floor and faiss IndexFlatIP."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_info, threadpool_limits

from attendance.gallery import Gallery

try:
    import faiss
except ImportError:  # the `bench` extra is optional; the table then says so
    faiss = None  # type: ignore[assignment]

DIM = 128
K = 5
ENV_KNOBS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
# A probe is an enrolled template plus this much noise per dimension (cosine about 0.9),
# like a new photo of someone enrolled.
PROBE_NOISE = 0.03


@dataclass
class Timing:
    """One measured callable: its thread count and the seconds of every repeat."""

    run: Callable[[], object]
    threads: int
    seconds: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return float(np.median(self.seconds)) * 1e3

    @property
    def p90_ms(self) -> float:
        return float(np.percentile(self.seconds, 90)) * 1e3


def unit_rows(x: NDArray[np.float32]) -> NDArray[np.float32]:
    # einsum, not np.linalg.norm: the norm would allocate a temporary as large as x.
    x /= np.sqrt(np.einsum("ij,ij->i", x, x))[:, None]
    return x


def person_ids(rng: np.random.Generator, n: int, per_person: int) -> NDArray[np.int64]:
    """n template owners, shuffled; per_person 2 means 1, 2 or 3 templates each (mean 2)."""
    if per_person == 1:
        return rng.permutation(n).astype(np.int64)
    counts = rng.integers(1, 2 * per_person, size=n)
    ids = np.repeat(np.arange(n, dtype=np.int64), counts)[:n]
    return rng.permutation(ids)


def measure(timings: list[Timing], repeats: int) -> None:
    """Interleave the callables, so load from other processes hits all of them alike."""
    by_threads: dict[int, list[Timing]] = {}
    for timing in timings:
        by_threads.setdefault(timing.threads, []).append(timing)
    for repeat in range(repeats + 1):
        for threads, group in by_threads.items():
            with threadpool_limits(limits=threads):
                for timing in group:
                    start = time.perf_counter()
                    timing.run()
                    if repeat:  # the first round only warms caches and thread pools
                        timing.seconds.append(time.perf_counter() - start)


def floor_kernels(matrix: NDArray[np.float32], thread_counts: list[int]) -> dict[str, Timing]:
    """Ways to read every byte of `matrix` once with next to no arithmetic; the fastest wins.

    numpy reductions run on one core, so the 2-core figures come from BLAS sgemv (2 flops
    per 4 bytes, far below what a core can do) and from np.max on two halves in two Python
    threads (the reduction releases the GIL). A copy is no floor: it also writes.
    """
    words = matrix.reshape(-1).view(np.uint64)
    halves = np.array_split(matrix, 2)
    pool = ThreadPoolExecutor(2)
    ones = np.ones(matrix.shape[1], dtype=np.float32)
    kernels = {
        "np.max, 1 core": Timing(matrix.max, 1),
        "np.bitwise_or.reduce on uint64, 1 core": Timing(lambda: np.bitwise_or.reduce(words), 1),
        "np.max on halves, 2 Python threads": Timing(
            lambda: list(pool.map(np.max, halves)), max(thread_counts)
        ),
    }
    for t in thread_counts:
        kernels[f"sgemv matrix @ ones, {t} BLAS thread(s)"] = Timing(lambda: matrix @ ones, t)
    return kernels


def blocked_gemm(matrix: NDArray[np.float32], queries: NDArray[np.float32]) -> None:
    """The products alone, in the ~4 MiB blocks Gallery.search uses: the arithmetic floor."""
    rows = max(64, 2**22 // (4 * len(queries)))
    out = np.empty((rows, len(queries)), dtype=np.float32)
    for start in range(0, len(matrix), rows):
        block = matrix[start : start + rows]
        np.matmul(block, queries.T, out=out[: len(block)])


def scratch_mb(run: Callable[[], object]) -> float:
    """Peak bytes numpy allocates during one call (tracemalloc sees numpy's buffers)."""
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process."""
    with open("/proc/self/statm") as statm:
        current = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return current / 2**20, peak_kib / 2**10


def bench_size(n: int, args: argparse.Namespace, rng: np.random.Generator) -> list[str]:
    templates = unit_rows(rng.standard_normal((n, DIM), dtype=np.float32))
    galleries = {p: Gallery(templates, person_ids(rng, n, p)) for p in (1, 2)}
    gallery_mb = (
        sum(a.nbytes for a in vars(galleries[2]).values() if isinstance(a, np.ndarray)) / 2**20
    )
    index = None
    if faiss is not None:
        index = faiss.IndexFlatIP(DIM)
        index.add(templates)
    near = templates[rng.integers(0, n, max(args.batches))]
    probes = {
        b: unit_rows(near[:b] + rng.normal(0, PROBE_NOISE, (b, DIM)).astype(np.float32))
        for b in args.batches
    }
    del templates, near
    matrix = galleries[1].matrix
    floors = floor_kernels(matrix, args.threads)
    cases: dict[tuple[str, int, int, int], Timing] = {}
    for b, q in probes.items():
        for t in args.threads:
            for p, gallery in galleries.items():
                cases["search", p, b, t] = Timing(partial(gallery.search, q, k=K), t)
            cases["gemm", 0, b, t] = Timing(partial(blocked_gemm, matrix, q), t)
            if index is not None:
                cases["faiss", 0, b, t] = Timing(partial(index.search, q, K), t)
    measure([*floors.values(), *cases.values()], args.repeats)

    floor_name = min(floors, key=lambda name: floors[name].median_ms)
    floor = floors[floor_name].median_ms
    gb = matrix.nbytes / 1e9
    mib = matrix.nbytes / 2**20
    current, peak = rss_mb()
    lines = [
        f"\n### {n:,} templates x {DIM} float32 ({mib:.0f} MiB)\n",
        "Read floor candidates, median ms (GB/s):\n",
        *(
            f"- {name}: {t.median_ms:.3f} ({gb / t.median_ms * 1e3:.1f})"
            for name, t in floors.items()
        ),
        f"\nfloor = {floor_name}. Gallery arrays {gallery_mb:.0f} MiB (1-3 per person);",
        f"process RSS {current:.0f} MiB, peak {peak:.0f} MiB (all test copies, faiss included).\n",
        "| per person | batch | BLAS thr | search ms | p90 ms | x floor | GEMM ms | x GEMM "
        "| faiss ms | x faiss | scratch MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p, gallery in galleries.items():
        for b, q in probes.items():
            scratch = scratch_mb(partial(gallery.search, q, k=K))
            for t in args.threads:
                s = cases["search", p, b, t].median_ms
                gemm = cases["gemm", 0, b, t].median_ms
                fa = cases.get(("faiss", 0, b, t))
                fa_cells = f"{fa.median_ms:.3f} | {s / fa.median_ms:.2f}" if fa else "n/a | n/a"
                lines.append(
                    f"| {'1' if p == 1 else '1-3'} | {b} | {t} | {s:.3f} "
                    f"| {cases['search', p, b, t].p90_ms:.3f} | {s / floor:.2f} | {gemm:.3f} "
                    f"| {s / gemm:.2f} | {fa_cells} | {scratch:.1f} |"
                )
    return lines


def header() -> list[str]:
    with open("/proc/cpuinfo") as cpuinfo:
        models = [line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line]
    model = models[0] if models else platform.processor()
    lines = [
        f"date {datetime.datetime.now().isoformat(timespec='seconds')}, host {platform.node()}",
        f"CPU {model}, {os.cpu_count()} logical CPUs, load average {os.getloadavg()}",
        f"numpy {np.__version__}, faiss {faiss.__version__ if faiss else 'not installed'}",
        "env: " + ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in ENV_KNOBS),
    ]
    numpy_dir = os.path.dirname(os.path.dirname(np.__file__))
    for lib in threadpool_info():
        owner = "numpy" if lib["filepath"].startswith(numpy_dir + "/numpy") else "other"
        lines.append(
            f"{owner}: {lib['internal_api']} {lib.get('version')} "
            f"arch={lib.get('architecture', '-')} threading={lib.get('threading_layer', '-')} "
            f"threads={lib['num_threads']} ({os.path.basename(lib['filepath'])})"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="gallery rows, a,b,c")
    parser.add_argument("--batches", default="1,8,32", help="queries per search")
    parser.add_argument("--threads", default="1,2", help="BLAS thread counts to compare")
    parser.add_argument("--repeats", type=int, default=11, help="timed runs of each case")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.batches = [int(b) for b in args.batches.split(",")]
    args.threads = [int(t) for t in args.threads.split(",")]
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    print("\n".join(header()), flush=True)
    if faiss is None:
        print("faiss is not importable: pip install -e '.[bench]' for the faiss columns")
    for n in (int(s) for s in args.sizes.split(",")):
        print("\n".join(bench_size(n, args, rng)), flush=True)
    took = time.perf_counter() - started
    print(f"\nload average at the end {os.getloadavg()}; total {took:.0f} s")


if __name__ == "__main__":
    main()
