"""Overlap parsing and storing: a parser thread runs a batch iterator while the caller's thread stores.

SQLite releases the GIL while it encrypts and writes, so parsing the next batch overlaps storing this one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_POLL_SECONDS = 0.1


class _End:
    pass


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def overlapped(batches: Iterator[T], depth: int = 4) -> Iterator[T]:
    """Yield what `batches` yields, computed ahead on a thread (at most `depth` batches ahead).

    An exception in the parser is raised here; leaving the loop early (error, cancel) stops the parser.
    """
    handoff: queue.Queue[T | _End | _Failed] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: T | _End | _Failed) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
        except BaseException as exc:  # handed to the consuming thread, which raises it
            put(_Failed(exc))
            return
        put(_End())

    thread = threading.Thread(target=produce, name="jukiaudit-import-parser", daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()
