"""Atomic file writes: temp file with restrictive permissions, fsync, os.replace."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_handle(path: Path, mode: int) -> Iterator[BinaryIO]:
    """A handle on a private temp file beside `path`; on success it replaces `path`, else it is removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # restrictive permissions before any data is written
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_directory(path.parent)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one, never half."""
    with atomic_handle(path, mode) as handle:
        handle.write(data)


def copy_atomic(source: Path, target: Path, mode: int = 0o600) -> None:
    """Copy `source` to `target` with the same guarantee as write_atomic, streaming (large files)."""
    with open(source, "rb") as src, atomic_handle(target, mode) as handle:
        shutil.copyfileobj(src, handle, 1024 * 1024)


def fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX; Windows has no directory handles to sync)."""
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(directory, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
