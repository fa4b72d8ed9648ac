"""storage.row_digests gives, for many rows at once, exactly the digests storage.bindings.digest gives row by row
(the trail's rule): whatever the values' types, quotes, escapes, % signs or non-ASCII text."""

from __future__ import annotations

import random
from typing import Any

import pytest

from jukiaudit_desktop.storage import bindings, row_digests

# Values whose repr is awkward: quotes of both kinds, backslashes, control characters, % signs, non-ASCII,
# a lone surrogate, NUL, and the types whose repr differs from equal values of another type (1, True, 1.0).
AWKWARD = ["", "'", '"', "'\"", "\\", "a\nb", "\t", "\x00", "\x7f", "%", "%s", "%d%%", "住民票コード検索", "正常",
           "\u3000", "\ud800", "é", "2025-04-01T08:42:07", "別表5-10", "K10299", "x" * 300,
           None, 0, 1, -7, 2**70, True, False, 1.0, 0.1, float("nan"), b"\x00'", b"", 10**20]


def _rows(rng: random.Random, count: int, width: int) -> list[tuple[Any, ...]]:
    return [tuple(rng.choice(AWKWARD) for _ in range(width)) for _ in range(count)]


def _plain(table: str, rows: list[tuple[Any, ...]]) -> list[bytes]:
    return [bindings.digest(table, row) for row in rows]


@pytest.mark.parametrize("seed", range(6))
def test_mixed_columns_give_the_digests_of_the_rule(seed: int) -> None:
    rng = random.Random(seed)
    rows = _rows(rng, 400, 7)
    columns: list[row_digests.Column] = [list(column) for column in zip(*rows, strict=True)]
    assert row_digests.digests("operation", columns, len(rows)) == _plain("operation", rows)


def test_columns_of_one_kind_and_values_every_row_shares() -> None:
    """The kinds the fast forms take (ints, text or NULL, an id range), beside values shared by every row."""
    rng = random.Random(7)
    count = 300
    ids = range(41, 41 + count)
    lines = [rng.randrange(2, 10**6) for _ in range(count)]
    texts = [rng.choice(["T042", "住民票コード検索", "it's", "a\\b", "%", None]) for _ in range(count)]
    stamps = [f"2025-04-01T08:{rng.randrange(60):02d}:{rng.randrange(60):02d}" for _ in range(count)]
    shared = [3, "100%", None, "'", True]
    columns: list[row_digests.Column] = [ids, row_digests.Same(shared[0]), lines, row_digests.Same(shared[1]),
                                         texts, stamps, row_digests.Same(shared[2]), row_digests.Same(shared[3]),
                                         row_digests.Same(shared[4])]
    rows = [(i, shared[0], line, shared[1], text, stamp, shared[2], shared[3], shared[4])
            for i, line, text, stamp in zip(ids, lines, texts, stamps, strict=True)]
    assert row_digests.digests("register_entry", columns, count) == _plain("register_entry", rows)


def test_every_column_shared_one_column_and_a_table_name_with_percent() -> None:
    same = [row_digests.Same(5), row_digests.Same("x")]
    assert row_digests.digests("t%d", same, 3) == _plain("t%d", [(5, "x")] * 3)
    assert row_digests.digests("t", [["a", None]], 2) == _plain("t", [("a",), (None,)])
    assert row_digests.digests("t", [row_digests.Same(1)], 2) == _plain("t", [(1,), (1,)])
    assert row_digests.digests("t", [[1, True], [0, False], [1, 1.0]], 2) == _plain("t", [(1, 0, 1), (True, False, 1.0)])


@pytest.mark.parametrize("odd", ["it's", "a\\b", "a\tb", "\x7f", "\x85", "\u2028", "\ud800", "é", "住", '"', ""])
def test_a_column_of_text_with_one_value_repr_writes_otherwise(odd: str) -> None:
    """Printable text (non-ASCII too) is written as it is between quotes; one value that repr writes otherwise
    (a single quote, a backslash, a character that is not printable) sends its column the way of repr."""
    plain = [f"2025-04-01T08:42:{second:02d}" for second in range(20)]
    for column in (plain, [*plain[:7], odd, *plain[7:]]):
        rows = [(number, value) for number, value in enumerate(column)]
        assert row_digests.digests("t", [range(len(column)), column], len(column)) == _plain("t", rows)
