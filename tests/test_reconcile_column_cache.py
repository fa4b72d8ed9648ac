"""The reconciliation's input comes from each imported log's column cache (storage.operation_columns): it must
give exactly what reading the operation rows gives — same arrays, same order, same vocabulary — whatever was
imported (several files and batches, different success values, count rules, overlapping files with skipped
rows, an import removed, a period chosen); logs imported before the cache existed get theirs on first need;
an edited cache is found by verify-trail."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlcipher3
from support.column_cache import (
    LENIENT,
    cache_rows,
    forbid_read_back,
    layout,
    log_lines,
    rows_cache,
    use_small_windows,
    write_log,
)
from support.release import RELEASE_PASSPHRASE, copy_release

from jukiaudit_desktop.core.records import DEFAULT_SUCCESS_RESULTS
from jukiaudit_desktop.reconcile.columns import NONE, SUBJECT_DIGITS, Operations, Vocabulary
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import import_batches, imports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage import operation_columns, reconcile_repo, trail_data
from jukiaudit_desktop.storage.database import Database, StorageError
from jukiaudit_desktop.storage.reconcile_repo import ALL_TIME, Period

PERIODS = [ALL_TIME, Period(date(2025, 4, 2), date(2025, 4, 4)), Period(None, date(2025, 4, 3)),
           Period(date(2025, 4, 5), None), Period(date(2025, 5, 1), date(2025, 5, 2))]


def from_rows(db: Database, agency_id: int, period: Period) -> tuple[Operations, list[str]]:
    """What the operation rows say, read one by one without the cache: the engine's input and the names in
    the order they were coded (every terminal by first appearance, then operators, then 事務)."""
    success = {i: DEFAULT_SUCCESS_RESULTS if v is None else tuple(json.loads(v))
               for i, v in db.query("SELECT id, success_results FROM import_file")}
    where, params = period.sql("at")
    rows = db.query("SELECT id, file_id, unixepoch(at), coalesce(counted, count), terminal, operator, "
                    f"coalesce(jimu_code, ''), subject_hash, result FROM operation WHERE agency_id = ?{where} "
                    "ORDER BY id", [agency_id, *params])
    names = Vocabulary()
    codes = [{name: names.code(name) for name in dict.fromkeys(r[k] for r in rows)} for k in (4, 5, 6)]
    subjects = [int(h[:SUBJECT_DIGITS], 16) if h else 0 for *_, h, _ in rows]

    def column(values: list[Any], dtype: Any = np.int64) -> Any:
        return np.array(values, dtype=dtype)

    ops = Operations(id=column([r[0] for r in rows]), at=column([r[2] for r in rows]),
                     terminal=column([codes[0][r[4]] for r in rows]), operator=column([codes[1][r[5]] for r in rows]),
                     jimu=column([codes[2][r[6]] for r in rows]), count=column([r[3] for r in rows]),
                     subject=column([s or NONE for s in subjects]),
                     failed=column([r[8] is not None and r[8] not in success[r[1]] for r in rows], np.bool_))
    return ops, names.names


def assert_cache_gives_the_rows(db: Database, agency_id: int, period: Period) -> None:
    names = Vocabulary()
    cached = reconcile_repo.load_operations(db, agency_id, period, names)
    expected, expected_names = from_rows(db, agency_id, period)
    for field in ("id", "at", "terminal", "operator", "jimu", "count", "subject", "failed"):
        got, want = getattr(cached, field), getattr(expected, field)
        assert got.dtype == want.dtype and np.array_equal(got, want), (field, period)
    assert names.names == expected_names, period


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    use_small_windows(monkeypatch)


@pytest.fixture(params=["one-window", "many-segments"])
def window(request: pytest.FixtureRequest) -> None:
    if request.param == "many-segments":
        request.getfixturevalue("small_windows")


@pytest.fixture
def imported(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Three imports into C21 and one into another agency: a plain log; then a vendor's log with its own success
    values and count rule overlapping the first by 200 lines (skipped), in one batch with a UTF-16 log; then a
    log imported last (removed by the tests that need it). Each writes its cache from the rows it inserts."""
    with monkeypatch.context() as imports_only:
        forbid_read_back(imports_only)
        import_logs(db, tmp_path)
    return db


