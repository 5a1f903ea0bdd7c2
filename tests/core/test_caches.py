"""Per-app caches are bounded and forget superseded content versions."""

from __future__ import annotations

import threading

from courseware.core.caches import LRU


def test_the_least_recently_used_entry_goes_first():
    cache = LRU(3)
    for key in "abc":
        cache[key] = key.upper()
    assert cache.get("a") == "A"  # used: now the newest
    cache["d"] = "D"
    assert cache.keys() == ["c", "a", "d"] and "b" not in cache
    assert cache.drop(lambda key: key in "ad") == 2
    assert cache.keys() == ["c"] and len(cache) == 1


def test_many_threads_never_push_it_past_its_size():
    cache = LRU(50)

    def fill(offset: int) -> None:
        for i in range(2000):
            cache[(offset, i)] = i
            cache.get((offset, i // 2))

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50


def test_two_apps_in_one_process_keep_their_own_caches(make_app, publish):
    first, second = make_app(), make_app()
    from courseware.content.runtime import cache

    with first.app_context():
        cache("lessons")["x"] = 1
    with second.app_context():
        assert "x" not in cache("lessons")
