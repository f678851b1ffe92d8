"""Building tantivy queries from a ``SearchQuery``. User text never reaches tantivy's query parser: queries
are built from normalised words (term and fuzzy-term queries on their index terms, see
``analysis.term``) and filters from literal terms.

Multi-word policy: every query word must match (AND), each in any searchable field, in any order and at
any distance. A word matches a document word exactly, with typos within its budget (``typos``), and —
the last word while it is being typed — as a prefix, also with typos. A word (or run of up to three words)
with synonyms also matches its synonyms exactly; a synonym of several words matches when all its words
are in one field.

Ranking (relevance): each word scores the best of its matches — a tier for how it matched (exact >
synonym = prefix > typo > prefix with typo) plus the weight of the field it matched in; a document's score
is the sum over the words. The tier dominates the field, as in Meilisearch, whose "typo" rule precedes
"attribute": an exact match in a description ranks above a typo in a title. Exact matches are weighted
per field (title > teacher > category > summary = description > lesson titles); prefix and typo matches
are weighted title > anywhere else (they are looked for in the title and in one all-text field: see
``FUZZY_FIELDS``); for the word being typed, a whole-word typo outside the title counts as a prefix with
typo (one automaton less). Term frequencies play no part. Ties keep tantivy's document order (stable for one index
state).
"""

import tantivy

from search.embedded import schema as S
from search.embedded.analysis import QueryWords, term
from search.embedded.synonyms import alternatives
from search.embedded.typos import MatchKind, typo_budget
from search.query import Facet, PriceFilter, SearchQuery, Sort

Q = tantivy.Query
MUST = tantivy.Occur.Must

# Score of a word by how it matched; field weights (< 100) are added inside a tier.
TIER_SCORE = {MatchKind.EXACT: 400.0, MatchKind.PREFIX: 300.0, MatchKind.TYPO: 200.0, MatchKind.PREFIX_TYPO: 100.0}
SYNONYM_SCORE = TIER_SCORE[MatchKind.PREFIX]


def _exact(schema: tantivy.Schema, field: str, word: str) -> tantivy.Query:
    return Q.term_query(schema, field, term(word), index_option="basic")


# Where typo and prefix matches are looked for (automata): the title, for its weight, and all the text.
FUZZY_FIELDS = {S.TITLE: S.SEARCHABLE[S.TITLE], S.ALL_TEXT: 0}


def word_clauses(schema: tantivy.Schema, word: str, *, prefix: bool) -> list[tantivy.Query]:
    """Every way ``word`` may match, each scored by its tier and field: exact matches in each field (so
    the field weights rank them), typo and prefix matches in the title or anywhere (an automaton per
    field is the costly part of a query; two instead of six halve its time)."""
    budget = typo_budget(word)
    indexed = term(word)
    clauses = [
        Q.const_score_query(_exact(schema, field, word), TIER_SCORE[MatchKind.EXACT] + weight)
        for field, weight in S.SEARCHABLE.items()
    ]
    for field, weight in FUZZY_FIELDS.items():

        def scored(query: tantivy.Query, kind: MatchKind, _weight: int = weight) -> tantivy.Query:
            return Q.const_score_query(query, TIER_SCORE[kind] + _weight)

        if prefix:
            clauses.append(scored(Q.fuzzy_term_query(schema, field, indexed, 0, True, True), MatchKind.PREFIX))
        # While the word is being typed, a typo of the whole word is told apart from a typo of a beginning
        # in the title only: elsewhere the prefix-with-typo automaton below finds it too, one tier lower,
        # and each automaton on the all-text field costs ~0.1 ms a search.
        if budget and (not prefix or field == S.TITLE):
            clauses.append(scored(Q.fuzzy_term_query(schema, field, indexed, budget, True, False), MatchKind.TYPO))
            if prefix:
                clauses.append(
                    scored(Q.fuzzy_term_query(schema, field, indexed, budget, True, True), MatchKind.PREFIX_TYPO)
                )
    return clauses


