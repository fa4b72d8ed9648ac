"""The trail binds imported rows from the values as they are inserted (storage.bindings.hash_inserted), without
reading them back: the same batch digests a read-back gives, and a batch whose rows changed after they were
inserted (overlap removed, count rule applied, a value SQLite stored converted) is read back as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.imports import OPLOG, REGISTER, REGISTER_XLSX, layout, slice_of_log

from jukiaudit_desktop.core.count_rule import CountRule
from jukiaudit_desktop.importers.issues import ImportRejected
from jukiaudit_desktop.importers.profile import load_profile
from jukiaudit_desktop.services import import_batches, imports
from jukiaudit_desktop.storage import bindings, count_rules, import_overlap, imports_repo, trail, trail_data
from jukiaudit_desktop.storage.database import Database
from jukiaudit_desktop.storage.operation_columns import store_from_rows

LOG_WITH_SUBJECTS = (  # identifiers give the rows a subject hash and mask (ten values a row)
    "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果,住民票コード\n"
    "2025/04/01 10:00:05,T001,K10001,住民票コード検索,別表5-10,1,正常,12345678906\n"
    "2025/04/01 10:00:05,T001,K10001,個人番号検索,別表5-10,1,正常,12345678906\n"
    "2025/04/01 10:02:40,T001,K10001,4情報検索,別表5-10,1,該当なし,\n"
)


def _profile(tmp_path: Path, rule: str = "") -> Path:
    path = tmp_path / "subjects.toml"
    path.write_text(f'name = "識別子つき"\n[oplog]\n{rule}\n[oplog.columns]\nat = "操作日時"\nterminal = "端末ID"\n'
                    'operator = "操作者ID"\nop_kind = "処理区分"\njimu_code = "利用事務コード"\ncount = "照会件数"\n'
                    'result = "処理結果"\n[[oplog.identifiers]]\nheader = "住民票コード"\nkind = "住民票コード"\n',
                    encoding="utf-8")
    return path


@pytest.fixture
def read_back(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bulk tables whose rows the trail read back to bind them (the real reading still happens)."""
    tables: list[str] = []
    reading = bindings.bulk_rows

    def noting(conn: Any, table: str, first: int, last: int) -> Any:
        tables.append(table)
        return reading(conn, table, first, last)

    monkeypatch.setattr(bindings, "bulk_rows", noting)
    return tables


def _batches(db: Database) -> list[list[Any]]:
    return [batch for (text,) in db.query("SELECT binds FROM trail WHERE binds IS NOT NULL ORDER BY seq")
            for batch in bindings.Binds.from_json(text).batches]


def _assert_bound_as_stored(db: Database) -> None:
    """Every batch the trail recorded equals the digest of its rows read back now, and the data verifies."""
    batches = _batches(db)
    assert batches
    for table, first, last, count, value in batches:
        assert bindings.batch_digest(d for _, d in bindings.bulk_rows(db.conn, table, first, last)) == (count, value)
    assert trail_data.verify_data(db) == []
    assert trail.verify(db) == []


def test_fresh_imports_are_bound_without_reading_rows_back(db: Database, read_back: list[str], tmp_path: Path
                                                          ) -> None:
    log = tmp_path / "subjects.csv"
    log.write_text(LOG_WITH_SUBJECTS, encoding="utf-8")
    imports.import_files(db, "A", layout("oplog"), [OPLOG])
    imports.import_files(db, "A", layout("register"), [REGISTER_XLSX])
    imports.import_files(db, "B", load_profile(_profile(tmp_path)).layout("oplog"), [log])
    assert db.scalar("SELECT count(*) FROM operation WHERE subject_hash IS NOT NULL AND subject_mask LIKE '%*%'") == 2

    assert read_back == []
    assert [(t, first, last, count) for t, first, last, count, _ in _batches(db)] == [
        ("operation", 1, 3187, 3187), ("register_entry", 1, 187, 187), ("operation", 3188, 3190, 3)]
    _assert_bound_as_stored(db)


def test_rows_found_stored_already_are_removed_uncaptured_and_read_back(db: Database, read_back: list[str], tmp_path: Path) -> None:
    first = imports.import_files(db, "A", layout("oplog"), [slice_of_log(tmp_path, "h1.csv", 2, 2000)])
    second = imports.import_files(db, "A", layout("oplog"), [slice_of_log(tmp_path, "h2.csv", 1500, 3188)])
    imports.import_files(db, "A", layout("register"), [REGISTER_XLSX])
    imports.import_files(db, "A", layout("register"), [REGISTER])  # every row stored already: no batch at all

    assert (second.rows_added, second.rows_skipped) == (1188, 501)
    assert read_back == ["operation"]  # the second half's batch, with the overlap's rows deleted from it
    _assert_bound_as_stored(db)
    # the overlap's rows went without capture (never bound); rows bound already are still captured when deleted
    assert db.scalar("SELECT count(*) FROM temp.trail_touched") == 0
    import_batches.remove_import(db, first.batch_id)
    assert db.scalar("SELECT count(*) FROM operation") == 1188
    assert trail_data.verify_data(db) == [] and trail.verify(db) == []  # the removed rows' digests were kept


