"""The embedded search engine: tantivy indexes in versioned directories on local disk.

Modules: ``engine`` (``TantivyEngine``: versions, writes, search), ``versions`` (directories and the
atomic ``ACTIVE`` pointer), ``schema`` (fields, document mapping, packed sort keys), ``analysis``
(normalisation, words, index terms), ``typos`` (the typo policy), ``querying`` (tantivy queries: the
multi-word policy and ranking are described there), ``synonyms``, ``facets`` (disjunctive counts from one
aggregation), ``highlight`` (our own highlighter).
"""

from search.embedded.engine import TantivyEngine

__all__ = ["TantivyEngine"]
