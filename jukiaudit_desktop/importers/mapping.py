"""Rows of cells → rows to store, through a profile layout: resolve columns, convert and check every value.

Operation rows: (line, at, terminal, operator, op_kind, jimu_code, count, result), and (subject_hash, subject_mask)
when the layout names identifier columns.
Register rows:  (line, start_at, end_at, terminal, operator, jimu_code, count).
Every problem goes to the IssueCollector with file, line and column; a row with a problem is dropped (the
caller then refuses the import as a whole).
"""

from __future__ import annotations

import contextlib
import itertools
import operator
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.identifiers import IdentifierKind, check_identifier, keyed_hash, mask
from .encoding import Probe
from .issues import IssueCollector, TooManyIssues
from .profile import FIELDS, OPLOG, REGISTER, ColumnSpec, Layout, missing_fields
from .tables import Row, Source, header_index, is_blank, locate, open_source, split_header
from .values import (
    Converter,
    code_converter,
    count_converter,
    date_converter,
    datetime_converter,
    normalize,
    time_converter,
)

BATCH_ROWS = 20_000
_MOMENTS = ("at", "date", "time", "start_time", "end_time", "start_at", "end_at")

# Value slots per kind: where each field's converted value goes. The last slot holds the time part when a
# date and a time come from two columns; it is joined to the date before the row is stored.
_SLOTS = {
    OPLOG: {"at": 0, "date": 0, "terminal": 1, "operator": 2, "op_kind": 3, "jimu_code": 4, "count": 5,
            "result": 6, "time": 7},
    REGISTER: {"start_at": 0, "date": 0, "end_at": 1, "end_time": 1, "terminal": 2, "operator": 3,
               "jimu_code": 4, "count": 5, "start_time": 6},
}
# An operation log without a 照会件数 column counts one per operation.
_TEMPLATES: dict[str, list[Any]] = {OPLOG: [None, None, None, None, None, 1, None, None], REGISTER: [None] * 7}
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


