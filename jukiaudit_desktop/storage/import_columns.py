"""The column cache (storage.operation_columns) of an operation log being imported, made from the rows the
import inserts, batch by batch, as numpy columns: nothing is read back (reading a million new rows back through
the write-ahead log cost ~3 s of an import). A segment is written as soon as the import's ids leave its window,
so a log of any size holds one segment's columns at a time.

The values are those operation_columns reads from the rows, made from the values inserted: unixepoch(at) worked
out from the YYYY-MM-DDTHH:MM:SS text, the subject hash's first 15 hex digits, 1 where 処理結果 is given and is not
one of the file's success values, 事務 None as "". Rows the import then takes out again (stored already) are
taken out of their segments (read back from operation_columns, a few bytes an operation); a count rule that
sets `counted` has it read back, one column for the file. On any doubt — a value written otherwise than the
importers write it, ids that do not follow on — the file's columns are built from its rows instead
(operation_columns.store_from_rows), as for logs imported before the cache existed. verify-trail builds every
file's columns from its rows again and compares (operation_columns.problems).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any, cast

import numpy as np

from ..reconcile.columns import NONE, SUBJECT_DIGITS, hex_words
from . import operation_columns
from .database import Database
from .operation_columns import Segment

# The values of the rows importers.mapping makes (imports_repo.insert_operations), by position.
_ROW = ("line", "at", "terminal", "operator", "op_kind", "jimu_code", "count", "result", "subject_hash")
_AT, _COUNT, _RESULT, _SUBJECT = (itemgetter(_ROW.index(f)) for f in ("at", "count", "result", "subject_hash"))
_CODED = tuple(itemgetter(_ROW.index(f)) for f in ("terminal", "operator", "jimu_code"))
_WITH_SUBJECT = len(_ROW) + 1  # the width of a row with a subject hash and mask

_STAMP = 19  # characters of YYYY-MM-DDTHH:MM:SS
_SEPARATORS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"}
_DIGITS = [i for i in range(_STAMP) if i not in _SEPARATORS]
_HASH = 64  # hex digits of a subject hash (core.identifiers.keyed_hash)
_WORDS = _HASH // 16  # 16-digit words of a subject hash (reconcile.columns.hex_words)


class _Codes(dict[Any, int]):
    """Each value's index, in order of first appearance: a new value gets the next."""

    def __missing__(self, value: Any) -> int:
        self[value] = code = len(self)
        return code


class _Collecting:
    """The columns of one segment so far, a part per batch."""

    def __init__(self, window: int, first_id: int) -> None:
        self.window, self.first_id, self.rows = window, first_id, 0
        self.numbers: list[list[Any]] = [[] for _ in range(4)]  # at, counted, subject, failed
        self.codes: list[list[Any]] = [[] for _ in _CODED]
        self.index = [_Codes() for _ in _CODED]

    def add(self, rows: Sequence[tuple[Any, ...]], success: frozenset[str]) -> bool:
        """Take the rows' columns; False when a value is not written as the importers write it."""
        numbers = _numbers(rows, success)
        if numbers is None:
            return False
        for parts, values in zip(self.numbers, numbers, strict=True):
            parts.append(values)
        for parts, index, value in zip(self.codes, self.index, _CODED, strict=True):
            parts.append(np.fromiter(map(index.__getitem__, map(value, rows)), dtype=np.int32, count=len(rows)))
        self.rows += len(rows)
        return True

    def segment(self) -> Segment | None:
        """The segment collected (the parts let go as they are joined); None when a name is not text."""
        at, counted, subject, failed = (_joined(parts) for parts in self.numbers)
        ids = np.arange(self.first_id, self.first_id + self.rows, dtype=np.int64)
        codes, names = [], []
        for parts, index in zip(self.codes, self.index, strict=True):
            named = _texts(_joined(parts), list(index))
            if named is None:
                return None
            codes.append(named[0])
            names.append(named[1])
        return Segment(self.window, [at, ids, counted, subject, failed], codes, names)


