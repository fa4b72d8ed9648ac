"""File dialogs that open in the folder used last for the same purpose (else Documents) and remember it.

Purposes: "logs" and "registers" (imports), "pdfs" (sheets and plans), "selfcheck", "evidence", "keys",
"backups", "profiles", "watchlist".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from . import ui_state


def open_file(parent: QWidget | None, purpose: str, caption: str, filters: str) -> str:
    """One existing file, or "" when cancelled."""
    chosen, _ = QFileDialog.getOpenFileName(parent, caption, ui_state.last_folder(purpose), filters)
    if chosen:
        ui_state.remember_folder(purpose, chosen)
    return chosen


def open_files(parent: QWidget | None, purpose: str, caption: str, filters: str) -> list[str]:
    chosen, _ = QFileDialog.getOpenFileNames(parent, caption, ui_state.last_folder(purpose), filters)
    if chosen:
        ui_state.remember_folder(purpose, chosen[0])
    return chosen


def save_file(parent: QWidget | None, purpose: str, caption: str, suggested_name: str, filters: str) -> str:
    """Where to save (the suggested name in the remembered folder), or "" when cancelled."""
    start = str(Path(ui_state.last_folder(purpose)) / suggested_name)
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, start, filters)
    if chosen:
        ui_state.remember_folder(purpose, chosen)
    return chosen
