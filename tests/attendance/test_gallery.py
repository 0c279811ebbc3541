"""Gallery search: best template per person, top-k order, rosters, and a brute-force check."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from attendance.gallery import NO_PERSON, Gallery


def unit(rows: object) -> NDArray[np.float32]:
    x = np.asarray(rows, dtype=np.float64)
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def random_unit(rng: np.random.Generator, n: int, dim: int) -> NDArray[np.float32]:
    return unit(rng.standard_normal((n, dim)))


def brute_force(
    templates: NDArray[np.float32], owners: NDArray[np.int64], queries: NDArray[np.float32], k: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Top-k people per query by the best float64 cosine over their templates, ties by id."""
    by_owner = np.argsort(owners, kind="stable")
    people, first = np.unique(owners[by_owner], return_index=True)
    sims = queries.astype(np.float64) @ templates[by_owner].T.astype(np.float64)
    best = np.maximum.reduceat(sims, first, axis=1)
    kth = np.partition(best, -k, axis=1)[:, -k] if k < len(people) else np.full(len(best), -np.inf)
    ids = np.full((len(queries), k), NO_PERSON, dtype=np.int64)
    scores = np.full((len(queries), k), -np.inf)
    for q, row in enumerate(best):
        near_top = np.flatnonzero(row >= kth[q])
        # Stable, and people are sorted: equal scores come out by person id.
        order = near_top[np.argsort(-row[near_top], kind="stable")][:k]
        ids[q, : len(order)] = people[order]
        scores[q, : len(order)] = row[order]
    return ids, scores


def test_person_scores_as_their_best_template() -> None:
    templates = unit([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]])
    gallery = Gallery(templates, np.array([7, 3, 7, 3]))
    query = unit([[0.2, 0.1, 1.0]])

    result = gallery.search(query, k=2)

    assert result.person_ids.tolist() == [[7, 3]]
    np.testing.assert_allclose(result.scores[0], [query[0, 2], query[0] @ templates[3]], rtol=1e-6)
    np.testing.assert_allclose(
        gallery.person_scores(query)[0], [query[0] @ templates[3], query[0, 2]], rtol=1e-6
    )


def test_results_are_best_first() -> None:
    templates = unit([[1, 0], [0.9, 0.1], [0.5, 0.5], [0.1, 0.9], [0, 1]])
    gallery = Gallery(templates, np.array([10, 20, 30, 40, 50]))

    result = gallery.search(unit([[1, 0], [0, 1]]), k=3)

    assert result.person_ids.tolist() == [[10, 20, 30], [50, 40, 30]]
    assert np.all(np.diff(result.scores, axis=1) <= 0)


def test_equal_scores_are_ordered_by_person_id() -> None:
    gallery = Gallery(unit([[1, 0]] * 4), np.array([9, 2, 5, 4]))

    result = gallery.search(unit([[1, 0]]), k=3)

    assert result.person_ids.tolist() == [[2, 4, 5]]


def test_k_beyond_the_number_of_people_pads_with_no_person() -> None:
    gallery = Gallery(unit([[1, 0], [0, 1], [1, 1]]), np.array([1, 2, 2]))

    result = gallery.search(unit([[1, 0]]), k=4)

    assert result.person_ids.tolist() == [[1, 2, NO_PERSON, NO_PERSON]]
    assert np.isfinite(result.scores[0, :2]).all()
    assert np.isneginf(result.scores[0, 2:]).all()


def test_restrict_to_searches_only_those_people() -> None:
    gallery = Gallery(unit([[1, 0], [0.9, 0.1], [0, 1]]), np.array([1, 2, 3]))

    result = gallery.search(unit([[1, 0]]), k=3, restrict_to=[2, 3])

    assert result.person_ids.tolist() == [[2, 3, NO_PERSON]]
    assert gallery.subset([3, 2]) is gallery.subset({2, 3})


