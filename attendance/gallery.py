"""In-memory gallery of face templates for one model identity, searched by cosine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

NO_PERSON = -1


@dataclass(frozen=True)
class SearchResult:
    """Top-k people per query: `person_ids[q, j]` scored `scores[q, j]`, best first.

    Missing entries (fewer than k people) have person id -1 and score -inf."""

    person_ids: NDArray[np.int64]
    scores: NDArray[np.float32]


class Gallery:
    """Templates as one contiguous float32 matrix, rows grouped by person.

    A person's score is the best of their templates. Rows are sorted by person so the
    per-person maximum is one `np.maximum.reduceat` over the similarity row.
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
        order = np.argsort(person_ids, kind="stable")
        # float32 on purpose: float16 matmul is ~50x slower on the CPUs we target.
        self.matrix = np.ascontiguousarray(embeddings[order], dtype=np.float32)
        self.row_person = np.asarray(person_ids, dtype=np.int64)[order]
        self.people, self._starts = np.unique(self.row_person, return_index=True)
        self._one_row_each = len(self.people) == len(self.row_person)
        self.version = version
        self._subsets: dict[frozenset[int], Gallery] = {}

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
        sims = queries.astype(np.float32, copy=False) @ self.matrix.T
        if self._one_row_each or not len(self.row_person):
            return sims
        return np.maximum.reduceat(sims, self._starts, axis=1)

    def search(
        self,
        queries: NDArray[np.float32],
        *,
        k: int = 5,
        restrict_to: Iterable[int] | None = None,
    ) -> SearchResult:
        if restrict_to is not None:
            return self.subset(restrict_to).search(queries, k=k)
        queries = np.atleast_2d(queries)
        n_queries, n_people = len(queries), len(self.people)
        out_ids = np.full((n_queries, k), NO_PERSON, dtype=np.int64)
        out_scores = np.full((n_queries, k), -np.inf, dtype=np.float32)
        if n_people == 0 or n_queries == 0:
            return SearchResult(out_ids, out_scores)
        scores = self.person_scores(queries)
        take = min(k, n_people)
        if take < n_people:
            top = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        else:
            top = np.broadcast_to(np.arange(n_people), (n_queries, n_people))
        top_scores = np.take_along_axis(scores, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        out_ids[:, :take] = self.people[top]
        out_scores[:, :take] = np.take_along_axis(top_scores, order, axis=1)
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
