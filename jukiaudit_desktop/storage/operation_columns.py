"""The reconciliation's input of each imported operation log, kept as compact columns (table operation_columns):
reconciling reads a few blobs instead of scanning the operation table.

Derived data. An operation row never changes after the transaction that imported it (the count rule is applied
inside it: storage.count_rules), so a file's columns are written once, in that transaction, from the rows the
import inserts (storage.import_columns; from its rows read back when in doubt: store_from_rows); a file without
them (imported before they existed, or carried by a sealed package) gets them on first need (load). Only the
rows are bound by the trail; verify-trail builds every file's columns from its rows again and compares
(problems), so a column edited outside the app is found like an edited row.

One table row per segment: a file's operations with ids in one window of WINDOW ids (segment = id // WINDOW),
in id order; a file with no operations has one empty segment 0 (empty blobs). Each blob holds one integer per
operation: 8 bytes, little-endian signed, the base (the smallest value), then each value minus the base as a
little-endian unsigned integer of 1, 2, 4 or 8 bytes, the narrowest that holds the largest; or nothing (width 0)
when the values are base, base + 1, base + 2 … (the ids of a segment without gaps). The width is
(length - 8) / rows. The values:
  at        unixepoch(at): seconds, the log's local time read as UTC
  ids       operation.id
  counted   coalesce(counted, count): 照会件数 under the file's count rule
  subject   the subject hash's first 15 hex digits as a number; -1 (NONE) without a subject
  failed    1 where 処理結果 is given and is not one of the file's success values, else 0
  terminal  index into `terminals`, JSON: the segment's 端末ID in order of first appearance
  operator  index into `operators`, likewise the 操作者ID
  jimu      index into `jimu_codes`, likewise the 事務 codes ("" for none)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from ..core.progress import NO_PROGRESS, Progress
from ..core.records import DEFAULT_SUCCESS_RESULTS
from ..reconcile.columns import NONE, SUBJECT_DIGITS, Operations, Vocabulary, to_seconds
from . import trail
from .column_reads import Rows, coded, read_rows
from .database import Database, StorageError

WINDOW = 1 << 20  # ids a segment spans: 8 MB a column at most
_NUMBERS = ("at", "ids", "counted", "subject", "failed")
_NAMES = (("terminal", "terminals"), ("operator", "operators"), ("jimu", "jimu_codes"))  # codes, their names
_CODES = tuple(codes for codes, _ in _NAMES)
_BLOBS = (*_NUMBERS, *_CODES)
_COLUMNS = ", ".join(["file_id", "segment", "rows", "first_id", "last_id", "first_at", "last_at", *_BLOBS,
                      *(names for _, names in _NAMES)])
_NO_SUBJECT = "0" * SUBJECT_DIGITS  # subject number 0: none
_WIDTHS = (1, 2, 4, 8)  # bytes a value may take in a blob, after the base (or 0: values that follow on)


# ----- building a file's columns from its rows -----


def store_from_rows(db: Database, file_id: int, after_id: int) -> None:
    """Write the columns of a file just imported (its operations have ids above after_id) from its rows read back,
    replacing any left by a removed file of the same id. Inside the import's transaction, after its rows are
    final. (An import writes them from the rows it inserts instead: storage.import_columns.)"""
    delete(db, file_id)
    write(db, _built(db, success_values(db, [file_id]), after_id + 1))


def success_values(db: Database, file_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Per file, in id order: the 処理結果 values its profile counts as success."""
    rows = db.query("SELECT id, success_results FROM import_file WHERE id IN (SELECT value FROM json_each(?)) "
                    "ORDER BY id", (json.dumps(file_ids),))
    return {int(i): DEFAULT_SUCCESS_RESULTS if v is None else tuple(json.loads(v)) for i, v in rows}


