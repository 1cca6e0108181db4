"""Python's cycle collector paused around work that builds hundreds of thousands of objects which
live until it ends (a full recompute, a PDF layout): the collector's passes over them cost a
fifth of the time, and what is left in cycles waits for its next pass."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Turned back on only by whoever turned it off (nested, or in another thread)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
