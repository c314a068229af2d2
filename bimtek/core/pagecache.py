"""A small in-process cache of rendered public pages, validated by a version the caller reads cheaply.

Public event pages are the same for every anonymous visitor in one language; they change only when the
event, its agenda or its seat counts change. The caller reads that version with one indexed query and
the cache answers without rendering when it matches, so a WhatsApp link shared with 400 people costs a
query per visit, not a template render. A caller may also accept a page confirmed in the last second or
two without asking the database at all (`recent`), trading that much staleness of "seats left" for speed.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class VersionedCache:
    """LRU of key -> (version, value, confirmed at)."""

    def __init__(self, max_entries: int = 512):
        self.max_entries = max_entries
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def recent(self, key: Hashable, max_age: float):
        """The cached value if it was built or confirmed within max_age seconds, else None."""
        with self._lock:
            hit = self._data.get(key)
        if hit is not None and time.monotonic() - hit[2] <= max_age:
            return hit[1]
        return None

    def get_or_build(self, key: Hashable, version: Hashable, build: Callable[[], object]):
        """The cached value when its version matches, else build, store and return it."""
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == version:
                self._data[key] = (version, hit[1], time.monotonic())
                self._data.move_to_end(key)
                return hit[1]
        value = build()
        with self._lock:
            self._data[key] = (version, value, time.monotonic())
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