def import_logs(db: Database, tmp_path: Path) -> None:
    lines = log_lines(2400)
    plain = layout(tmp_path, "plain")
    first = imports.import_files(db, "C21", plain, [write_log(tmp_path, "a.csv", lines[:800])])
    second = imports.import_files(db, "C21", layout(tmp_path, "vendor", LENIENT),
                                  [write_log(tmp_path, "b.csv", lines[600:1400]),
                                   write_log(tmp_path, "c.csv", lines[1400:2000], "utf-16")])
    imports.import_files(db, "C21", plain, [write_log(tmp_path, "d.csv", lines[2000:])])
    imports.import_files(db, "Z99", plain, [write_log(tmp_path, "z.csv", lines[:500])])
    assert first.rows_added == 800 and second.rows_skipped == 200


def agency(db: Database, code: str = "C21") -> int:
    return int(db.scalar("SELECT id FROM agency WHERE code = ?", (code,)))


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_the_cache_gives_what_the_rows_give(window: None, imported: Database, period: Period) -> None:
    db = imported
    widths = {(len(blob) - 8) // rows for row in db.query("SELECT * FROM operation_columns WHERE rows > 1")
              for rows, blob in zip([row[2]] * 8, row[7:15], strict=True)}
    assert {0, 1, 4, 8} <= widths  # 2 too with segments of more than 256 operations
    assert db.scalar("SELECT count(*) FROM operation WHERE counted IS NOT NULL AND counted != count") > 0
    assert db.scalar("SELECT count(*) FROM operation WHERE result = '該当なし'") > 0
    assert cache_rows(db) == rows_cache(db)  # as the rows give it, byte for byte
    assert_cache_gives_the_rows(db, agency(db), period)
    assert_cache_gives_the_rows(db, agency(db, "Z99"), period)


@pytest.mark.parametrize(("values", "width"), [([0], 0), ([-1, 1 << 60], 8), ([-(1 << 63), (1 << 63) - 1, 0], 8),
                                               ([7, 7, 300, 70_000], 4), ([5, 6, 7, 8], 0), ([5, 7, 6, 8], 1),
                                               ([-2, -1, 0, 1 << 8], 2)])
def test_a_blob_gives_back_its_values(values: list[int], width: int) -> None:
    blob = operation_columns._encoded(np.array(values, dtype=np.int64))
    assert len(blob) == 8 + width * len(values)  # ids that follow on (width 0) take no room
    offsets, base = operation_columns._decoded(blob, len(values))
    assert (offsets.astype(np.int64) + base).tolist() == values


def test_an_import_removed_takes_its_cache_with_it(small_windows: None, imported: Database) -> None:
    db = imported
    last = import_batches.list_imports(db, "C21")[-1]
    files = db.query("SELECT id FROM import_file WHERE batch_id = ?", (last.id,))
    assert db.scalar("SELECT count(*) FROM operation_columns WHERE file_id = ?", files[0]) > 0
    import_batches.remove_import(db, last.id)
    assert db.scalar("SELECT count(*) FROM operation_columns WHERE file_id = ?", files[0]) == 0
    for period in PERIODS[:2]:
        assert_cache_gives_the_rows(db, agency(db), period)
    assert trail_data.verify_data(db) == []


def test_an_import_whose_rows_were_all_stored_has_an_empty_cache(imported: Database, tmp_path: Path) -> None:
    db = imported
    again = imports.import_files(db, "C21", layout(tmp_path, "plain"),
                                 [write_log(tmp_path, "again.csv", log_lines(2400)[100:300])])
    assert again.rows_added == 0 and again.rows_skipped == 200
    file_id = db.scalar("SELECT max(id) FROM import_file")
    assert db.query("SELECT segment, rows FROM operation_columns WHERE file_id = ?", (file_id,)) == [(0, 0)]
    assert_cache_gives_the_rows(db, agency(db), ALL_TIME)


# ----- logs imported before the cache existed -----


