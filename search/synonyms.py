"""Synonyms both engines apply: groups of interchangeable terms (a term may be several words).

Engine-independent so the embedded engine and the Meilisearch settings share one list.
"""

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("js", "javascript"),
    ("ts", "typescript"),
    ("ml", "machine learning"),
    ("ai", "artificial intelligence"),
    ("ux", "user experience"),
    ("ui", "user interface"),
    ("k8s", "kubernetes"),
    ("postgres", "postgresql"),
    ("db", "database"),
    ("seo", "search engine optimization"),
)
