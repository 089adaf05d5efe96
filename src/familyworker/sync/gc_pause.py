"""The cyclic garbage collector paused for the length of a sync pass."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collections inside: a pass makes and drops hundreds of thousands of small
    objects (parsed pages, answers), which set off full collections that walk every object of
    the process - a third of a 40,000-row push's client CPU. Reference counting still frees
    everything at once; only cycles wait, for the first collection after the pass. Nested and
    concurrent passes share one pause; the collector is re-enabled only if it was enabled."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