def synonym_clauses(schema: tantivy.Schema, synonym: tuple[str, ...]) -> list[tantivy.Query]:
    """``synonym``'s words, exactly, all in one field (any field)."""
    out = []
    for field, weight in S.SEARCHABLE.items():
        if len(synonym) == 1:
            query = _exact(schema, field, synonym[0])
        else:
            query = Q.boolean_query([(MUST, _exact(schema, field, w)) for w in synonym])
        out.append(Q.const_score_query(query, SYNONYM_SCORE + weight))
    return out


def text_query(schema: tantivy.Schema, words: QueryWords) -> tantivy.Query | None:
    if not words:
        return None
    if words.impossible:
        return Q.empty_query()
    required = []
    i, n = 0, len(words.words)
    while i < n:
        # the longest run of words starting here that has synonyms (a run of one is the word itself)
        for size in (3, 2, 1):
            run = words.words[i : i + size]
            synonyms = alternatives(run) if len(run) == size else []
            if synonyms or size == 1:
                break
        if size == 1:
            options = word_clauses(schema, run[0], prefix=words.is_prefix(i))
        else:
            together = [
                (MUST, Q.disjunction_max_query(word_clauses(schema, w, prefix=words.is_prefix(i + k))))
                for k, w in enumerate(run)
            ]
            options = [Q.boolean_query(together)]
        for synonym in synonyms:
            options += synonym_clauses(schema, synonym)
        required.append((MUST, Q.disjunction_max_query(options)))
        i += size
    return Q.boolean_query(required)


def _literal_set(schema: tantivy.Schema, field: str, values: frozenset[str]) -> tantivy.Query:
    ordered = sorted(values)
    if len(ordered) == 1:
        return Q.term_query(schema, field, ordered[0], index_option="basic")
    return Q.term_set_query(schema, field, ordered)


def selections(query: SearchQuery) -> dict[Facet, frozenset[str]]:
    """Each facet's selected values (OR within a facet); facets without a selection are absent. Values
    are matched literally, as whole terms."""
    out: dict[Facet, frozenset[str]] = {}
    if query.categories:
        out[Facet.CATEGORY] = frozenset(str(v) for v in query.categories)
    if query.levels:
        out[Facet.LEVEL] = frozenset(str(v) for v in query.levels)
    if query.price:
        out[Facet.PRICE] = frozenset(PriceFilter(p).value for p in query.price)
    return out


def facet_filters(schema: tantivy.Schema, selected: dict[Facet, frozenset[str]]) -> list[tantivy.Query]:
    fields = {Facet.CATEGORY: S.CATEGORY, Facet.LEVEL: S.LEVEL, Facet.PRICE: S.PRICE_KIND}
    return [_literal_set(schema, fields[facet], values) for facet, values in selected.items()]


def other_filters(schema: tantivy.Schema, query: SearchQuery) -> list[tantivy.Query]:
    """Filters that are not facets."""
    if query.min_rating is None:
        return []
    return [Q.range_query(schema, S.RATING, tantivy.FieldType.Float, float(query.min_rating), None)]


def combine(text: tantivy.Query | None, filters: list[tantivy.Query]) -> tantivy.Query:
    """``text`` AND every filter; filters do not score."""
    clauses = [(MUST, text)] if text is not None else []
    clauses += [(MUST, Q.const_score_query(f, 0.0)) for f in filters]
    if not clauses:
        return Q.all_query()
    if len(clauses) == 1 and text is not None:
        return text
    return Q.boolean_query(clauses)


# (fast field, order) per sort; None = by score.
SORT_FIELDS: dict[Sort, tuple[str, tantivy.Order] | None] = {
    Sort.RELEVANCE: None,
    Sort.RATING: (S.K_RATING, tantivy.Order.Desc),
    Sort.POPULAR: (S.K_POPULAR, tantivy.Order.Desc),
    Sort.NEWEST: (S.K_NEWEST, tantivy.Order.Desc),
    Sort.PRICE_ASC: (S.K_PRICE, tantivy.Order.Asc),
    Sort.PRICE_DESC: (S.K_PRICE, tantivy.Order.Desc),
}


def effective_sort(sort: Sort, words: QueryWords) -> Sort:
    """Relevance without words has nothing to rank by: newest first."""
    return Sort.NEWEST if sort is Sort.RELEVANCE and not words else sort
