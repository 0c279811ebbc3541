"""In-memory gallery of face templates for one model identity, searched by cosine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

NO_PERSON = -1
# Similarities are computed a block of people at a time, the block about 4 MiB, so that the
# per-person maximum and the top-k scan read it from cache instead of a (queries, people)
# matrix in DRAM (128 MB at 1M templates and 32 queries). 1 MiB was no faster with one BLAS
# thread and slower with two, which pay a fork/join per call.
_BLOCK_BYTES = 1 << 22
# People per pre-filter group. A group whose best score is below the k-th best group maximum
# seen so far cannot hold a top-k person, so only a few groups are ever looked into.
_GROUP = 64


@dataclass(frozen=True)
class SearchResult:
    """Top-k people per query: `person_ids[q, j]` scored `scores[q, j]`, best first.

    Missing entries (fewer than k people) have person id -1 and score -inf. Equal scores are
    ordered by person id."""

    person_ids: NDArray[np.int64]
    scores: NDArray[np.float32]


def person_means(
    embeddings: NDArray[np.float32], person_ids: NDArray[np.int64]
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Each person's templates averaged and L2-normalised (their centroid), and the people.

    What a second and third enrollment photo buy, on lfw-dev people with 4+ photos: FNIR at
    FPIR 1% 0.037 with one photo; with two 0.017 by the best template (max), 0.012 by the
    centroid; with three 0.012 and 0.006 (docs/benchmarks.md, several photos). The centroid
    also gives one row per person, so a search reads less.
    """
    ids = np.asarray(person_ids, dtype=np.int64)
    if len(ids) == 0:
        return np.zeros((0, embeddings.shape[1]), np.float32), ids
    order = np.argsort(ids, kind="stable")
    people, starts = np.unique(ids[order], return_index=True)
    sums = np.add.reduceat(np.asarray(embeddings, np.float64)[order], starts, axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32), people


