"""The one cache: bounded, least recently used, safe to share between threads.

Streamlit runs each session in its own thread and the CLI builds rings on
several, so every memo in the package (rings, analysis results, views,
projections) is one of these, never a bare dict or a cache keyed by ``id()``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRUCache(Generic[K, V]):
    """Entries whose total ``cost`` stays within ``budget``; the least recently used go first.

    ``cost`` weighs an entry (by default 1 each, so ``budget`` is a count); a
    result for 1,000 sites should weigh more than one for a single site. Values
    are never ``None``: :meth:`get` returns ``None`` for a miss.

    :meth:`get_or_make` computes a missing value once however many threads ask
    for it at the same time (a classroom opening one link together), outside
    the cache's own lock, so a slow value never blocks other keys' hits.
    """

    def __init__(self, budget: int, cost: Callable[[V], int] | None = None) -> None:
        if budget < 1:
            raise ValueError(f"budget must be at least 1, got {budget}")
        self.budget = budget
        self._cost = cost or (lambda value: 1)
        self._data: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()
        self._making: dict[K, threading.Lock] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            self._data.move_to_end(key)
            return entry[0]

    def put(self, key: K, value: V) -> V:
        """Store ``value`` unless the key is already there; return the stored value."""
        cost = max(1, self._cost(value))
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key][0]
            self._data[key] = (value, cost)
            self._total += cost
            while self._total > self.budget and len(self._data) > 1:
                _, (_, dropped) = self._data.popitem(last=False)
                self._total -= dropped
            return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        hit = self.get(key)
        if hit is not None:
            return hit
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one thread makes it; the others wait for it, then hit
            hit = self.get(key)
            if hit is None:
                hit = self.put(key, make())
        with self._lock:
            self._making.pop(key, None)
        return hit

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._total = 0
