"""The batch hook's inline union-find (`_components`) finds the sets `UnionFind` finds."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from scamlink.linking.incremental import UnionFind, _components

edges = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=120)


def _sets(groups: dict[object, list[int]]) -> set[frozenset[int]]:
    return {frozenset(members) for members in groups.values()}


@given(edges, st.lists(st.integers(0, 80), max_size=20))
def test_the_same_sets_as_union_find(pairs: list[tuple[int, int]], lonely: list[int]) -> None:
    reference = UnionFind()
    for a, b in pairs:
        reference.union(a, b)
    find = _components(pairs)
    nodes = {n for pair in pairs for n in pair} | set(lonely)
    ours: dict[object, list[int]] = defaultdict(list)
    theirs: dict[object, list[int]] = defaultdict(list)
    for node in sorted(nodes):
        ours[find(node)].append(node)
        theirs[reference.find(node)].append(node)
    assert _sets(ours) == _sets(theirs)
    for node in set(lonely) - {n for pair in pairs for n in pair}:
        assert find(node) == node  # on no edge: its own set
