"""The column-by-column fast path of the row mapper gives exactly the rows of the row-by-row path."""

from __future__ import annotations

from pathlib import Path

import shared_data

from jukiaudit_desktop.importers.issues import IssueCollector
from jukiaudit_desktop.importers.mapping import open_mapper
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.importers.tables import open_source


def _mapped(path: Path, fast: bool) -> list[tuple[object, ...]]:
    layout = default_profile().layout("oplog")
    mapper, rows = open_mapper(open_source(path, layout), layout, IssueCollector())
    assert mapper.fast_columns  # operation logs of a fixed width take the fast path
    mapper.fast_columns = fast
    return [row for batch in mapper.batches(rows) for row in batch]


def test_fast_path_equals_row_by_row_on_the_sample_log() -> None:
    fast = _mapped(shared_data.SAMPLES / "oplog_cp932.csv", fast=True)
    assert len(fast) == 3187
    assert fast == _mapped(shared_data.SAMPLES / "oplog_cp932.csv", fast=False)


def test_a_batch_with_one_odd_row_falls_back_and_still_equals_row_by_row(tmp_path: Path) -> None:
    text = (shared_data.SAMPLES / "oplog_cp932.csv").read_bytes().decode("cp932").splitlines()
    # full-width digits and a time without seconds in one row: the fast check refuses the batch
    text[5] = text[5].replace("T00", "Ｔ００").replace(text[5][11:19], text[5][11:16])
    odd = tmp_path / "odd.csv"
    odd.write_bytes("\r\n".join(text).encode("cp932"))
    fast = _mapped(odd, fast=True)
    assert fast == _mapped(odd, fast=False)
    assert fast[4][1:3] == (fast[4][1][:16] + ":00", "T00" + text[5].split(",")[1][-1])