class RowMapper:
    """Built once per file from its layout and header row; `batches()` yields the rows to store."""

    def __init__(self, layout: Layout, header: Row | None, file_name: str, issues: IssueCollector,
                 subject_key: bytes | None = None, strict_width: bool = True) -> None:
        self.layout = layout
        self.kind = layout.kind
        self.file_name = file_name
        self.issues = issues
        self.subject_key = subject_key
        self.strict_width = strict_width  # CSV: every row has the header's number of fields
        self.labels = FIELDS[layout.kind]
        self.header_line = header[0] if header else None
        self.header_cells = header[1] if header else None
        self.width = len(header[1]) if header else None
        index = header_index(header[1]) if header else None
        self.columns: dict[str, int] = {}
        for name, spec in layout.columns.items():
            column = locate(spec, index)
            if column is not None and (self.width is None or column < self.width):
                self.columns[name] = column
            elif name not in (*_MOMENTS, "terminal", "operator"):
                label = self.labels[name]
                issues.warn(file_name, self.header_line, None,
                            f"{label}の列 {spec.describe()} が見つからないため、{label}は空として取り込みます。")
        problem = missing_fields(layout.kind, self.columns)
        if problem:
            issues.error(file_name, self.header_line, None, f"{problem}。見出し名と取込プロファイルを確認してください。")
        self.usable = problem is None  # False: no row can be read with this mapping
        self.identifier_columns: list[tuple[int, IdentifierKind]] = []
        for ident in layout.identifiers:
            column = locate(ident.column, index)
            if column is None:
                issues.error(file_name, self.header_line, None,
                             f"{ident.kind.value}の列 {ident.column.describe()} が見つかりません。")
            else:
                self.identifier_columns.append((column, ident.kind))
        hidden = {column: kind for column, kind in self.identifier_columns}
        for name, column in list(self.columns.items()):
            if column in hidden:  # its clear value would be stored or shown as that field
                issues.error(file_name, self.header_line, column + 1,
                             f"{column + 1} 列目は{hidden[column].value}の列なので、{self.labels[name]}には使えません。")
                self.usable = False
        whole = "at" if self.kind == OPLOG else "start_at"
        self.split_moment = whole not in self.columns
        self.plan: list[tuple[str, int, Converter, int]] = [
            (name, column, self._converter(name), _SLOTS[self.kind][name])
            for name, column in self.columns.items() if self._used(name)
        ]
        # Operation rows of a CSV file with a header may be converted column by column (see _map_columns).
        self.fast_columns = (self.kind == OPLOG and self.strict_width and self.width is not None
                             and not layout.skip_prefixes)

    def _used(self, name: str) -> bool:
        """Whether the field feeds the stored row (a combined date-time column wins over date + time)."""
        if name in ("date", "time", "start_time"):
            return self.split_moment
        return not (name == "end_time" and "end_at" in self.columns)

    def _converter(self, name: str) -> Converter:
        formats = self.layout.columns[name].formats
        if name == "date":
            return date_converter(formats)
        if name in ("time", "start_time", "end_time"):
            return time_converter(formats)
        if name in ("at", "start_at", "end_at"):
            return datetime_converter(formats)
        if name == "count":
            return count_converter(allow_blank=self.kind == REGISTER)
        return code_converter(self.layout.codes.get(name, {}), required=name in ("terminal", "operator"))

    def map_row(self, line: int, cells: list[Any]) -> tuple[Any, ...] | None:
        """The row to store, or None after reporting its problems."""
        if self.width is not None and self.strict_width and len(cells) != self.width:
            self.issues.error(self.file_name, line, min(len(cells), self.width) + 1,
                              f"項目の数が {len(cells)} 個です(見出しは {self.width} 個)。区切り文字や引用符を確認してください。")
            return None
        values = _TEMPLATES[self.kind].copy()
        ok = True
        for name, column, convert, slot in self.plan:
            try:
                values[slot] = convert[cells[column]]
            except IndexError:
                ok = False
                self.issues.error(self.file_name, line, len(cells) + 1,
                                  f"{self.labels[name]}の列がありません(項目の数が {len(cells)} 個)。")
            except ValueError as exc:
                ok = False
                self.issues.error(self.file_name, line, column + 1, f"{self.labels[name]}: {exc}")
        if not ok:
            return None
        clock = values.pop()
        if self.split_moment:
            values[0] = values[0] + "T" + clock
        if self.kind == REGISTER:
            return self._register_row(line, values)
        if self.identifier_columns:
            return (line, *values, *self._subject(line, cells))
        return (line, *values)

    def _register_row(self, line: int, values: list[Any]) -> tuple[Any, ...] | None:
        start, end = values[0][:16], values[1]
        if len(end) == 8:  # a time only: the start's day, or the next day when earlier than the start
            end_day = start[:10]
            if end[:5] < start[11:16]:
                end_day = (date.fromisoformat(end_day) + timedelta(days=1)).isoformat()
            end = f"{end_day}T{end[:5]}"
        else:
            end = end[:16]
            if end < start:
                self.issues.error(self.file_name, line, self.columns["end_at"] + 1, "終了日時が開始日時より前です。")
                return None
        return (line, start, end, *values[2:])

    def _subject(self, line: int, cells: list[Any]) -> tuple[str | None, str | None]:
        """(keyed hash, masked form) of the first identifier column with a value; the clear value is dropped."""
        for column, kind in self.identifier_columns:
            raw = cells[column] if column < len(cells) else None
            if isinstance(raw, int | float) and not isinstance(raw, bool):  # xlsx number cell
                raw = f"{int(raw):0{kind.length}d}"
            value = normalize(raw).replace("-", "").replace(" ", "")
            if not value:
                continue
            acceptable, warning = check_identifier(kind, value)
            if not acceptable:
                if not (len(value) == kind.length and value.isdigit()):
                    self.issues.error(self.file_name, line, column + 1,
                                      f"{kind.value}の形式が正しくありません({kind.length} 桁の数字ではありません。値は表示しません)。")
                    return None, None
                self.issues.warn(self.file_name, line, column + 1, f"{kind.value}の検査用数字が一致しません(値は表示しません)。")
            elif warning:
                self.issues.warn(self.file_name, line, column + 1, warning)
            digest = keyed_hash(self.subject_key, kind, value) if self.subject_key else None
            return digest, mask(value)
        return None, None

    def batches(self, rows: Iterator[Row], batch_rows: int = BATCH_ROWS) -> Iterator[list[tuple[Any, ...]]]:
        """Map every data row (blank rows are skipped), up to `batch_rows` rows read at a time."""
        if not self.usable:
            return
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, batch_rows)):
            mapped = self._map_columns(chunk) if self.fast_columns else None
            if mapped is None:
                mapped = self._map_rows(chunk)
            if mapped:
                yield mapped

    def _map_rows(self, chunk: list[Row]) -> list[tuple[Any, ...]]:
        """Row by row: skips blank and skipped rows, reports every problem with its line and column."""
        batch: list[tuple[Any, ...]] = []
        map_row = self.map_row
        skip = tuple(normalize(p) for p in self.layout.skip_prefixes)
        for line, cells in chunk:
            if not cells or is_blank(cells) or (skip and normalize(cells[0]).startswith(skip)):
                continue
            mapped = map_row(line, cells)
            if mapped is not None:
                batch.append(mapped)
        return batch

    def _map_columns(self, chunk: list[Row]) -> list[tuple[Any, ...]] | None:
        """The same rows as _map_rows, converted column by column (C loops over cached values); None when a row
        needs _map_rows: a wrong width, a blank row, a value that does not convert."""
        lines, cells = zip(*chunk, strict=True)
        if set(map(len, cells)) != {self.width}:
            return None
        columns: list[Iterable[Any]] = [itertools.repeat(value) for value in _TEMPLATES[self.kind]]
        try:
            for _name, column, convert, slot in self.plan:
                columns[slot] = convert.column(list(map(operator.itemgetter(column), cells)))
        except ValueError:
            return None
        clock = columns.pop()
        if self.split_moment:
            columns[0] = list(map("{}T{}".format, columns[0], clock))
        if self.identifier_columns:
            subjects = list(map(self._subject, lines, cells))
            return list(zip(lines, *columns, map(_FIRST, subjects), map(_SECOND, subjects), strict=False))
        return list(zip(lines, *columns, strict=False))  # the template columns repeat without end