def _built(db: Database, files: dict[int, tuple[str, ...]], first_id: int = 0,
           progress: Progress = NO_PROGRESS) -> Iterator[tuple[Any, ...]]:
    """The segments of `files` (file id → success values) from their operations with ids ≥ first_id, window by
    window (a window's rows at a time in memory); a file without operations gets its empty segment."""
    low, high = db.execute("SELECT max(min(id), ?), max(id) FROM operation", (first_id,)).fetchone()
    if low is None or low > high:
        low, high = 0, -1  # no operations to read
    failed, params = _failed_sql(files)
    word = (f"coalesce(substr(subject_hash, 1, {SUBJECT_DIGITS}), '{_NO_SUBJECT}') || {failed}", params)
    counted = "coalesce(counted, count)"  # 照会件数 under the file's count rule (importers: core.count_rule)
    where = f"file_id IN ({', '.join(str(int(f)) for f in files)})"
    seen: set[int] = set()
    for window in range(low // WINDOW, high // WINDOW + 1):
        progress.update(window * WINDOW - low, high - low + 1, "操作ログを読み込んでいます")
        start = window * WINDOW
        rows = read_rows(db, "operation", ["file_id", "id", "unixepoch(at)", counted], where, [], word=word,
                         ids=(max(start, low), start + WINDOW - 1))
        for file_id in dict.fromkeys(rows.numbers[0].tolist()):
            seen.add(file_id)
            yield _segment(file_id, window, rows, rows.numbers[0] == file_id)
    for file_id in files.keys() - seen:
        yield empty_row(file_id)


def _failed_sql(files: dict[int, tuple[str, ...]]) -> tuple[str, list[str]]:
    """An SQL expression, 1 for a failed operation and 0 otherwise, and its parameters: per file when the files
    were imported with different success values."""
    lists: dict[tuple[str, ...], list[int]] = {}
    for file_id, values in files.items():
        lists.setdefault(values, []).append(file_id)

    def not_success(values: tuple[str, ...]) -> str:
        return f"(result IS NOT NULL AND result NOT IN ({', '.join(['?'] * len(values))}))"

    if len(lists) == 1:
        values = next(iter(lists))
        return not_success(values), list(values)
    cases: list[str] = []
    params: list[str] = []
    for values, file_ids in lists.items():
        cases.append(f"WHEN file_id IN ({', '.join(str(int(f)) for f in file_ids)}) THEN {not_success(values)}")
        params += values
    return f"(CASE {' '.join(cases)} ELSE 0 END)", params


def _segment(file_id: int, window: int, rows: Rows, selected: Any) -> tuple[Any, ...]:
    _file, ids, at, counted = (column[selected] for column in rows.numbers)
    words = rows.word[selected]
    subject = (words >> np.uint64(4)).astype(np.int64)
    subject[subject == 0] = NONE
    combo = rows.combo[selected]
    codes, names = [], []
    for k in range(len(_NAMES)):
        listed = list(dict.fromkeys(c[k] for c in rows.combos))  # the window's, then only the segment's
        index = {name: i for i, name in enumerate(listed)}
        code, present = _listed(np.array([index[c[k]] for c in rows.combos], dtype=np.int64)[combo], listed)
        codes.append(code)
        names.append(present)
    return Segment(window, [at, ids, counted, subject, words & np.uint64(1)], codes, names).row(file_id)


@dataclass
class Segment:
    """A file's operations in one window of ids, in id order, as integer arrays: the _NUMBERS and, per coded
    kind (_NAMES), each operation's index into the kind's names, which are listed in order of first appearance."""

    window: int
    numbers: list[Any]
    codes: list[Any]
    names: list[list[str]]

    def row(self, file_id: int) -> tuple[Any, ...]:
        """The segment as a row of operation_columns."""
        at, ids = self.numbers[0], self.numbers[1]
        return (file_id, self.window, len(ids), int(ids[0]), int(ids[-1]), int(at.min()), int(at.max()),
                *map(_encoded, [*self.numbers, *self.codes]),
                *(json.dumps(names, ensure_ascii=False) for names in self.names))

    def kept(self, keep: Any) -> Segment:
        """The operations where `keep` is true, each kind's names listed again."""
        coded = [_listed(code[keep], names) for code, names in zip(self.codes, self.names, strict=True)]
        return Segment(self.window, [values[keep] for values in self.numbers], [c for c, _ in coded],
                       [n for _, n in coded])


def empty_row(file_id: int) -> tuple[Any, ...]:
    """The one segment of a file without operations."""
    return (file_id, 0, 0, None, None, None, None, *(b"" for _ in _BLOBS), *("[]" for _ in _NAMES))


def _listed(code: Any, names: list[str]) -> tuple[Any, list[str]]:
    """Indexes into `names` as indexes into the names they use, listed in order of first appearance."""
    in_order = _first_appearances(code, len(names), False)
    local = np.zeros(len(names), dtype=np.int64)
    local[in_order] = np.arange(len(in_order))
    return local[code], [names[i] for i in in_order]


def stored_segment(db: Database, file_id: int, window: int) -> Segment:
    """A segment of a file as stored (it has operations)."""
    row = db.execute(f"SELECT rows, {', '.join(_BLOBS)}, {', '.join(n for _, n in _NAMES)} FROM operation_columns "
                     "WHERE file_id = ? AND segment = ?", (file_id, window)).fetchone()
    values = [_values(blob, row[0]) for blob in row[1:1 + len(_BLOBS)]]
    return Segment(window, values[:len(_NUMBERS)], values[len(_NUMBERS):], [json.loads(n) for n in row[9:]])


def write(db: Database, rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows of operation_columns (Segment.row, empty_row), each replacing any of the same file and segment."""
    db.conn.executemany(f"INSERT OR REPLACE INTO operation_columns ({_COLUMNS}) VALUES ({', '.join('?' * 18)})",
                        rows)


def delete(db: Database, file_id: int, window: int | None = None) -> None:
    """Delete a file's segments: all of them, or the one of `window`."""
    if window is None:
        db.execute("DELETE FROM operation_columns WHERE file_id = ?", (file_id,))
    else:
        db.execute("DELETE FROM operation_columns WHERE file_id = ? AND segment = ?", (file_id, window))


def _encoded(values: Any) -> bytearray:
    """The values as a blob: their base, then each value's offset from it in the narrowest width (see the top)."""
    values = values.astype(np.int64, copy=False)
    base, top = int(values.min()), int(values.max())
    if top - base == len(values) - 1 and np.array_equal(values, np.arange(base, top + 1)):
        return bytearray(base.to_bytes(8, "little", signed=True))  # base, base + 1, …: width 0
    width = next(w for w in _WIDTHS if top - base < 1 << (8 * w))
    blob = bytearray(8 + width * len(values))
    blob[:8] = base.to_bytes(8, "little", signed=True)
    # Offsets written in place; wrapping to the width is exact for any span of int64 values (two's complement).
    np.subtract(values, base, out=np.frombuffer(blob, dtype=f"<u{width}", offset=8), casting="unsafe")
    return blob


def _decoded(blob: bytes, rows: int) -> tuple[Any, int]:
    """A blob's offsets and base (see the top); a length that fits no width raises ValueError."""
    width, rest = divmod(len(blob) - 8, rows)
    if rest or width not in (0, *_WIDTHS):
        raise ValueError(f"a blob of {len(blob)} bytes for {rows} rows")
    base = int.from_bytes(blob[:8], "little", signed=True)
    if width == 0:
        return np.arange(rows, dtype=np.uint64), base
    return np.frombuffer(blob, dtype=f"<u{width}", offset=8), base


def _values(blob: bytes, rows: int) -> Any:
    """A blob's values (see the top), as int64."""
    offsets, base = _decoded(blob, rows)
    return offsets.astype(np.int64) + base


def _store_missing(db: Database, agency_id: int, progress: Progress) -> None:
    """Build the columns of the agency's operation logs that have none (imported before they existed)."""
    missing = "SELECT id FROM import_file f WHERE agency_id = ? AND kind = 'oplog' AND NOT EXISTS " \
              "(SELECT 1 FROM operation_columns c WHERE c.file_id = f.id) ORDER BY id"
    if not db.query(missing, (agency_id,)):
        return
    with db.transaction():
        file_ids = [int(i) for (i,) in db.query(missing, (agency_id,))]
        write(db, _built(db, success_values(db, file_ids), progress=progress))
        trail.record(db, "import.columns", agency_id=agency_id, files=file_ids)


# ----- reading -----


def load(db: Database, agency_id: int, first: date | None, last: date | None, names: Vocabulary,
         progress: Progress = NO_PROGRESS) -> Operations:
    """The agency's operations with `at` on the days first … last (None: open), in id order, as the engine
    takes them; terminal, operator and 事務 coded into `names` in order of first appearance (column_reads.Rows)."""
    _store_missing(db, agency_id, progress)
    start = None if first is None else to_seconds(datetime.combine(first, datetime.min.time()))
    end = None if last is None else to_seconds(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    chosen: list[tuple[int, int, int, Any]] = []  # file id, segment, rows, rows kept (None: all)
    size, last_id = 0, None
    for file_id, segment, rows, first_id, segment_last, first_at, last_at in db.query(
            "SELECT c.file_id, c.segment, c.rows, c.first_id, c.last_id, c.first_at, c.last_at "
            "FROM operation_columns c JOIN import_file f ON f.id = c.file_id "
            "WHERE f.agency_id = ? AND c.rows > 0 ORDER BY c.first_id", (agency_id,)):
        if last_id is not None and first_id <= last_id:
            raise _damaged()
        last_id = segment_last
        if (start is not None and last_at < start) or (end is not None and first_at >= end):
            continue
        kept = None
        if (start is not None and first_at < start) or (end is not None and last_at >= end):
            at = _values(db.scalar("SELECT at FROM operation_columns WHERE file_id = ? AND segment = ?",
                                   (file_id, segment)), rows)
            kept = np.ones(len(at), dtype=np.bool_)
            if start is not None:
                kept &= at >= start
            if end is not None:
                kept &= at < end
        chosen.append((file_id, segment, rows, kept))
        size += rows if kept is None else int(kept.sum())
    return _read(db, chosen, size, names, progress)


def _read(db: Database, chosen: list[tuple[int, int, int, Any]], size: int, names: Vocabulary,
          progress: Progress) -> Operations:
    """The chosen segments' rows, copied into the result's columns a segment at a time."""
    out: dict[str, Any] = {name: np.empty(size, dtype=np.bool_ if name == "failed" else np.int64) for name in _BLOBS}
    listed: list[dict[str, int]] = [{} for _ in _NAMES]  # each kind's names, in order of first appearance
    done = 0
    for number, (file_id, segment, rows, kept) in enumerate(chosen):
        progress.update(number, len(chosen), "操作ログを読み込んでいます")
        row = db.execute(f"SELECT {', '.join(_BLOBS)}, {', '.join(n for _, n in _NAMES)} "
                         "FROM operation_columns WHERE file_id = ? AND segment = ?", (file_id, segment)).fetchone()
        end = done + (rows if kept is None else int(np.count_nonzero(kept)))
        try:
            for name, blob in zip(_BLOBS, row, strict=False):
                values, base = _decoded(blob, rows)
                if kept is not None:
                    values = values[kept]
                if name in _CODES:  # the segment's own indexes → the run's, in order of first appearance
                    k = _CODES.index(name)
                    values = _recoded(values + base, json.loads(row[len(_BLOBS) + k]), listed[k], kept is None)
                elif name == "failed":
                    values = values + base != 0
                target = out[name][done:end]
                target[...] = values
                if base and name in _NUMBERS[:-1]:
                    target += base
        except (ValueError, IndexError, TypeError) as exc:  # blobs or lists that do not fit together
            raise _damaged() from exc
        done = end
    # Every terminal coded in order of first appearance, then every operator, then every 事務, as column_reads.
    terminal, operator, jimu = (coded(list(listed[k]), names)[out[codes]] for k, codes in enumerate(_CODES))
    return Operations(id=out["ids"], at=out["at"], terminal=terminal, operator=operator, jimu=jimu,
                      count=out["counted"], subject=out["subject"], failed=out["failed"])


def _recoded(local: Any, segment_names: list[str], listed: dict[str, int], whole: bool) -> Any:
    """A segment's indexes into its own names as indexes into `listed` (the run's names so far, in order of first
    appearance), adding the segment's new names in their order of first appearance."""
    code = np.full(len(segment_names), -1, dtype=np.int64)
    for i in _first_appearances(local, len(segment_names), whole):
        code[i] = listed.setdefault(segment_names[i], len(listed))
    return code[local]


def _damaged() -> StorageError:
    return StorageError("操作ログの突合用の列(取込時に作る索引)が壊れているか、アプリの外で変更されています。"
                        "verify-trail で確かめ、バックアップから復元してください。")


def _first_appearances(local: Any, listed: int, whole: bool) -> list[int]:
    """The segment's names present in `local`, in order of first appearance (a whole segment lists its own in
    that order)."""
    if whole:
        return list(range(listed))
    first = np.full(listed, len(local), dtype=np.int64)
    np.minimum.at(first, local, np.arange(len(local), dtype=np.int64))
    present = np.flatnonzero(first < len(local))
    return [int(i) for i in present[np.argsort(first[present])]]


# ----- checking -----


def problems(db: Database) -> list[str]:
    """Each file whose stored columns differ from the columns its operation rows give (a Japanese line each).
    Built again agency by agency, a window at a time, and compared segment by segment. A database before
    schema 11 (migration 0011) has no cache to check."""
    differing: set[int] = set()
    if db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'operation_columns'") == 0:
        return []
    for (agency_id,) in db.query("SELECT DISTINCT f.agency_id FROM operation_columns c "
                                 "JOIN import_file f ON f.id = c.file_id ORDER BY 1"):
        stored = set(db.query("SELECT c.file_id, c.segment FROM operation_columns c "
                              "JOIN import_file f ON f.id = c.file_id WHERE f.agency_id = ?", (agency_id,)))
        for segment in _built(db, success_values(db, sorted({file_id for file_id, _ in stored}))):
            if db.execute(f"SELECT {_COLUMNS} FROM operation_columns WHERE file_id = ? AND segment = ?",
                          segment[:2]).fetchone() != segment:
                differing.add(segment[0])
            stored.discard(segment[:2])
        differing |= {file_id for file_id, _ in stored}  # segments its rows do not give
    return [f"操作ログ {name}(取込ファイル id {file_id})の突合用の列が取り込んだ行と一致しません"
            "(アプリの外で変更されています)"
            for file_id, name in db.query("SELECT id, file_name FROM import_file WHERE id IN "
                                          "(SELECT value FROM json_each(?)) ORDER BY id",
                                          (json.dumps(sorted(differing)),))]
