"""The one cache (coverage/cache.py): bounded, least recently used, thread-safe."""

from __future__ import annotations

import threading

import pytest

from coverage.cache import LRUCache


def test_keeps_to_its_bound_and_drops_the_least_recently_used() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert len(cache) == 2 and cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3


def test_the_first_value_stored_wins() -> None:
    cache: LRUCache[str, int] = LRUCache(4)
    assert cache.put("k", 1) == 1
    assert cache.put("k", 2) == 1  # a second thread's duplicate is dropped
    assert cache.get_or_make("k", lambda: 3) == 1


def test_get_or_make_calls_make_only_on_a_miss() -> None:
    calls: list[int] = []
    cache: LRUCache[int, int] = LRUCache(4)

    def make() -> int:
        calls.append(1)
        return 7

    assert cache.get_or_make(1, make) == 7 and cache.get_or_make(1, make) == 7
    assert calls == [1]
    cache.clear()
    assert len(cache) == 0 and cache.get(1) is None


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LRUCache(0)


def test_costly_entries_push_out_more() -> None:
    cache: LRUCache[str, list[int]] = LRUCache(10, cost=len)
    cache.put("small", [1, 2])
    cache.put("mid", [1] * 5)
    cache.put("big", [1] * 6)  # 2 + 5 + 6 > 10: the oldest go until it fits
    assert cache.get("small") is None and cache.get("mid") is None and cache.get("big") == [1] * 6
    cache.put("huge", [1] * 50)  # alone over budget: kept (the newest entry always stays)
    assert len(cache) == 1 and cache.get("huge") is not None


def test_simultaneous_misses_make_the_value_once() -> None:
    import time

    cache: LRUCache[str, int] = LRUCache(4)
    calls: list[int] = []
    start = threading.Barrier(6)

    def make() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    def work() -> None:
        start.wait()
        assert cache.get_or_make("story", make) == 42

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]


def test_many_threads_never_break_the_bound_or_mix_values() -> None:
    cache: LRUCache[int, int] = LRUCache(8)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                key = (offset * 7 + i) % 32
                assert cache.get_or_make(key, lambda key=key: key * key) == key * key
                assert len(cache) <= 8
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(cache) == 8