def tamper(db_path: Path, *statements: str) -> None:
    """SQL with the database key through an independent client (no app code)."""
    key = keys.keyring_key(db_path, create=False)
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def test_logs_without_a_cache_get_it_when_first_reconciled(small_windows: None, imported: Database,
                                                           db_path: Path) -> None:
    db = imported
    files = {i for (i,) in db.query("SELECT id FROM import_file WHERE agency_id = ?", (agency(db),))}
    written = [row for row in cache_rows(db) if row[0] in files]
    db.close()
    tamper(db_path, "DELETE FROM operation_columns")  # as in a database imported before the cache existed
    db = open_app_database(db_path)
    try:
        run_reconciliation(db, "C21", ReconcileSettings())
        assert cache_rows(db) == written  # built from the rows again, byte for byte
        assert db.query("SELECT detail FROM trail WHERE action = 'import.columns'") == [
            (json.dumps({"agency_id": agency(db), "files": sorted(files)}),)]
        assert trail_data.verify_data(db) == []
    finally:
        db.close()


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_a_0_1_0_database_gets_its_cache_on_first_reconciliation(tmp_path: Path) -> None:
    db = open_app_database(copy_release(tmp_path), RELEASE_PASSPHRASE)
    try:
        assert cache_rows(db) == []
        code = db.scalar("SELECT a.code FROM operation o JOIN agency a ON a.id = o.agency_id LIMIT 1")
        first = export_run(db, run_reconciliation(db, code, ReconcileSettings()).run_id)
        assert len(cache_rows(db)) == db.scalar("SELECT count(*) FROM import_file WHERE kind = 'oplog' AND "
                                                "agency_id = ?", (agency(db, code),))
        assert_cache_gives_the_rows(db, agency(db, code), ALL_TIME)
        second = export_run(db, run_reconciliation(db, code, ReconcileSettings()).run_id)
        assert second["discrepancies"] == first["discrepancies"]
        assert trail_data.verify_data(db) == []
    finally:
        db.close()


# ----- an edited cache -----

EDITS: dict[str, Callable[[], str]] = {
    "failed-flags-cleared": lambda: "UPDATE operation_columns SET failed = zeroblob(length(failed)) "
                                    "WHERE rowid = (SELECT min(rowid) FROM operation_columns WHERE rows > 0)",
    "a-row-dropped": lambda: "UPDATE operation_columns SET rows = rows - 1, ids = substr(ids, 1, length(ids) - 8) "
                             "WHERE rowid = (SELECT min(rowid) FROM operation_columns WHERE rows > 0)",
    "terminals-swapped": lambda: "UPDATE operation_columns SET terminals = json_array('T999') || '' "
                                 "WHERE rowid = (SELECT max(rowid) FROM operation_columns WHERE rows > 0)",
    "a-segment-deleted": lambda: "DELETE FROM operation_columns WHERE rowid = (SELECT max(rowid) FROM "
                                 "operation_columns WHERE rows > 0)",
}


def verify_trail(cli: Callable[..., tuple[int, str, str]]) -> tuple[int, str]:
    code, _out, err = cli("verify-trail")
    return code, err


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_verify_trail_finds_a_cache_edited_outside_the_app(small_windows: None, imported: Database, db_path: Path,
                                                           cli: Callable[..., tuple[int, str, str]],
                                                           edit: str) -> None:
    imported.close()
    assert verify_trail(cli) == (0, "")
    tamper(db_path, EDITS[edit]())
    code, err = verify_trail(cli)
    assert code == 3
    assert "の突合用の列が取り込んだ行と一致しません(アプリの外で変更されています)" in err, err
    assert err.count("jukiaudit: 監査証跡") == 1, err  # only the cache: the rows are as the trail bound them


def test_the_cache_is_not_bound_row_by_row(imported: Database) -> None:
    """The trail binds the rows it is built from, not its blobs (hashing them would cost ~1 s a million rows)."""
    binds = [json.loads(b) for (b,) in imported.query("SELECT binds FROM trail WHERE binds IS NOT NULL")]
    assert not [r for b in binds for r in b.get("rows", []) if r[0] == "operation_columns"]


@pytest.mark.parametrize("edit", ["a-row-dropped", "terminals-swapped"])
def test_a_cache_that_does_not_fit_together_stops_the_reconciliation(imported: Database, db_path: Path,
                                                                     edit: str) -> None:
    imported.close()
    tamper(db_path, EDITS[edit]())
    db = open_app_database(db_path)
    try:
        with pytest.raises(StorageError, match="突合用の列.*verify-trail で確かめ"):
            run_reconciliation(db, "Z99" if edit == "terminals-swapped" else "C21", ReconcileSettings())
        assert db.scalar("SELECT count(*) FROM reconciliation") == 0
    finally:
        db.close()
