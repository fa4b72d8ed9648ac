"""A test whose promise needs a tool or a file skips on a developer's machine, saying why, but fails in CI
(`CI=true`): a promise must never go green by skipping."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def require(available: bool, reason: str) -> None:
    """Skip with `reason` on a developer's machine, fail with it in CI, when `available` is false."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a test that cannot keep its promise fails here instead of skipping)")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """The path of the program `name`, or a skip (fail in CI) saying it is not installed."""
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed")
    assert path is not None
    return path


def require_file(path: Path, what: str) -> Path:
    require(path.exists(), f"{what} is not available at {path}")
    return path
