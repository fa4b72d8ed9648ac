"""The sign-off block of the self-check form (row 4): 記入者, 責任者確認, 確認日 — written blank, read back strictly."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.worksheet import Worksheet

from ..core.audit import Signoff
from ..core.errors import InputError
from ..core.wareki import parse_date
from ..storage import signoffs
from ..storage.database import Database

ROW = 4
LABELS = {"A": "記入者", "D": "責任者確認", "F": "確認日"}
INPUTS = {"filled_by": "B", "approved_by": "E", "approved_on": "G"}
_FILL = PatternFill("solid", fgColor="FFF2CC")


def write(ws: Worksheet) -> None:
    """The labels and three unlocked input cells on the row between the instructions and the header."""
    for letter, label in LABELS.items():
        ws[f"{letter}{ROW}"] = label
        ws[f"{letter}{ROW}"].font = Font(bold=True)
        ws[f"{letter}{ROW}"].alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"B{ROW}:C{ROW}")
    ws.merge_cells(f"G{ROW}:H{ROW}")
    for letter in INPUTS.values():
        ws[f"{letter}{ROW}"].protection = Protection(locked=False)
        ws[f"{letter}{ROW}"].fill = _FILL
    ws.row_dimensions[ROW].height = 20


def read(path: Path, sheet: str) -> Signoff:
    """The sign-off as filled in; a 確認日 that is not a date, or a confirmation without its date, is refused."""
    ws = load_workbook(path, data_only=True)[sheet]
    text = {key: ws[f"{letter}{ROW}"].value for key, letter in INPUTS.items()}
    where = f"シート {sheet} セル {INPUTS['approved_on']}{ROW}"
    day = text["approved_on"]
    approved_on: date | None
    if isinstance(day, datetime):
        approved_on = day.date()
    elif isinstance(day, date):
        approved_on = day
    elif day in (None, ""):
        approved_on = None
    else:
        approved_on = parse_date(str(day), f"{where}(確認日)")
    filled_by = "" if text["filled_by"] is None else str(text["filled_by"]).strip()
    approved_by = "" if text["approved_by"] is None else str(text["approved_by"]).strip()
    if bool(approved_by) != (approved_on is not None):
        raise InputError(f"{where}: 責任者確認には氏名と確認日の両方を記入してください。", str(path))
    return Signoff(filled_by, approved_by, approved_on)


def store(db: Database, audit_id: int, signoff: Signoff) -> None:
    """Inside the import's transaction."""
    signoffs.save(db, audit_id, signoff)


def get(db: Database, audit_id: int) -> Signoff | None:
    return signoffs.get(db, audit_id)
