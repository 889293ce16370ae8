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
    """At most ``maxsize`` entries; the least recently used goes first.

    ``get_or_make`` computes outside the lock, so a slow value never blocks
    other threads' hits; two threads missing the same key may both compute it,
    and the first stored wins (values are pure functions of their key).
    Values are never ``None``: :meth:`get` returns ``None`` for a miss.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        """Store ``value`` unless the key is already there; return the stored value."""
        with self._lock:
            stored = self._data.setdefault(key, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
            return stored

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        hit = self.get(key)
        return hit if hit is not None else self.put(key, make())

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
