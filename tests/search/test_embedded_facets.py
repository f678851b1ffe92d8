"""The embedded engine's facet derivation: one pass over the joint distribution, checked against the
definition (a facet counts the cells that satisfy every *other* facet's selection)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from search.embedded.facets import derive
from search.query import Facet

ORDER = (Facet.CATEGORY, Facet.LEVEL, Facet.PRICE)
VALUES = {
    Facet.CATEGORY: ["art", "devops", "music"],
    Facet.LEVEL: ["beginner", "advanced"],
    Facet.PRICE: ["free", "paid"],
}

cells = st.lists(
    st.tuples(
        st.tuples(*(st.sampled_from(VALUES[f]) for f in ORDER)),
        st.integers(1, 50),
        st.floats(0, 100),
        st.floats(100, 200),
    ),
    max_size=12,
    unique_by=lambda cell: cell[0],
)
selections = st.dictionaries(
    st.sampled_from(ORDER), st.frozensets(st.sampled_from(["art", "devops", "beginner", "free", "paid"]), min_size=1)
)


def by_definition(cells, selected, facet):
    def passes(values, ignore):
        return all(values[ORDER.index(f)] in chosen for f, chosen in selected.items() if f is not ignore)

    counts = {}
    for values, count, _, _ in cells:
        if passes(values, facet):
            key = values[ORDER.index(facet)]
            counts[key] = counts.get(key, 0) + count
    return counts


@settings(max_examples=300, deadline=None)
@given(cells=cells, selected=selections, requested=st.lists(st.sampled_from(ORDER), unique=True))
def test_one_pass_counts_what_the_definition_counts(cells, selected, requested):
    facets, price_stats = derive(tuple(cells), selected, requested)
    assert list(facets) == [f.value for f in requested]
    for facet in requested:
        expected = by_definition(cells, selected, facet)
        assert facets[facet.value] == expected
        assert list(facets[facet.value]) == sorted(expected, key=lambda k: (-expected[k], k))  # most first
    matching = [c for c in cells if all(c[0][ORDER.index(f)] in chosen for f, chosen in selected.items())]
    assert price_stats == (
        {"min": min(c[2] for c in matching), "max": max(c[3] for c in matching)} if matching else None
    )
