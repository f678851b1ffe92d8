"""Keeping siblings (a course's modules, a module's lessons) numbered 1..n without gaps.

The caller loads the siblings in order under the course lock, rearranges the list here, and the ORM writes
only the positions that changed. A requested position past the end is clamped to the end rather than
refused: "put it last" needs no knowledge of the current count.
"""

import uuid
from typing import Protocol, TypeVar


class Positioned(Protocol):
    id: uuid.UUID
    position: int


Item = TypeVar("Item", bound=Positioned)


def renumber(siblings: list[Item]) -> None:
    for number, item in enumerate(siblings, start=1):
        if item.position != number:
            item.position = number


def place(siblings: list[Item], item: Item, position: int | None) -> None:
    """Inserts ``item`` at the 1-based ``position`` (None or past the end: last) and renumbers."""
    index = len(siblings) if position is None else min(position, len(siblings) + 1) - 1
    siblings.insert(index, item)
    renumber(siblings)


def move(siblings: list[Item], item: Item, position: int) -> bool:
    """Moves ``item`` (one of ``siblings``) to ``position``; True when the order changed."""
    before = list(siblings)
    siblings.remove(item)
    place(siblings, item, position)
    return siblings != before


def order(siblings: list[Item]) -> list[uuid.UUID]:
    return [item.id for item in siblings]
