"""An import writes each log's column cache from the rows it inserts (storage.import_columns), never reading
them back: the cache it writes must be, byte for byte, the cache the stored rows give (what verify-trail and a
log imported before the cache get) — under every count rule, with rows skipped as stored already (within one
segment, across segments, all of them), whatever shape the file has. A value written otherwise than the
importers write it makes the import build the cache from the rows instead."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import sqlcipher3
from support.column_cache import (
    COLUMNS,
    HEADER,
    LENIENT,
    cache_rows,
    forbid_read_back,
    layout,
    log_lines,
    rows_cache,
    use_small_windows,
    write_log,
)

from jukiaudit_desktop.importers.profile import load_profile
from jukiaudit_desktop.reconcile.columns import NONE, SUBJECT_DIGITS
from jukiaudit_desktop.services import import_batches, imports
from jukiaudit_desktop.storage import import_columns, imports_repo, operation_columns
from jukiaudit_desktop.storage.database import Database

RULES = {
    "default": "",
    "only-some-kinds": '[oplog.count_rule]\nop_kinds = ["住民票コード検索", "4情報検索"]\n',
    "failed-not-counted": '[oplog.count_rule]\nfailed_results = ["エラー", "該当なし"]\ncount_failed = false\n',
    "persons-per-second": '[oplog.count_rule]\nper = "subject_second"\n',
    "lenient-vendor": LENIENT,
}
# Each import: its files as (name, first line, last line + 1), from one log of 900 lines.
OVERLAPS = {
    "one-file": [[("a.csv", 0, 900)]],
    "overlapping-logs": [[("a.csv", 0, 500)], [("b.csv", 300, 900)]],
    "overlapping-in-one-import": [[("a.csv", 0, 500), ("b.csv", 300, 900)]],
    "all-stored-already": [[("a.csv", 0, 900)], [("b.csv", 200, 700)]],
    "stored-in-the-middle": [[("a.csv", 400, 600)], [("b.csv", 0, 900)]],
}


@pytest.fixture(params=["one-window", "segments-of-64"])
def window(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "segments-of-64":
        use_small_windows(monkeypatch)


@pytest.mark.parametrize("overlap", sorted(OVERLAPS))
@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_cache_an_import_writes_is_the_cache_its_rows_give(window: None, db: Database, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, rule: str,
                                                               overlap: str) -> None:
    lines = log_lines(900, seed=5)
    vendor = layout(tmp_path, "vendor", RULES[rule])
    forbid_read_back(monkeypatch)
    skipped = 0
    for files in OVERLAPS[overlap]:
        paths = [write_log(tmp_path, name, lines[first:end]) for name, first, end in files]
        skipped += imports.import_files(db, "C21", vendor, paths).rows_skipped
    assert skipped == {"one-file": 0, "all-stored-already": 500}.get(overlap, 200)
    if rule != "default":  # the rule changed counts: the cache must hold them
        assert db.scalar("SELECT count(*) FROM operation WHERE counted != count") > 0
    assert cache_rows(db) == rows_cache(db)
    assert operation_columns.problems(db) == []


def test_removed_rows_leave_their_segments_and_empty_ones_go(db: Database, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    use_small_windows(monkeypatch)
    forbid_read_back(monkeypatch)
    lines = log_lines(600, seed=8)
    plain = layout(tmp_path, "plain")
    imports.import_files(db, "C21", plain, [write_log(tmp_path, "a.csv", lines[100:300])])
    imports.import_files(db, "C21", plain, [write_log(tmp_path, "b.csv", lines)])
    file_id = db.scalar("SELECT max(id) FROM import_file")
    segments = db.query("SELECT segment, rows FROM operation_columns WHERE file_id = ? ORDER BY segment", (file_id,))
    ids = [i for (i,) in db.query("SELECT id FROM operation WHERE file_id = ?", (file_id,))]
    assert [s for s, _ in segments] == sorted({i // 64 for i in ids})  # the 200 skipped ids' windows are gone
    assert len(segments) < (max(ids) - min(ids)) // 64 + 1 and sum(r for _, r in segments) == 400
    assert cache_rows(db) == rows_cache(db)


def test_a_file_imported_under_the_id_of_a_removed_one_has_only_its_own_cache(db: Database, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    use_small_windows(monkeypatch)
    plain = layout(tmp_path, "plain")
    imports.import_files(db, "C21", plain, [write_log(tmp_path, "a.csv", log_lines(300, seed=1))])
    removed = imports.import_files(db, "C21", plain, [write_log(tmp_path, "b.csv", log_lines(300, seed=2))])
    file_id = db.scalar("SELECT max(id) FROM import_file")
    assert removed.batch_id is not None
    import_batches.remove_import(db, removed.batch_id)
    forbid_read_back(monkeypatch)
    imports.import_files(db, "C21", plain, [write_log(tmp_path, "c.csv", log_lines(100, seed=3))])
    assert db.scalar("SELECT max(id) FROM import_file") == file_id  # the removed file's id again
    assert cache_rows(db) == rows_cache(db)


def csv_log(tmp_path: Path, lines: list[str], header: str = HEADER, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines, ""]), encoding="utf-8")
    return path


def xlsx_log(tmp_path: Path, lines: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for line in lines:
        cells: list[Any] = line.split(",")
        cells[0] = datetime.strptime(cells[0], "%Y/%m/%d %H:%M:%S")  # a date-time cell
        cells[5] = int(cells[5])
        sheet.append(cells)
    path = tmp_path / "log.xlsx"
    book.save(path)
    return path


def profile(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "shape.toml"
    path.write_text(f'name = "shape"\n{text}', encoding="utf-8")
    return load_profile(path).layout("oplog")


NO_SUBJECTS = COLUMNS.split("[[oplog.identifiers]]")[0]
SPLIT_MOMENT = NO_SUBJECTS.replace('at = "操作日時"', 'date = "日付"\ntime = "時刻"')


def shapes(tmp_path: Path, lines: list[str]) -> dict[str, tuple[Any, Path]]:
    """Files of every shape the importers read, with the profile that reads each."""
    blank_lines = [*lines[:150], "", *lines[150:]]  # a blank line: its batch is mapped row by row
    split = [line.replace(" ", ",", 1) for line in lines]
    no_jimu = [",".join(line.split(",")[:4] + line.split(",")[5:]) for line in lines]
    return {
        "subjects": (profile(tmp_path, COLUMNS), write_log(tmp_path, "s.csv", lines)),
        "no-subjects": (profile(tmp_path, NO_SUBJECTS), csv_log(tmp_path, lines, name="n.csv")),
        "row-by-row": (profile(tmp_path, COLUMNS), csv_log(tmp_path, blank_lines, name="b.csv")),
        "utf-16": (profile(tmp_path, COLUMNS), write_log(tmp_path, "u.csv", lines, "utf-16")),
        "date-and-time-columns": (profile(tmp_path, SPLIT_MOMENT),
                                  csv_log(tmp_path, split, HEADER.replace("操作日時", "日付,時刻"), "d.csv")),
        "no-jimu-column": (profile(tmp_path, NO_SUBJECTS.replace('jimu_code = "利用事務コード"\n', "")),
                           csv_log(tmp_path, no_jimu, HEADER.replace(",利用事務コード", ""), "j.csv")),
        "xlsx": (profile(tmp_path, COLUMNS), xlsx_log(tmp_path, lines)),
    }


@pytest.mark.parametrize("shape", ["subjects", "no-subjects", "row-by-row", "utf-16", "date-and-time-columns",
                                   "no-jimu-column", "xlsx"])
def test_every_file_shape_gives_the_rows_cache(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               shape: str) -> None:
    use_small_windows(monkeypatch)
    forbid_read_back(monkeypatch)
    shape_layout, path = shapes(tmp_path, log_lines(400, seed=3))[shape]
    assert imports.import_files(db, "C21", shape_layout, [path]).rows_added == 400
    assert cache_rows(db) == rows_cache(db)


def test_a_time_stamp_written_otherwise_makes_the_import_build_the_cache_from_rows(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fractions of a second (a profile's %f) are stored as written: the rows give the cache then."""
    built: list[int] = []
    store_from_rows = operation_columns.store_from_rows
    monkeypatch.setattr(operation_columns, "store_from_rows",
                        lambda db, file_id, after_id: built.append(file_id) or store_from_rows(db, file_id, after_id))
    lines = [f"{day},{clock}.25,{rest}" for day, clock, rest in
             (line.replace(" ", ",", 1).split(",", 2) for line in log_lines(300))]
    fractions = profile(tmp_path, SPLIT_MOMENT.replace('time = "時刻"',
                                                       'time = { header = "時刻", format = "%H:%M:%S.%f" }'))
    path = csv_log(tmp_path, lines, HEADER.replace("操作日時", "日付,時刻"))
    imports.import_files(db, "C21", fractions, [path])
    assert db.scalar("SELECT at FROM operation LIMIT 1").endswith(".250000")
    assert built == [db.scalar("SELECT id FROM import_file")]
    assert cache_rows(db) == rows_cache(db)


