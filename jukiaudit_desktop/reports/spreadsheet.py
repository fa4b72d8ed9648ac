"""Tables to .xlsx and CSV (UTF-8 with BOM, for Excel), with spreadsheet formula injection neutralised.

OWASP CSV injection: in CSV a text cell starting with = + - @, a tab or a carriage return is prefixed with an
apostrophe, so Excel shows it as text instead of running it. In .xlsx every text cell is typed as text (and such a
cell carries Excel's quote prefix, so it stays text when edited): no visible apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core.errors import InputError
from ..core.wareki import format_wareki

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | date | None


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _cell(value: Cell) -> Cell:
    """A CSV field: text neutralised, a date in 和暦."""
    if isinstance(value, date):
        return format_wareki(value)
    return neutralise(value) if isinstance(value, str) else value


def set_cell(cell: Any, value: Cell) -> None:
    """Write `value` into an openpyxl cell; a text is always text, never a formula, whatever it starts with."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True


@dataclass(frozen=True)
class Sheet:
    """One table: a title (the sheet's name in .xlsx), column headers, rows."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def csv_bytes(sheet: Sheet) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


WAREKI_DATE_FORMAT = '[$-411]ggge"年"m"月"d"日"'  # 和暦 in Excel and LibreOffice (locale 0x411 = ja-JP)
LINE_HEIGHT = 15.0   # points per line of 11-point text
MAX_WIDTH = 30       # characters: longer texts wrap, so a row of many columns still fits A4 readably


def text_width(text: str) -> int:
    """Display width in half-width characters: CJK and full-width characters count double."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def row_height(values: Sequence[object], widths: Sequence[float]) -> float:
    """Points for a row whose wrapped text fits (spreadsheet apps do not grow the rows of a written file)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        for line in str("" if value is None else value).split("\n"):
            lines = max(lines, -(-text_width(line) // max(int(width) - 1, 1)))
    return LINE_HEIGHT * lines + 4


def _display(value: Cell) -> str:
    return format_wareki(value) if isinstance(value, date) else "" if value is None else str(value)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one worksheet per table, ready to print: header row bold, shaded, frozen and printed on
    every page; A4 fitted to the page width; rows as tall as their wrapped text; every text cell typed as text;
    dates as real dates shown in 和暦."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        for row_number, values in enumerate([sheet.headers, *sheet.rows], start=1):
            for column, value in enumerate(values, start=1):
                set_cell(ws.cell(row_number, column), value)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E6E6E6")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = WAREKI_DATE_FORMAT
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = []
        for index, header in enumerate(sheet.headers, start=1):
            longest = max([text_width(str(header)), *(text_width(_display(r[index - 1])) for r in sheet.rows)])
            widths.append(min(MAX_WIDTH, max(8, longest + 2)))
            ws.column_dimensions[get_column_letter(index)].width = widths[-1]
        for row_number, values in enumerate([sheet.headers, *sheet.rows], start=1):
            ws.row_dimensions[row_number].height = row_height([_display(v) for v in values], widths)
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if sum(widths) > 100 else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_bytes(path: Path, sheets: Sequence[Sheet]) -> bytes:
    """The file content for `path`: .xlsx (all tables) or .csv (exactly one table)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return xlsx_bytes(sheets)
    if suffix == ".csv":
        if len(sheets) != 1:
            raise InputError("CSV には表を1つしか書けません。.xlsx を指定してください。", str(path))
        return csv_bytes(sheets[0])
    raise InputError("出力ファイルの拡張子は .xlsx か .csv にしてください。", str(path))
