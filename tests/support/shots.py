"""Screenshots of widgets for a person to look at, written under the test's tmp_path (never a shared folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_screenshot(widget: Any, folder: Path, name: str) -> Path:
    """`widget.grab()` saved as folder/shots/NAME.png; the file must come out non-empty."""
    target = folder / "shots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(target)), target
    assert target.stat().st_size > 0
    return target