def test_rows_a_count_rule_updates_are_read_back(db: Database, read_back: list[str], tmp_path: Path) -> None:
    log = tmp_path / "subjects.csv"
    log.write_text(LOG_WITH_SUBJECTS, encoding="utf-8")
    rule = '[oplog.count_rule]\nfailed_results = ["該当なし"]\ncount_failed = false\nper = "subject_second"'
    imports.import_files(db, "A", load_profile(_profile(tmp_path, rule)).layout("oplog"), [log])

    assert db.query("SELECT counted FROM operation ORDER BY id") == [(1,), (0,), (0,)]
    assert read_back == ["operation"]
    _assert_bound_as_stored(db)
    db.execute("UPDATE operation SET counted = 1 WHERE id = 2")  # outside the app: what it counts is bound
    assert "operation の行 id 1～3(記録 3 行、現在 3 行): アプリの外で変更または削除されています" in [
        problem.message for problem in trail_data.verify_data(db)]


def test_a_count_rule_sets_new_rows_uncaptured_and_bound_rows_captured(db: Database) -> None:
    """The rule's updates of the rows just stored keep no copy of each row's old values (a million rows would
    be held in memory until the trail entry); rows bound already are captured as any change."""
    imports.import_files(db, "A", layout("oplog"), [OPLOG])  # rows 1…3187, bound
    agency_id, file_id = db.query("SELECT agency_id, id FROM import_file")[0]
    row = (2, "2025-04-01T10:00:05", "T001", "K10001", "住民票コード検索", "別表5-10", 1, "該当なし")
    rule = CountRule(failed_results=("該当なし",), count_failed=False)
    with db.transaction():
        imports_repo.insert_operations(db, file_id, agency_id, [row, row])  # rows 3188 and 3189, not bound yet
        count_rules.apply(db, file_id, 3187, rule)
        assert db.scalar("SELECT count(*) FROM temp.trail_touched") == 0
        count_rules.apply(db, file_id, 3185, rule)  # rows 3186 and 3187 were bound by the import
        assert db.query("SELECT DISTINCT id FROM temp.trail_touched ORDER BY id") == [(3186,), (3187,), (3188,), (3189,)]
        store_from_rows(db, file_id, 0)  # the file's rows changed after its import: its cache with them
        trail.record(db, "test.count_rule")

    assert db.query("SELECT id, counted FROM operation WHERE id > 3185 ORDER BY id") == [
        (3186, 1), (3187, 1), (3188, 0), (3189, 0)]
    assert trail_data.verify_data(db) == [] and trail.verify(db) == []


def test_a_value_stored_otherwise_than_bound_is_read_back(db: Database, read_back: list[str]) -> None:
    """照会件数 bound as text is stored as an integer (column affinity): the digest of the bound values would
    differ from the stored row's, so the rows are read back."""
    agency_id = imports.ensure_agency(db, "A")[0].id
    assert agency_id is not None
    with db.transaction():
        batch = imports_repo.insert_batch(db, agency_id, "oplog", "既定", "test")
        file_id = imports_repo.insert_file(db, agency_id, "oplog", "x.csv", "00", "UTF-8", "既定", batch)
        imports_repo.insert_operations(db, file_id, agency_id, [
            (2, "2025-04-01T10:00:05", "T001", "K10001", "住民票コード検索", "別表5-10", "7", "正常")])
        trail.record(db, "test.insert")

    assert db.scalar("SELECT typeof(count) FROM operation") == "integer"
    assert read_back == ["operation"]
    _assert_bound_as_stored(db)


def test_an_import_rejected_after_rows_were_hashed_binds_nothing(db: Database, read_back: list[str],
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果\n"
                   "2025/04/01 10:00:05,T001,K10001,住民票コード検索,別表5-10,x,正常\n", encoding="utf-8")
    with pytest.raises(ImportRejected):  # the sample log was stored and hashed before bad.csv was read
        imports.import_files(db, "A", layout("oplog"), [OPLOG, bad])
    assert db.scalar("SELECT count(*) FROM operation") == 0
    imports.import_files(db, "A", layout("oplog"), [slice_of_log(tmp_path, "part.csv", 100, 199)])

    assert read_back == []
    assert [(t, first, last, count) for t, first, last, count, _ in _batches(db)] == [("operation", 1, 100, 100)]
    _assert_bound_as_stored(db)


def test_rows_bound_already_are_captured_after_an_uncaptured_removal(db: Database) -> None:
    imports.import_files(db, "A", layout("oplog"), [OPLOG])  # rows 1…3187, bound
    agency_id = db.scalar("SELECT id FROM agency WHERE code = 'A'")
    file_id = db.scalar("SELECT max(id) FROM import_file")
    row = (2, "2025-04-01T10:00:05", "T001", "K10001", "住民票コード検索", "別表5-10", 1, "正常")
    with db.transaction():
        imports_repo.insert_operations(db, file_id, agency_id, [row, row])  # rows 3188 and 3189, not bound yet
        import_overlap.remove_rows(db, "operation", [3188])
        assert db.scalar("SELECT count(*) FROM temp.trail_touched") == 0
        db.execute("DELETE FROM operation WHERE id = 5")  # a bound row, deleted by the app: its digest is kept
        assert db.query("SELECT tbl, id FROM temp.trail_touched") == [("operation", 5)]
        store_from_rows(db, file_id, 0)  # the file's rows changed after its import: its cache with them
        trail.record(db, "test.remove")

    assert trail_data.verify_data(db) == [] and trail.verify(db) == []