class Gallery:
    """Templates as one contiguous float32 matrix, laid out in levels.

    Level t holds the (t+1)-th template of every person who has more than t templates, and
    people are ordered by template count, most first, so level t is one row each for a
    prefix of the people. A person's score, the best of their templates, is then an
    elementwise maximum of contiguous blocks: no per-person gather, no `reduceat` (which
    costs ~15 ns a person and, along the people axis of a (people, queries) block, far more).
    `row_person[i]` is the person of `matrix[i]`.
    """

    def __init__(
        self,
        embeddings: NDArray[np.float32],
        person_ids: NDArray[np.int64],
        *,
        version: int = 0,
    ) -> None:
        if embeddings.ndim != 2 or len(embeddings) != len(person_ids):
            raise ValueError("embeddings must be (n, dim) with one person id per row")
        ids = np.asarray(person_ids, dtype=np.int64)
        self.people, person_of_row, counts = np.unique(ids, return_inverse=True, return_counts=True)
        person_of_row = person_of_row.reshape(-1)
        # Position (internal order, most templates first) -> index into `people`.
        self._order = np.argsort(-counts, kind="stable")
        position = np.empty_like(self._order)
        position[self._order] = np.arange(len(self._order))
        by_person = np.argsort(person_of_row, kind="stable")
        first_row = np.cumsum(counts) - counts
        level = np.empty(len(ids), dtype=np.int64)
        level[by_person] = np.arange(len(ids)) - first_row[person_of_row[by_person]]
        rows = np.lexsort((position[person_of_row], level))
        # float32 on purpose: float16 matmul is ~50x slower on the CPUs we target.
        self.matrix = np.ascontiguousarray(embeddings[rows], dtype=np.float32)
        self.row_person = ids[rows]
        self._id_at = self.people[self._order]
        with_more = np.cumsum(np.bincount(counts)[::-1])[::-1][1:]
        self._levels = [
            (int(offset), int(size))
            for offset, size in zip(np.cumsum(with_more) - with_more, with_more)
        ]
        self.version = version
        self._subsets: dict[frozenset[int], Gallery] = {}

    @classmethod
    def of_people(
        cls, embeddings: NDArray[np.float32], person_ids: NDArray[np.int64], *, version: int = 0
    ) -> Gallery:
        """One row per person: the normalised mean of their templates (`person_means`)."""
        means, people = person_means(embeddings, person_ids)
        return cls(means, people, version=version)

    @classmethod
    def empty(cls, dim: int, *, version: int = 0) -> Gallery:
        return cls(np.zeros((0, dim), np.float32), np.zeros((0,), np.int64), version=version)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    def person_scores(self, queries: NDArray[np.float32]) -> NDArray[np.float32]:
        """(q, people) best cosine per person; queries must be L2-normalised."""
        queries = np.atleast_2d(queries).astype(np.float32, copy=False)
        by_position = np.empty((len(self.people), len(queries)), dtype=np.float32)
        self._scores_into(by_position, queries.T, 0, len(self.people))
        scores = np.empty((len(queries), len(self.people)), dtype=np.float32)
        scores[:, self._order] = by_position.T
        return scores

    def search(
        self,
        queries: NDArray[np.float32],
        *,
        k: int = 5,
        restrict_to: Iterable[int] | None = None,
    ) -> SearchResult:
        if restrict_to is not None:
            return self.subset(restrict_to).search(queries, k=k)
        queries = np.atleast_2d(queries).astype(np.float32, copy=False)
        n_queries = len(queries)
        out_ids = np.full((n_queries, k), NO_PERSON, dtype=np.int64)
        out_scores = np.full((n_queries, k), -np.inf, dtype=np.float32)
        if len(self.people) == 0 or n_queries == 0 or k == 0:
            return SearchResult(out_ids, out_scores)
        query, position, score = self._candidates(queries, k)
        person = self._id_at[position]
        ranked = np.lexsort((person, -score, query))
        query, person, score = query[ranked], person[ranked], score[ranked]
        rank = np.arange(len(query)) - np.searchsorted(query, query)
        keep = np.flatnonzero(rank < k)
        at = (query[keep], rank[keep])
        out_ids[at] = person[keep]
        out_scores[at] = score[keep]
        return SearchResult(out_ids, out_scores)

    def subset(self, person_ids: Iterable[int]) -> Gallery:
        """The gallery restricted to some people (a roster); cached, it is asked every frame."""
        key = frozenset(int(p) for p in person_ids)
        cached = self._subsets.get(key)
        if cached is None:
            mask = np.isin(self.row_person, np.fromiter(key, dtype=np.int64, count=len(key)))
            cached = Gallery(self.matrix[mask], self.row_person[mask], version=self.version)
            if len(self._subsets) > 32:
                self._subsets.clear()
            self._subsets[key] = cached
        return cached

    def _scores_into(
        self, out: NDArray[np.float32], queries_t: NDArray[np.float32], start: int, stop: int
    ) -> None:
        """out[: stop - start] = best score of people at positions start..stop, per query."""
        head = out[: stop - start]
        np.matmul(self.matrix[start:stop], queries_t, out=head)
        for offset, size in self._levels[1:]:
            end = min(stop, size)
            if end <= start:
                break
            part = head[: end - start]
            np.maximum(part, self.matrix[offset + start : offset + end] @ queries_t, out=part)

    def _candidates(
        self, queries: NDArray[np.float32], k: int
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float32]]:
        """(query, position, score) for a superset of each query's top k, ties included.

        People are scanned a block at a time. In a block, person j belongs to group
        j % groups; the k-th best group maximum so far is a lower bound on each query's
        k-th best score, so only people at or above it in groups that reach it are kept.
        """
        n_queries, n_people = len(queries), len(self.people)
        block_rows = max(_GROUP, _BLOCK_BYTES // (4 * n_queries) // _GROUP * _GROUP)
        block_rows = min(block_rows, -(-n_people // _GROUP) * _GROUP)
        groups = block_rows // _GROUP
        members = np.arange(_GROUP) * groups
        block = np.empty((block_rows, n_queries), dtype=np.float32)
        best = np.full((k, n_queries), -np.inf, dtype=np.float32)
        found: list[tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float32]]] = []
        queries_t = queries.T
        for start in range(0, n_people, block_rows):
            stop = min(start + block_rows, n_people)
            self._scores_into(block, queries_t, start, stop)
            block[stop - start :] = -np.inf
            group_max = block.reshape(_GROUP, groups, n_queries).max(axis=0)
            pool = np.concatenate((best, group_max))
            pool.partition(groups, axis=0)
            best = pool[groups:]
            bound = best[0]
            group, query = np.nonzero(group_max >= bound)
            rows = group[:, None] + members
            scores = block[rows, query[:, None]]
            hit = scores >= bound[query, None]
            if stop - start < block_rows:
                hit &= rows < stop - start
            pair, member = np.nonzero(hit)
            found.append((query[pair], start + rows[pair, member], scores[pair, member]))
        query_idx, position, score = (np.concatenate(parts) for parts in zip(*found))
        return query_idx, position, score
