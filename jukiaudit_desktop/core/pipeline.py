"""Work beside the calling thread, in order and in bounded memory, so that a long job uses a second core.

Python runs one thread at a time, except where C code lets go of the interpreter (SQLite's steps, reading
files): these helpers pay only where the other side spends long stretches there.
- read_ahead: a producer thread runs an iterator a few items ahead of the consumer.
- OrderedWorker: tasks run one after another, in the order given, on one thread beside the caller's.
A failure on the other thread is raised on the caller's, as it was raised.

A thread back from C code waits for the interpreter until the thread holding it is asked to let go, after the
switch interval (5 ms by default): a SQLite statement of a few milliseconds would then wait as long again.
read_ahead shortens the interval while it runs.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_POLL_SECONDS = 0.05  # how soon a producer whose consumer left notices it
_SWITCH_SECONDS = 0.0005


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


@contextlib.contextmanager
def read_ahead(items: Iterable[T], depth: int = 2, name: str = "read-ahead") -> Iterator[Iterator[T]]:
    """The items of `items`, made on a producer thread up to `depth` ahead of the one taken. An exception the
    iterator raises is raised where its item would have been taken. Leaving the block early (an error, a
    cancel) stops the producer and waits for it: `items` is not touched any more once the block is left."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not put(item):
                    return
        except BaseException as exc:  # noqa: BLE001 — handed to the consumer, raised there
            put(_Failed(exc))
        else:
            put(_END)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    def consume() -> Iterator[T]:
        while (item := ready.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item

    producer = threading.Thread(target=produce, name=name, daemon=True)
    with _quick_switches():
        producer.start()
        try:
            yield consume()
        finally:
            stop.set()
            producer.join()


@contextlib.contextmanager
def _quick_switches() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, _SWITCH_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class OrderedWorker:
    """Tasks run in the order submitted on one thread beside the caller's, at most `depth` of them waiting
    (the caller waits for the oldest beyond that). wait() returns once every task has run and raises the first
    failure; close() drops the tasks not started and stops the thread."""

    def __init__(self, depth: int = 2, name: str = "ordered-worker") -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._pending: deque[Future[None]] = deque()
        self._depth = depth

    def submit(self, task: Callable[..., None], *args: Any) -> None:
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(task, *args))

    def wait(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        for task in self._pending:
            task.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)
