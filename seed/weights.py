"""A weighted choice whose cumulative weights are computed once.

``random.choices(population, weights=...)`` re-accumulates the weights on every call, which dominated
planning a full seed (1.6 M calls). ``pick`` draws exactly as ``choices(..., cum_weights=...)[0]`` does:
one ``random()`` and a bisection.
"""

from bisect import bisect
from collections.abc import Iterable, Mapping
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    def __init__(self, items: Iterable[T], weights: Iterable[float]) -> None:
        self._items = list(items)
        self._cumulative = list(accumulate(weights))
        if len(self._cumulative) != len(self._items) or not self._items:
            raise ValueError("one weight per item, and at least one item")
        self._total = self._cumulative[-1]

    @classmethod
    def of(cls, table: Mapping[T, float]) -> "Weighted[T]":
        return cls(table.keys(), table.values())

    def pick(self, rng: Random) -> T:
        return self._items[bisect(self._cumulative, rng.random() * self._total, 0, len(self._items) - 1)]
