"""The engine's input as compact columns (numpy arrays): operations, register entries, the agency's lists.

Times are whole seconds on a naive local clock (seconds since 1970-01-01T00:00 local), so day and time of
day are plain integer arithmetic. Names (terminal, operator, 事務 code) are small integers into one
`Vocabulary`, so comparing an operation with an entry is an integer comparison. A subject (the keyed hash of
the person looked up) is the number its hash's first 15 hex digits make (`subject_number`): 60 bits, so two
people in a million share one with a chance below 10^-6, and a real hash reads as 0 (no subject) with a
chance of 2^-60.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EPOCH = datetime(1970, 1, 1)
DAY = 86_400
NONE = -1  # code of a missing name (no 事務 code, no count, no subject)
SUBJECT_DIGITS = 15  # hex digits of a subject hash read as its number


def to_seconds(moment: datetime) -> int:
    return int((moment - EPOCH) // timedelta(seconds=1))


def from_seconds(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=int(seconds))


def day_of(day: date) -> int:
    return (day - EPOCH.date()).days


def iso(seconds: int) -> str:
    return from_seconds(seconds).isoformat(timespec="seconds")


def subject_number(subject_hash: str) -> int:
    """The number a subject hash stands for in the engine: its first 15 hex digits (0 is no subject)."""
    return int(subject_hash[:SUBJECT_DIGITS], 16)


def hex_words(hex_digits: str) -> npt.NDArray[np.uint64]:
    """16-hex-digit words written one after another, as unsigned 64-bit numbers."""
    return np.frombuffer(bytes.fromhex(hex_digits), dtype=">u8").astype(np.uint64)


def run_starts(*keys: IntArray) -> BoolArray:
    """On rows sorted by `keys`: True where a row starts a new combination of key values."""
    starts = np.ones(len(keys[0]), dtype=np.bool_)
    if len(starts) > 1:
        starts[1:] = np.logical_or.reduce([key[1:] != key[:-1] for key in keys])
    return starts


def stable_sort(key: IntArray) -> tuple[IntArray, IntArray]:
    """The positions of `key` ordered by its value, equal values in position order, and the values in that
    order: what a stable argsort gives, made with one plain sort of value × n + position, which numpy does
    several times faster. `key` holds values ≥ 0 with max × n < 2^63."""
    n = len(key)
    values, positions = np.divmod(np.sort(key * n + np.arange(n)), max(n, 1))
    return positions, values


def grouped_order(*codes: IntArray) -> IntArray:
    """Row positions ordered by `codes` (the first most significant), rows of equal codes in their given order:
    what `np.lexsort((np.arange(n), *reversed(codes)))` gives. Rows in time order (Operations.in_time_order)
    come out ordered by the codes, then time, then id. One stable pass per code, least significant first;
    codes are vocabulary codes (≥ NONE), so each pass is numpy's radix sort on 16 bits (timsort when a
    vocabulary outgrows them): at 10^7 rows a third of the time of lexsort."""
    order: IntArray | None = None
    for code in reversed(codes):
        shifted = (code if order is None else code[order]) - NONE  # ≥ 0
        narrow = shifted.astype(np.uint16) if len(shifted) == 0 or shifted.max() <= np.iinfo(np.uint16).max else shifted
        passed = np.argsort(narrow, kind="stable")
        order = passed if order is None else order[passed]
    assert order is not None, "at least one code"
    return order


def run_bounds(*keys: IntArray) -> list[tuple[int, int]]:
    """(first, end) of each run of equal key values, on rows sorted by `keys`."""
    if len(keys[0]) == 0:
        return []
    bounds = np.append(np.flatnonzero(run_starts(*keys)), len(keys[0])).tolist()
    return list(zip(bounds[:-1], bounds[1:], strict=True))


@dataclass
class Vocabulary:
    """Names to small integers and back; the same name always gets the same code within one run."""

    names: list[str] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)

    def code(self, name: str | None) -> int:
        if name is None or name == "":
            return NONE
        found = self.codes.get(name)
        if found is None:
            found = self.codes[name] = len(self.names)
            self.names.append(name)
        return found

    def name(self, code: int) -> str | None:
        return None if code == NONE else self.names[code]


@dataclass(frozen=True)
class Operations:
    """One entry per logged operation; all arrays have the same length."""

    id: IntArray
    at: IntArray
    terminal: IntArray
    operator: IntArray
    jimu: IntArray  # NONE when the log gives no 事務 code
    count: IntArray
    subject: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # NONE: no subject
    failed: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))  # 処理結果 not a success

    def __post_init__(self) -> None:
        """Without subject or failure columns: no operation has a subject, none failed."""
        if len(self.subject) == 0:
            object.__setattr__(self, "subject", np.full(len(self.id), NONE, dtype=np.int64))
        if len(self.failed) == 0:
            object.__setattr__(self, "failed", np.zeros(len(self.id), dtype=np.bool_))

    def __len__(self) -> int:
        return len(self.id)

    def take(self, rows: BoolArray | IntArray) -> Operations:
        """The operations selected by a mask or by indices."""
        return Operations(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def in_time_order(self) -> Operations:
        """The operations ordered by time, then id; those read from the database usually are already."""
        later = self.at[1:] > self.at[:-1]
        ordered = later | ((self.at[1:] == self.at[:-1]) & (self.id[1:] > self.id[:-1]))
        return self if ordered.all() else self.take(np.lexsort((self.id, self.at)))


@dataclass(frozen=True)
class RegisterEntries:
    """One entry per register line. `end` is the last second of the end minute (the end minute is inclusive)."""

    id: IntArray
    start: IntArray
    end: IntArray
    terminal: IntArray
    operator: IntArray
    jimu: IntArray  # NONE when the register gives no 事務 code
    count: IntArray  # NONE when the register gives no count

    def __len__(self) -> int:
        return len(self.id)


@dataclass(frozen=True)
class OperatorValidity:
    """One registered operator ID: valid from `first_day` (inclusive) until `end_day` (exclusive); days as
    day numbers, None = open."""

    operator: int
    first_day: int | None
    end_day: int | None


@dataclass(frozen=True)
class JimuValidity:
    """One authorised 事務 code with the days its basis is valid (inclusive), None = open."""

    jimu: int
    first_day: int | None
    last_day: int | None


@dataclass(frozen=True)
class AgencyLists:
    """The agency's operator list and authorised 事務 list; None when the agency has none (check skipped).
    `terminals`: registered terminal codes (None: none registered, check skipped); `operator_jimu`: the
    authorised 事務 of operators that have a list of their own; `watched`: subject number → 表示名 of the
    agency's and the office's watch-lists."""

    operators: list[OperatorValidity] | None
    jimu: list[JimuValidity] | None
    terminals: list[int] | None = None
    operator_jimu: dict[int, list[JimuValidity]] = field(default_factory=dict)
    watched: dict[int, str] = field(default_factory=dict)

