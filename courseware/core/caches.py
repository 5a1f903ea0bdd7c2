"""Bounded, per-app caches: least recently used entries go first.

Each process keeps what it rendered (lesson HTML, page skeletons, parsed content
versions) in ``app.extensions["courseware"].caches``; these caches have a size limit
and drop every entry of a superseded content version when another becomes active.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRU:
    """A thread-safe mapping of at most ``maxsize`` entries, oldest use evicted."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._data:
                return default
            self._data.move_to_end(key)
            return self._data[key]

    def __setitem__(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._data)

    def drop(self, stale: Callable[[Hashable], bool]) -> int:
        """Remove the entries whose key is ``stale``; how many went."""
        with self._lock:
            gone = [key for key in self._data if stale(key)]
            for key in gone:
                del self._data[key]
            return len(gone)