def test_empty_gallery_finds_nobody() -> None:
    gallery = Gallery.empty(4)

    result = gallery.search(unit([[1, 0, 0, 0], [0, 1, 0, 0]]), k=2)

    assert len(gallery) == 0
    assert result.person_ids.tolist() == [[NO_PERSON] * 2] * 2
    assert np.isneginf(result.scores).all()
    assert gallery.person_scores(unit([[1, 0, 0, 0]])).shape == (1, 0)


def test_one_query_may_be_a_vector() -> None:
    gallery = Gallery(unit([[1, 0], [0, 1]]), np.array([1, 2]))

    result = gallery.search(unit([0, 1]), k=1)

    assert result.person_ids.tolist() == [[2]]


def test_rows_keep_their_owner() -> None:
    rng = np.random.default_rng(3)
    templates = random_unit(rng, 50, 8)
    owners = rng.integers(0, 12, size=50)

    gallery = Gallery(templates, owners)

    for row, owner in zip(gallery.matrix, gallery.row_person):
        assert any(np.array_equal(row, t) for t in templates[owners == owner])
    assert gallery.people.tolist() == sorted(set(owners.tolist()))


@pytest.mark.parametrize(
    ("n_templates", "max_per_person", "n_queries", "k"),
    [
        (1, 1, 1, 5),
        (300, 1, 3, 5),
        (300, 4, 7, 10),
        (20_000, 1, 200, 5),  # several blocks of people
        (20_000, 3, 200, 5),
        (40_000, 6, 1, 3),
        (2_000, 3, 2, 5_000),  # k beyond the number of people
    ],
)
def test_search_agrees_with_brute_force(
    n_templates: int, max_per_person: int, n_queries: int, k: int
) -> None:
    rng = np.random.default_rng(n_templates + max_per_person + n_queries)
    templates = random_unit(rng, n_templates, 32)
    counts = rng.integers(1, max_per_person + 1, size=n_templates)
    owners = rng.permutation(np.repeat(np.arange(n_templates) * 7, counts)[:n_templates])
    # Half the queries are near an enrolled template, half are nobody in particular.
    near = templates[rng.integers(0, n_templates, n_queries)] + 0.05 * rng.standard_normal(32)
    queries = np.where(np.arange(n_queries)[:, None] % 2, random_unit(rng, n_queries, 32), near)
    queries = unit(queries)

    result = Gallery(templates, owners).search(queries, k=k)

    want_ids, want_scores = brute_force(templates, owners, queries, k)
    np.testing.assert_array_equal(result.person_ids, want_ids)
    np.testing.assert_allclose(result.scores, want_scores, atol=1e-5)
    assert result.person_ids.dtype == np.int64
    assert result.scores.dtype == np.float32


def test_person_scores_agree_with_search() -> None:
    rng = np.random.default_rng(5)
    templates = random_unit(rng, 500, 16)
    gallery = Gallery(templates, rng.integers(0, 200, size=500))
    queries = random_unit(rng, 4, 16)

    scores = gallery.person_scores(queries)
    result = gallery.search(queries, k=3)

    top = np.take_along_axis(scores, np.searchsorted(gallery.people, result.person_ids), axis=1)
    np.testing.assert_allclose(top, result.scores, rtol=1e-6)
    np.testing.assert_allclose(result.scores[:, 0], scores.max(axis=1), rtol=1e-6)


def test_ties_across_blocks_go_to_the_lowest_ids() -> None:
    rng = np.random.default_rng(11)
    # Small multiples of 1/8: every dot product is exact in float32, whatever the BLAS kernel
    # or summation order, so ties are real ties.
    pool = (rng.integers(-4, 5, size=(40, 16)) / 8).astype(np.float32)
    templates = pool[rng.integers(0, 40, size=20_000)]  # ~500 people share each template
    owners = rng.permutation(20_000).astype(np.int64)
    queries = (rng.integers(-4, 5, size=(200, 16)) / 8).astype(np.float32)

    result = Gallery(templates, owners).search(queries, k=7)

    want_ids, want_scores = brute_force(templates, owners, queries, 7)
    np.testing.assert_array_equal(result.person_ids, want_ids)
    np.testing.assert_array_equal(result.scores, want_scores)
