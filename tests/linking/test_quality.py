"""B-cubed on hand-computed examples (Bagga & Baldwin's own among them) and the edge cases."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scamlink.linking.quality import bcubed

# Bagga & Baldwin (1998), figures 1-3: three true chains of 5, 2 and 5 items.
TRUTH = {**dict.fromkeys(range(1, 6), "A"), 6: "B", 7: "B", **dict.fromkeys(range(8, 13), "C")}


def _labels(predicted: dict[int, str]) -> list[tuple[str, str]]:
    return [(predicted[item], TRUTH[item]) for item in sorted(TRUTH)]


def test_merging_the_small_chain_into_a_large_one_costs_less_than_merging_two_large() -> None:
    # The paper's point: MUC scores both responses alike, B-cubed tells them apart.
    small_merged = {i: "x" if i <= 5 else "y" for i in TRUTH}
    large_merged = {i: "y" if i in (6, 7) else "x" for i in TRUTH}

    small = bcubed(_labels(small_merged))
    large = bcubed(_labels(large_merged))

    # Items 1-5 score 1, items 6-7 score 2/7, items 8-12 score 5/7: (5 + 4/7 + 25/7) / 12.
    assert small.precision == pytest.approx(float(Fraction(16, 21)))  # 0.76 in the paper
    # Items 1-5 and 8-12 score 5/10, items 6-7 score 1: 7 / 12.
    assert large.precision == pytest.approx(float(Fraction(7, 12)))  # 0.58 in the paper
    assert small.recall == large.recall == 1.0
    assert small.f1 == pytest.approx(2 * (16 / 21) / (1 + 16 / 21))


def test_a_split_and_a_merge_at_once() -> None:
    # Truth a = {1, 2, 3}, b = {4, 5}; predicted x = {1, 2}, y = {3, 4, 5}.
    labels = [("x", "a"), ("x", "a"), ("y", "a"), ("y", "b"), ("y", "b")]

    score = bcubed(labels)

    # Precision: 1, 1, 1/3, 2/3, 2/3; recall: 2/3, 2/3, 1/3, 1, 1. Both 11/15.
    assert score.precision == pytest.approx(11 / 15)
    assert score.recall == pytest.approx(11 / 15)
    assert score.f1 == pytest.approx(11 / 15)
    assert (score.items, score.true_clusters, score.predicted_clusters) == (5, 2, 2)
    assert (score.split, score.merged) == (1, 1)
    (merge,) = score.worst_merges
    assert merge.predicted == "y"
    assert merge.size == 3
    assert merge.parts == (("b", 2), ("a", 1))
    # The precision the merge costs, in items: 5 x (1 - 11/15).
    assert merge.precision_loss == pytest.approx(4 / 3)


def test_the_perfect_clustering_scores_one_whatever_the_labels_are_called() -> None:
    score = bcubed((f"p{TRUTH[i]}", TRUTH[i]) for i in TRUTH)

    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert (score.split, score.merged, score.worst_merges) == (0, 0, ())


def test_all_singletons_keep_precision_and_lose_recall_by_cluster_size() -> None:
    score = bcubed((i, TRUTH[i]) for i in TRUTH)

    assert score.precision == 1.0
    # Each item of a cluster of size s recalls 1/s: sum over clusters of s * 1/s = 3 clusters.
    assert score.recall == pytest.approx(3 / 12)
    assert (score.split, score.merged, score.predicted_clusters) == (3, 0, 12)


def test_everything_merged_keeps_recall_and_loses_precision() -> None:
    score = bcubed(("all", TRUTH[i]) for i in TRUTH)

    assert score.recall == 1.0
    # Sum over true clusters of s * s / n, over n items: (25 + 4 + 25) / 144.
    assert score.precision == pytest.approx(54 / 144)
    assert (score.split, score.merged) == (0, 1)
    (merge,) = score.worst_merges
    assert merge.parts == (("A", 5), ("C", 5), ("B", 2))


def test_singleton_truth_against_singleton_prediction_is_perfect() -> None:
    score = bcubed([(1, "a"), (2, "b"), (3, "c")])

    assert (score.precision, score.recall) == (1.0, 1.0)


def test_no_items_gets_the_empty_averages_of_one() -> None:
    score = bcubed([])

    assert (score.items, score.precision, score.recall, score.f1) == (0, 1.0, 1.0, 1.0)


def test_worst_merges_come_in_order_of_precision_lost_and_are_capped() -> None:
    labels = [
        *[("big", "a")] * 6,
        *[("big", "b")] * 6,  # loses 6 items' worth of precision
        *[("small", "c")] * 3,
        ("small", "d"),  # loses 1.5
        *[("mid", "e")] * 4,
        *[("mid", "f")] * 2,  # loses 8/3
        *[("clean", "g")] * 5,
    ]

    score = bcubed(labels, worst=2)

    assert score.merged == 3
    assert [m.predicted for m in score.worst_merges] == ["big", "mid"]
    assert [m.precision_loss for m in score.worst_merges] == pytest.approx([6.0, 8 / 3])
    assert bcubed(labels, worst=0).worst_merges == ()


def test_precision_lost_by_merges_adds_up_to_the_precision_score() -> None:
    labels = [("p", "a"), ("p", "b"), ("q", "b"), ("q", "c"), ("q", "c"), ("r", "d")]

    score = bcubed(labels)

    lost = sum(m.precision_loss for m in score.worst_merges)
    assert score.precision == pytest.approx(1 - lost / score.items)


def _by_definition(labels: list[tuple[int, int]]) -> tuple[float, float]:
    """B-cubed straight from the definition: for each item, look at every other item (O(n²))."""
    n = len(labels)
    precision = recall = 0.0
    for predicted, true in labels:
        same_predicted = [t for p, t in labels if p == predicted]
        same_true = [p for p, t in labels if t == true]
        both = sum(1 for t in same_predicted if t == true)
        precision += both / len(same_predicted)
        recall += both / len(same_true)
    return precision / n, recall / n


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=40))
def test_the_counting_shortcut_agrees_with_the_definition(labels: list[tuple[int, int]]) -> None:
    score = bcubed(labels)
    precision, recall = _by_definition(labels)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    # Swapping the roles of truth and prediction swaps precision and recall.
    swapped = bcubed((t, p) for p, t in labels)
    assert (swapped.precision, swapped.recall) == pytest.approx((recall, precision))
    assert 0.0 < score.f1 <= 1.0