# ----- the values, as SQLite works them out -----


def stamps(count: int) -> list[str]:
    rng = random.Random(7)
    moments = [datetime(1, 1, 1) + timedelta(seconds=rng.randrange(315_500_000_000)) for _ in range(count)]
    edges = ["2024-02-29T23:59:59", "2100-02-28T00:00:00", "2000-03-01T00:00:00", "1970-01-01T00:00:00",
             "1969-12-31T23:59:59", "0001-01-01T00:00:00", "9999-12-31T23:59:59", "2025-02-30T12:00:00",
             "2025-04-31T08:00:00", "1900-02-29T00:00:00"]  # days past a month's end: as SQLite counts on
    return [m.isoformat() for m in moments] + edges


def test_time_stamps_give_what_sqlite_unixepoch_gives() -> None:
    written = stamps(5000)
    conn = sqlcipher3.connect(":memory:")
    expected = [conn.execute("SELECT unixepoch(?)", (s,)).fetchone()[0] for s in written]
    assert import_columns.seconds("".join(written), len(written)).tolist() == expected


@pytest.mark.parametrize("stamp", ["2025-04-01 08:42:07", "2025-04-01T08:42", "2025-04-01T08:42:07.5",
                                   "2025-13-01T08:42:07", "2025-04-00T08:42:07", "2025-04-01T24:00:00",
                                   "2025-04-01T08:60:00", "2025-04-01T08:42:60", "２025-04-01T08:42:07",
                                   "2025/04/01T08:42:07", "2025-04-01T08:4a:07", "+025-04-01T08:42:07"])