class ImportColumns:
    """The column cache of one log being imported: `add` each batch just inserted, then `store` once the file's
    rows are final (stored rows taken out, the count rule applied). Inside the import's transaction."""

    def __init__(self, db: Database, file_id: int, after_id: int) -> None:
        """For the file whose operations are inserted next, with ids from after_id + 1 on."""
        self.db, self.file_id, self.after_id = db, file_id, after_id
        self.next_id = after_id + 1
        self.success = frozenset(operation_columns.success_values(db, [file_id])[file_id])
        self.collecting: _Collecting | None = None
        self.windows: list[int] = []  # segments written
        self.exact = True  # False: build them from the rows in the end
        operation_columns.delete(db, file_id)  # any left by a removed file of the same id

    def add(self, batch: Sequence[tuple[Any, ...]]) -> None:
        """The rows of importers.mapping just inserted (imports_repo.insert_operations), in order: called right
        after their insert, on the same connection (last_insert_rowid() must be their last id)."""
        first = self.next_id
        self.next_id += len(batch)
        if not self.exact or not batch:
            return
        if self.db.scalar("SELECT last_insert_rowid()") != self.next_id - 1:
            self._give_up()  # not the rows just inserted
            return
        window = operation_columns.WINDOW
        start = 0
        while start < len(batch):
            segment = (first + start) // window
            end = min(len(batch), (segment + 1) * window - first)
            if self.collecting is None or self.collecting.window != segment:
                self._write()
                self.collecting = _Collecting(segment, first + start)
            if not self.exact or not self.collecting.add(batch[start:end] if end - start < len(batch) else batch,
                                                         self.success):
                self._give_up()
                return
            start = end

    def store(self, skipped_ids: Sequence[int], recount: bool) -> None:
        """Write the file's columns: without the rows taken out again (`skipped_ids`), with `counted` read back
        when the count rule set it (`recount`)."""
        self._write()
        if not self.exact:
            operation_columns.store_from_rows(self.db, self.file_id, self.after_id)
            return
        removed = np.unique(np.asarray(skipped_ids, dtype=np.int64))
        window = operation_columns.WINDOW
        changed = self.windows if recount else sorted(set((removed // window).tolist()))
        left = len(self.windows)
        for segment in changed:
            columns = operation_columns.stored_segment(self.db, self.file_id, segment)
            if len(removed):
                columns = columns.kept(np.isin(columns.numbers[1], removed, invert=True))
            if len(columns.numbers[1]) == 0:
                operation_columns.delete(self.db, self.file_id, segment)
                left -= 1
                continue
            if recount and not self._recount(columns):
                operation_columns.store_from_rows(self.db, self.file_id, self.after_id)
                return
            operation_columns.write(self.db, [columns.row(self.file_id)])
        if left == 0:
            operation_columns.write(self.db, [operation_columns.empty_row(self.file_id)])

    def _recount(self, columns: Segment) -> bool:
        """Read `counted` back for the segment's operations; False when the rows are not the segment's."""
        ids = columns.numbers[1]
        rows, text = self.db.execute(
            "SELECT count(*), group_concat(coalesce(counted, count)) FROM operation NOT INDEXED "
            "WHERE id BETWEEN ? AND ? AND file_id = ?", (int(ids[0]), int(ids[-1]), self.file_id)).fetchone()
        if rows != len(ids):
            return False
        columns.numbers[2] = np.fromstring(text, dtype=np.int64, sep=",")
        return True

    def _write(self) -> None:
        """Write the segment collected so far."""
        collecting, self.collecting = self.collecting, None
        if collecting is None or not self.exact:
            return
        segment = collecting.segment()
        if segment is None:
            self._give_up()
            return
        operation_columns.write(self.db, [segment.row(self.file_id)])
        self.windows.append(segment.window)

    def _give_up(self) -> None:
        self.exact, self.collecting = False, None


def _joined(parts: list[Any]) -> Any:
    joined = np.concatenate(parts)
    parts.clear()
    return joined


def _numbers(rows: Sequence[tuple[Any, ...]], success: frozenset[str]) -> list[Any] | None:
    """The rows' at, counted, subject and failed; None when a value is not written as the importers write it."""
    count = len(rows)
    at = seconds("".join(map(_AT, rows)), count)
    if at is None:
        return None
    try:
        counted = np.fromiter(map(_COUNT, rows), dtype=np.int64, count=count)
    except (TypeError, ValueError, OverflowError):
        return None
    subject = subjects(list(map(_SUBJECT, rows))) if len(rows[0]) == _WITH_SUBJECT else np.full(count, NONE)
    results = set(map(_RESULT, rows))
    if subject is None or not all(r is None or type(r) is str for r in results):
        return None
    failed_values = {r for r in results if r is not None and r not in success}
    failed = (np.fromiter(map(failed_values.__contains__, map(_RESULT, rows)), dtype=np.bool_, count=count)
              if failed_values else np.zeros(count, dtype=np.bool_))
    return [at, counted, subject, failed]


def seconds(stamps: str, count: int) -> Any:
    """unixepoch() of `count` time stamps YYYY-MM-DDTHH:MM:SS written one after another, as SQLite works it out;
    None when any is written otherwise."""
    if len(stamps) != _STAMP * count or not stamps.isascii():
        return None
    chars = np.frombuffer(stamps.encode("ascii"), dtype=np.uint8).reshape(count, _STAMP)
    for position, separator in _SEPARATORS.items():
        if not (chars[:, position] == ord(separator)).all():
            return None
    digits = chars[:, _DIGITS] - np.uint8(ord("0"))  # a byte below "0" wraps above 9
    if (digits > 9).any():
        return None
    d = digits.astype(np.int64)
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month, day, hour, minute, second = (d[:, k] * 10 + d[:, k + 1] for k in range(4, 14, 2))
    if ((month < 1) | (month > 12) | (day < 1) | (day > 31) | (hour > 23) | (minute > 59) | (second > 59)).any():
        return None
    # Days from 1970-01-01 in the proleptic Gregorian calendar, counted from March (H. Hinnant's
    # days_from_civil); like SQLite's, linear in the day, so 02-30 is 03-02 in both.
    year -= month <= 2
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    days = era * 146097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719468
    return days * 86400 + hour * 3600 + minute * 60 + second


def subjects(hashes: list[str | None]) -> Any:
    """Each subject hash's first 15 hex digits as a number, NONE without a hash (or for 15 zeros, as
    operation_columns reads them); None when a hash is not 64 hex digits."""
    count = len(hashes)
    if None in hashes:
        hashes = ["0" * _HASH if h is None else h for h in hashes]
    text = "".join(cast("list[str]", hashes))
    if len(text) != _HASH * count:
        return None
    try:
        words = hex_words(text)
    except ValueError:  # not hex digits
        return None
    if len(words) != _WORDS * count:  # bytes.fromhex passes over white space
        return None
    value = (words.reshape(count, _WORDS)[:, 0] >> np.uint64(4 * (16 - SUBJECT_DIGITS))).astype(np.int64)
    value[value == 0] = NONE
    return value


def _texts(code: Any, values: list[Any]) -> tuple[Any, list[str]] | None:
    """Indexes into values (in order of first appearance) as indexes into their texts as stored: None as ""
    (coalesce(jimu_code, '')); None when a value is neither text nor None."""
    texts = ["" if v is None else v for v in values]
    if not all(type(t) is str for t in texts):
        return None
    if len(set(texts)) == len(texts):
        return code, texts
    merged = _Codes()
    return np.array([merged[t] for t in texts], dtype=np.int64)[code], list(merged)
