"""Clear copies of evidence opened for viewing: a private folder of the user's own (0700, files 0600), never
a shared temp path, emptied on lock, on quit and at the next start (after a crash)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import platformdirs


def viewing_root() -> Path:
    """The folder that holds the copies: <user cache>/JukiAudit/viewing, owner only."""
    root = Path(platformdirs.user_cache_dir("JukiAudit", appauthor=False)) / "viewing"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    return root


def write_copy(name: str, content: bytes) -> Path:
    """A clear copy of `content` named `name` (its base name only) in a folder of its own."""
    folder = Path(tempfile.mkdtemp(prefix="copy-", dir=viewing_root()))  # mkdtemp: 0700
    copy = folder / (Path(name).name or "evidence")
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return copy


def remove_copies() -> int:
    """Delete every copy (lock, quit, start-up); returns how many folders were removed."""
    root = Path(platformdirs.user_cache_dir("JukiAudit", appauthor=False)) / "viewing"
    if not root.exists():
        return 0
    removed = 0
    for folder in root.iterdir():
        shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)
        removed += 1
    return removed
