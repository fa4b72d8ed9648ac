"""Python's cycle collector paused for work that makes many objects and no reference cycles: each of its passes
visits every object alive (the 10^5 discrepancies of a million operations, their tuples, dicts and JSON texts;
an import's batches in flight, ≈1 s of a million-row import)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Enabled again after, if it was (a pause inside a pause leaves it to the outer one)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
