"""Where each version of the course index lives in Meilisearch (pure naming; no I/O).

Meilisearch has no index aliases, so the adapter keeps one stable *live* index that every search reads,
and moves whole indexes in and out of it with ``swap-indexes`` (atomic for readers).

Physical indexes, for ``prefix = "courses"``::

    courses                    the live index: the only one searches read
    courses__version           a one-document index naming the version whose data is in ``courses``
    courses__slot7             a parked (not active) version's data
    courses__slot7__version    ... and the name of the version whose data is in ``courses__slot7``

A *version* (``IndexVersion.name``, e.g. ``courses_v7``) is a logical name. ``create_version`` numbers it
past every version and slot that exists and builds it in the slot of the same number
(``courses__slot7``). ``activate`` swaps the live pair with the version's slot pair in ONE
``swap-indexes`` request (several pairs in one request are swapped atomically): the data and the document
naming it always travel together, so the name is right even if the process dies mid-way and no separate
pointer can go stale. After the swap the previously active version sits parked in that slot (until
``drop`` deletes it, or it is activated again: a rollback is just another ``activate``). So a parked
version's slot number need not equal its version number; every lookup reads the ``__version`` documents.
"""

import re

VERSION_DOC_ID = "version"
PLACEHOLDER = ""  # the name held by an empty live index created only so that a first swap has a partner
_SUFFIX = "__version"
_PREFIX_RE = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def validate_prefix(prefix: str) -> str:
    if not _PREFIX_RE.fullmatch(prefix) or "__" in prefix or prefix.endswith("_"):
        raise ValueError(
            f"index_prefix must be 1..80 of [A-Za-z0-9_-], without '__' and not ending in '_' (got {prefix!r})"
        )
    return prefix


def live_uid(prefix: str) -> str:
    return prefix


def id_uid(data_uid: str) -> str:
    """The one-document index naming the version whose data is in ``data_uid``."""
    return data_uid + _SUFFIX


def slot_uid(prefix: str, number: int) -> str:
    return f"{prefix}__slot{number}"


def slot_number(prefix: str, uid: str) -> int | None:
    """The slot number of a slot's data index uid; None for any other uid (the live pair, id indexes,
    another prefix's indexes)."""
    match = re.fullmatch(re.escape(prefix) + r"__slot([0-9]{1,9})", uid)
    return int(match.group(1)) if match else None


def version_name(prefix: str, number: int) -> str:
    return f"{prefix}_v{number}"


def version_number(prefix: str, name: str) -> int | None:
    match = re.fullmatch(re.escape(prefix) + r"_v([0-9]{1,9})", name)
    return int(match.group(1)) if match else None


def version_document(name: str) -> dict[str, str]:
    return {"id": VERSION_DOC_ID, "name": name}


def next_number(prefix: str, slot_uids: list[str], names: list[str]) -> int:
    """One past every slot number and version number in use, so a name is never reused while anything
    that carries it (a slot, or a caller's ``IndexVersion``) may still exist."""
    used = [n for n in (slot_number(prefix, u) for u in slot_uids) if n is not None]
    used += [n for n in (version_number(prefix, name) for name in names) if n is not None]
    return max(used, default=0) + 1