def required_specs(layout: Layout) -> list[ColumnSpec]:
    """The columns a header row must name (used to find it)."""
    if layout.kind == OPLOG:
        names = ["at"] if "at" in layout.columns else ["date", "time"]
    else:
        names = ["start_at"] if "start_at" in layout.columns else ["date", "start_time"]
        names.append("end_at" if "end_at" in layout.columns else "end_time")
    return [layout.columns[n] for n in ("terminal", "operator", *names) if n in layout.columns]


def open_mapper(source: Source, layout: Layout, issues: IssueCollector,
                subject_key: bytes | None = None) -> tuple[RowMapper, Iterator[Row]]:
    header, rows = split_header(source, layout, required_specs(layout))
    return RowMapper(layout, header, source.file_name, issues, subject_key, source.strict_width), rows


Batch = list[tuple[Any, ...]]


@contextlib.contextmanager
def mapped_batches(path: Path, layout: Layout, found: Probe | None, issues: IssueCollector,
                   subject_key: bytes | None = None) -> Iterator[tuple[Source, Iterator[Batch]]]:
    """The file opened and its rows to store, a batch at a time (RowMapper.batches). Raises InputError when the
    file or its header cannot be read; a reading error further on (bad CSV quoting) or the error limit becomes
    issues and ends the batches there."""
    with open_source(path, layout, found) as source:
        mapper, rows = open_mapper(source, layout, issues, subject_key)
        yield source, guarded(mapper.batches(rows), issues)


def guarded(batches: Iterator[Batch], issues: IssueCollector) -> Iterator[Batch]:
    """Turn a reading error (bad CSV quoting) or the error limit into issues, ending the file there."""
    try:
        yield from batches
    except InputError as exc:
        with contextlib.suppress(TooManyIssues):
            issues.input_error(exc)
    except TooManyIssues:
        pass
