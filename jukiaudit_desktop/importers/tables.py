"""Sources as rows of cells with their physical line (CSV) or sheet row (xlsx); finding the header row."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from ..core.errors import InputError
from ..security import file_limits
from .encoding import Probe, decode_error, probe
from .profile import ColumnSpec, Layout
from .values import normalize

HEADER_SEARCH_ROWS = 30
_CHUNK_ROWS = 4096  # CSV lines read at a time
_CARRY_LINES = 64 * _CHUNK_ROWS  # the most lines one row may span (a quote left open is refused there)
XLSX_SUFFIXES = (".xlsx", ".xlsm")

Row = tuple[int, list[Any]]  # (line or sheet row, cells)


@dataclass
class Source:
    """An opened file: its rows (lazily), how it was decoded, and whether widths must match (CSV). A CSV file
    is read as its rows are asked for; close() (or `with`) releases it when the rows are not all read."""

    file_name: str
    encoding_label: str
    rows: Iterator[Row]
    strict_width: bool
    line_count: int  # physical lines (CSV: estimated from the first MiB) or sheet rows (xlsx), for progress
    close: Callable[[], None] = lambda: None

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def open_source(path: Path, layout: Layout, found: Probe | None = None) -> Source:
    """Open a CSV/TSV file for streaming (`found`: its probe, when made already), or the sheet of an xlsx
    workbook (read whole, within file_limits)."""
    name = str(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        try:
            file_limits.check_size(path)
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"ファイルを読めません({exc.strerror})。", name) from None
        return _xlsx_source(data, name, layout.sheet)
    try:
        found = found or probe(path, layout.encoding)
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", name) from None
    text = io.TextIOWrapper(handle, encoding=found.codec, errors="strict", newline="")
    head = found.head.decode(found.codec, errors="ignore")
    delimiter = _sniff_delimiter(head) if layout.delimiter == "auto" else layout.delimiter
    lines_in_head = found.head.count(b"\n") + 1
    estimate = lines_in_head if len(found.head) >= found.size else found.size * lines_in_head // max(len(found.head), 1)
    rows = itertools.chain.from_iterable(_csv_blocks(text, found, path, delimiter, layout.quote))
    return Source(name, found.label, rows, strict_width=True, line_count=estimate, close=text.close)


def _sniff_delimiter(text: str) -> str:
    head = text[:20_000]
    return max(("\t", ",", ";", "|"), key=head.count)


def _csv_blocks(text: io.TextIOWrapper, found: Probe, path: Path, delimiter: str, quote: str
                ) -> Iterator[Iterator[Row]]:
    """Rows with their first physical line, read a block of lines at a time (memory stays bounded) and given a
    block at a time (so that taking a row is C code, not a generator's step): a block where every row is one
    line is numbered by counting; a block with a quoted line break is read again row by row; a row still open
    at a block's end takes the next block with it (up to _CARRY_LINES lines)."""
    file_name = str(path)
    line, carried = 1, list[str]()
    try:
        while True:
            block = carried + _lines(text, found, path)
            carried = []
            if not block:
                return
            try:
                rows = list(csv.reader(block, delimiter=delimiter, quotechar=quote, strict=True))
            except csv.Error:
                if len(block) < _CARRY_LINES and (more := _lines(text, found, path)):
                    carried = block + more
                    continue
                rows = []  # read again row by row, which raises at the row that cannot be read
            numbered: Iterator[Row]
            if len(rows) == len(block):
                numbered = zip(range(line, line + len(block)), rows, strict=True)
            else:
                numbered = _csv_rows_one_by_one("".join(block), line, file_name, delimiter, quote)
            yield _refusing_control_characters(numbered, file_name) if _has_control(block) else numbered
            line += len(block)
    finally:
        text.close()


def _csv_rows_one_by_one(text: str, first_line: int, file_name: str, delimiter: str, quote: str) -> Iterator[Row]:
    """Rows of `text`, which starts at `first_line`, each with its own first line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote, strict=True)
    line = first_line
    try:
        for cells in reader:
            yield line, cells
            line = first_line + reader.line_num
    except csv.Error as exc:
        raise InputError(f"CSV の書式が正しくありません({exc})。引用符(\")の閉じ忘れがないか確認してください。",
                         f"{file_name}:{line}") from None


def _lines(text: io.TextIOWrapper, found: Probe, path: Path) -> list[str]:
    try:
        return list(itertools.islice(text, _CHUNK_ROWS))
    except UnicodeDecodeError:
        raise decode_error(found, path) from None


# What openpyxl and zipfile raise on a damaged workbook (found by tests/test_security_fuzz_imports.py): bad zip
# data or flags (encrypted, unsupported: RuntimeError), bad XML, bad values in cells or attributes.
_XLSX_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError, ValueError, TypeError,
                     AttributeError, SyntaxError, ExpatError, RuntimeError)


def _xlsx_source(data: bytes, file_name: str, sheet: str | None) -> Source:
    import openpyxl  # only xlsx imports need it

    file_limits.check_xlsx(data, file_name)  # zip bombs are refused before openpyxl expands anything
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_READ_ERRORS as exc:
        raise InputError(f"Excel ファイル(xlsx)として開けません({exc})。", file_name) from None
    if sheet is None and not workbook.worksheets:
        workbook.close()
        raise InputError("Excel ファイル(xlsx)にシートがありません。", file_name)
    if sheet is None:
        worksheet = workbook.worksheets[0]
    elif sheet in workbook.sheetnames:
        worksheet = workbook[sheet]
    else:
        workbook.close()
        raise InputError(f"シート「{sheet}」がありません(あるシート: {', '.join(workbook.sheetnames)})。", file_name)

    def rows() -> Iterator[Row]:
        number = 0
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                refuse_control_characters(values, f"{file_name}:{number}")
                yield number, list(values)
        except _XLSX_READ_ERRORS as exc:  # a damaged workbook breaks only when its rows are read
            raise InputError(f"Excel ファイル(xlsx)が壊れています({type(exc).__name__}: {exc})。",
                             f"{file_name}:{number + 1}") from None
        finally:
            workbook.close()

    return Source(file_name, "Excel (xlsx)", rows(), strict_width=False, line_count=worksheet.max_row or 0)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 (tab, line breaks aside), DEL, C1


def refuse_control_characters(values: Sequence[Any], where: str) -> None:
    """NUL and other control characters (tab and line breaks aside) have no place in a cell: the one rule for
    every file the app reads (logs, registers, watch-lists, answered 疑義照会 lists)."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and (found := _CONTROL.search(value)):
            raise InputError(f"セルに制御文字(U+{ord(found.group()):04X})が含まれています。", f"{where}:{column}")


def _has_control(lines: list[str]) -> bool:
    """Whether a block of CSV lines holds a control character: one search over the block keeps the check cheap;
    only a block that has one is walked row by row to name the cell."""
    return _CONTROL.search("".join(lines)) is not None


def _refusing_control_characters(rows: Iterator[Row], file_name: str) -> Iterator[Row]:
    for line, cells in rows:
        refuse_control_characters(cells, f"{file_name}:{line}")
        yield line, cells


def _header_key(cell: Any) -> str:
    return normalize(cell).replace(" ", "").replace("\u3000", "")


def header_index(header: list[Any]) -> dict[str, int]:
    """Normalised header name → 0-based column (the first one when a name repeats)."""
    index: dict[str, int] = {}
    for number, cell in enumerate(header):
        index.setdefault(_header_key(cell), number)
    return index


def locate(spec: ColumnSpec, index: dict[str, int] | None) -> int | None:
    """0-based column of `spec` in a header (by name) or by its number; None when not found."""
    if spec.index is not None:
        return spec.index - 1
    if index is None:
        return None
    for name in spec.headers:
        column = index.get(_header_key(name))
        if column is not None:
            return column
    return None


def split_header(source: Source, layout: Layout, required: list[ColumnSpec]) -> tuple[Row | None, Iterator[Row]]:
    """Find the header row (fixed by the profile, or the first row naming every required column) and return
    it with the rows after it. header_row 0 means the file has no header: every row is data."""
    if layout.header_row == 0:
        return None, source.rows
    if layout.header_row is not None:
        for line, cells in source.rows:
            if line == layout.header_row:
                return (line, cells), source.rows
            if line > layout.header_row:
                break
        raise InputError(f"見出し行({layout.header_row} 行目)がありません。", source.file_name)
    seen = list(itertools.islice(source.rows, HEADER_SEARCH_ROWS))
    by_name = [spec for spec in required if spec.index is None]
    for position, (line, cells) in enumerate(seen):
        if not by_name and not is_blank(cells):  # columns by number only: the first row that is not blank
            return (line, cells), itertools.chain(seen[position + 1:], source.rows)
        index = header_index(cells)
        if by_name and all(locate(spec, index) is not None for spec in by_name):
            return (line, cells), itertools.chain(seen[position + 1:], source.rows)
    names = "、".join(spec.describe() for spec in by_name)
    raise InputError(f"見出し行が見つかりません(先頭 {HEADER_SEARCH_ROWS} 行に {names} が揃う行がありません)。"
                     "取込プロファイルの見出し名か header_row を確認してください。", source.file_name)
