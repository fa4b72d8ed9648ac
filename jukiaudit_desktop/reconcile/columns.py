"""The engine's input as compact columns (numpy arrays): operations, register entries, the agency's lists.

Times are whole seconds on a naive local clock (seconds since 1970-01-01T00:00 local), so day and time of
day are plain integer arithmetic. Names (terminal, operator, 事務 code) are small integers into one
`Vocabulary`, so comparing an operation with an entry is an integer comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EPOCH = datetime(1970, 1, 1)
DAY = 86_400
NONE = -1  # code of a missing name (no 事務 code, no count)


def to_seconds(moment: datetime) -> int:
    return int((moment - EPOCH) // timedelta(seconds=1))


def from_seconds(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=int(seconds))


def day_of(day: date) -> int:
    return (day - EPOCH.date()).days


def iso(seconds: int) -> str:
    return from_seconds(seconds).isoformat(timespec="seconds")


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

    def __len__(self) -> int:
        return len(self.id)


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
    """The agency's operator list and authorised 事務 list; None when the agency has none (check skipped)."""

    operators: list[OperatorValidity] | None
    jimu: list[JimuValidity] | None

