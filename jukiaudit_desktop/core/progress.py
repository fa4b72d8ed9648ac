"""A Qt-free progress reporter and cancel token for long work (imports, reconciliation, reports)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import CancelledError


class Progress:
    """Passed into long work. The work calls `update()`; the caller may `cancel()` from another thread.

    `update()` raises CancelledError once cancelled, so work stops at its next report and its transaction
    rolls back.
    """

    def __init__(self, on_update: Callable[[int, int, str], None] | None = None) -> None:
        self._on_update = on_update
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise CancelledError()

    def update(self, done: int, total: int, message: str = "") -> None:
        """Report `done` of `total` units (total 0 = unknown) and stop here if cancelled."""
        self.check()
        if self._on_update is not None:
            self._on_update(done, total, message)


NO_PROGRESS = Progress()
