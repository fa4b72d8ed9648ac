"""Rows an import skipped because they were stored already: counted, and told as ranges of lines
(「oplog_q2.csv 行 2–1235 = oplog_h1.csv 行 4–1237」)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from ..storage.import_overlap import Pair

_RANGES_KEPT = 1000  # ranges remembered for the report; the count is always exact
_RANGES_TOLD = 3  # ranges written out in a message


@dataclass
class LineRange:
    """New lines first..last equal the earlier file's lines old_first..old_first + (last - first)."""

    first: int
    last: int
    old_file: str | None  # None: entries typed in by hand
    old_first: int | None

    def follows(self, pair: Pair) -> bool:
        step = pair.new_line - self.last
        return (step == 1 and pair.old_file == self.old_file and self.old_first is not None
                and pair.old_line == self.old_first + (self.last - self.first) + 1)

    def describe(self, file_name: str) -> str:
        new = _lines(self.first, self.last)
        if self.old_file is None or self.old_first is None:
            return f"{file_name} {new} = 手入力の記帳"
        old = _lines(self.old_first, self.old_first + (self.last - self.first))
        return f"{file_name} {new} = {self.old_file} {old}"


def _lines(first: int, last: int) -> str:
    return f"行 {first}" if first == last else f"行 {first}–{last}"


@dataclass
class SkippedRows:
    """Collects the pairs of one file in line order: the ids to remove and the ranges to report."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    ranges: list[LineRange] = field(default_factory=list)  # the first _RANGES_KEPT
    range_count: int = 0
    _current: LineRange | None = None

    def add(self, pair: Pair) -> None:
        self.ids.append(pair.new_id)
        if self._current is not None and self._current.follows(pair):
            self._current.last = pair.new_line
            return
        self._current = LineRange(pair.new_line, pair.new_line, pair.old_file, pair.old_line)
        self.range_count += 1
        if len(self.ranges) < _RANGES_KEPT:
            self.ranges.append(self._current)

    def __len__(self) -> int:
        return len(self.ids)

    def describe(self, file_name: str) -> str:
        """「既に取り込まれた行 N 行を飛ばしました(…)」, or "" when nothing was skipped."""
        if not self.ids:
            return ""
        told = "、".join(r.describe(file_name) for r in self.ranges[:_RANGES_TOLD])
        more = self.range_count - min(len(self.ranges), _RANGES_TOLD)
        if more > 0:
            told += f" ほか {more:,} 箇所"
        return f"既に取り込まれた行 {len(self.ids):,} 行を飛ばしました({told})"