def test_a_time_stamp_written_otherwise_is_not_worked_out(stamp: str) -> None:
    written = ["2025-04-01T08:42:07", stamp]
    assert import_columns.seconds("".join(written), 2) is None


def test_subject_hashes_give_what_sql_reads_from_them() -> None:
    rng = random.Random(9)
    hashes: list[str | None] = [f"{rng.getrandbits(256):064x}" for _ in range(500)]
    hashes += [None, "0" * 64, "0" * 15 + "f" * 49, "F" * 64, f"{rng.getrandbits(256):064X}", None]
    expected = [int(h[:SUBJECT_DIGITS], 16) or NONE if h else NONE for h in hashes]
    assert import_columns.subjects(hashes).tolist() == expected
    assert expected.count(NONE) == 4 and max(expected) == 16 ** SUBJECT_DIGITS - 1


@pytest.mark.parametrize("bad", ["", "0" * 63, "g" * 64, "é" * 64, "0" * 65, "0" * 62 + "  "])
def test_a_hash_written_otherwise_is_not_read(bad: str) -> None:
    assert import_columns.subjects(["a" * 64, bad]) is None


def test_names_without_a_value_are_listed_as_empty_text() -> None:
    code, names = import_columns._texts(np.array([0, 1, 2, 1, 0]), [None, "別表5-10", ""])
    assert names == ["", "別表5-10"] and code.tolist() == [0, 1, 0, 1, 0]
    assert import_columns._texts(np.array([0, 1]), ["T001", 7]) is None


def test_rows_that_do_not_follow_on_make_the_import_build_the_cache_from_rows(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row the import did not insert itself among its own (another writer on the connection): the ids no longer
    follow on from the batches, so the cache comes from the rows, that row included."""
    built: list[int] = []
    store_from_rows = operation_columns.store_from_rows
    monkeypatch.setattr(operation_columns, "store_from_rows",
                        lambda db, file_id, after_id: built.append(file_id) or store_from_rows(db, file_id, after_id))
    insert_operations = imports_repo.insert_operations

    def insert_and_copy(db: Database, file_id: int, agency_id: int, rows: Any, digests: bytes | None) -> None:
        insert_operations(db, file_id, agency_id, rows, digests)
        db.execute("INSERT INTO operation (file_id, agency_id, line, at, terminal, operator, count) "
                   "SELECT file_id, agency_id, line, at, 'T999', operator, count FROM operation "
                   "WHERE id = (SELECT max(id) FROM operation)")

    monkeypatch.setattr(imports_repo, "insert_operations", insert_and_copy)
    lines = log_lines(400, seed=4)
    imports.import_files(db, "C21", layout(tmp_path, "plain"), [write_log(tmp_path, "a.csv", lines)])
    assert db.scalar("SELECT count(*) FROM operation WHERE terminal = 'T999'") == 1
    assert built == [db.scalar("SELECT id FROM import_file")]
    assert cache_rows(db) == rows_cache(db)
