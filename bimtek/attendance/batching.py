"""Helpers for the few bulk operations of attendance (big report imports, evaluating a whole event)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """Suspend the cyclic garbage collector for one bulk operation.

    Reading a big report or a whole event allocates tens of thousands of small objects that all stay alive
    until the end; the collector would rescan them again and again (measured: about half the time).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
