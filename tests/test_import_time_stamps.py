"""A column of time stamps read at once (importers.values.DateTimes.column, the import's fast path) gives exactly
what reading each stamp alone gives, or fails as it does: valid and invalid dates and times, both separators,
and profiles whose formats read a stamp differently."""

from __future__ import annotations

import random

import pytest

from jukiaudit_desktop.importers.values import datetime_converter

FORMATS = [["auto"], ["%Y/%m/%d %H:%M:%S"], ["%Y/%d/%m %H:%M:%S"], ["%Y-%m-%d %H:%M:%S"], ["%Y/%m/%d %I:%M:%S"],
           ["%Y/%m/%d %H:%M:%S", "auto"]]
ODD = ["2025/04/01 24:00:00", "2025/04/01 23:59:60", "2025/04/01 07:60:00", "2025/02/30 08:00:00",
       "2025/13/01 08:00:00", "2025-04/01 08:00:00", "2025/04/01 19:05:09", "2025-12-31 00:00:00"]


def _column(seed: int, separators: str, odd: str | None) -> list[str]:
    rng = random.Random(seed)
    stamps = [f"2025{rng.choice(separators)}04{rng.choice(separators)}{rng.randrange(1, 31):02d} "
              f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}" for _ in range(300)]
    return stamps if odd is None else [*stamps[:150], odd, *stamps[150:]]


def _one_by_one(convert: object, column: list[str]) -> list[str] | type[ValueError]:
    try:
        return [convert.convert(stamp) for stamp in column]  # type: ignore[attr-defined]
    except ValueError:
        return ValueError


@pytest.mark.parametrize("formats", FORMATS, ids=" | ".join)
@pytest.mark.parametrize("odd", [None, *ODD])
def test_a_column_reads_as_its_stamps_one_by_one(formats: list[str], odd: str | None) -> None:
    converter = datetime_converter(formats)
    separators = "/-" if formats == ["auto"] else "-" if formats[0].startswith("%Y-") else "/"
    column = _column(len(formats), separators, odd)
    expected = _one_by_one(converter, column)
    try:
        assert converter.column(column) == expected
    except ValueError:
        assert expected is ValueError
