"""Imports one can see and undo: `import list`, `import remove`; runs made with a removed import are marked 古い;
an issued findings sheet that summarises such a run (and quotes its log lines) still verifies."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from support.imports import OPLOG, REGISTER, REGISTER_XLSX, layout, reconciled, slice_of_log
from support.release import RELEASE_PASSPHRASE, copy_release

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import audits, findings, import_batches, imports, reports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation, view_run
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


def _counts(db: Database) -> tuple[int, int, int, int]:
    return (db.scalar("SELECT count(*) FROM operation"), db.scalar("SELECT count(*) FROM register_entry"),
            db.scalar("SELECT count(*) FROM import_file"), db.scalar("SELECT count(*) FROM import_batch"))


def test_list_and_remove_round_trip_keeps_issued_sheets_verifiable(db: Database, tmp_path: Path) -> None:
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER])
    clean = reconciled(db, "C09")
    before = _counts(db)

    overlap = slice_of_log(tmp_path, "extra.csv", 3000, 3188)  # all stored already
    extra_register = imports.import_files(db, "C09", layout("register"), [REGISTER_XLSX])
    extra = imports.import_files(db, "C09", layout("oplog"), [overlap, slice_of_log(tmp_path, "new.csv", 2, 3)])
    assert extra.rows_added == 0 and extra_register.rows_added == 0

    listed = import_batches.list_imports(db, "C09")
    assert [(b.kind, b.rows, b.skipped, [f.file_name for f in b.files]) for b in listed] == [
        ("oplog", 3187, 0, ["oplog_cp932.csv"]), ("register", 187, 0, ["register_cp932.csv"]),
        ("register", 0, 187, ["register.xlsx"]), ("oplog", 0, 191, ["extra.csv", "new.csv"])]
    assert listed[0].imported_by  # the signed-in user
    assert _counts(db)[:2] == before[:2]

    # A run, a finding raised from one of its discrepancies, and an issued sheet that summarises the run.
    audit = audits.create_audit(db, "C09", 2025, AuditType.INTERNAL, start_date=date(2025, 10, 3))
    assert audit.id is not None
    run = run_reconciliation(db, "C09", ReconcileSettings())
    discrepancy_id = db.scalar("SELECT id FROM discrepancy WHERE reconciliation_id = ? AND kind = "
                               "'unregistered_operation' ORDER BY ordinal LIMIT 1", (run.run_id,))
    findings.raise_from_discrepancy(db, audit.id, discrepancy_id)
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(reports.findings_sheet_pdf(db, audit.id, allow_incomplete=True)[0])  # not scored: a draft audit
    assert reports.verify_sheet(db, sheet).matches

    first = listed[0].id  # the log itself: every operation goes
    removal = import_batches.remove_import(db, first)
    # stale: the run above and the one `reconciled` made
    assert (removal.operations, removal.register_entries, removal.stale_runs) == (3187, 0, 2)
    assert db.scalar("SELECT count(*) FROM operation") == 0
    assert reports.verify_sheet(db, sheet).matches
    exported = export_run(db, run.run_id)
    assert exported["stale"].startswith(f"取込 {first}(oplog_cp932.csv)を削除したため古い結果です")
    assert exported["discrepancies"][0]["oplog"] == [{"file": None, "line": None}]
    assert (view_run(db, run.run_id)[0].at, view_run(db, run.run_id)[0].file) == ("", "(削除した取込)")
    entry = json.loads(db.scalar("SELECT detail FROM trail WHERE action = 'import.remove'"))
    assert entry["batch_id"] == first and entry["operations"] == 3187 and entry["stale_runs"] == 2
    assert not trail.verify(db)

    # Importing the log again brings back what the clean import found; every import can go.
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    assert reconciled(db, "C09") == clean
    for batch in import_batches.list_imports(db, "C09"):
        import_batches.remove_import(db, batch.id)
    assert _counts(db) == (0, 0, 0, 0)


def test_removing_an_unknown_import_is_refused(db: Database) -> None:
    import pytest

    from jukiaudit_desktop.core.errors import InputError

    with pytest.raises(InputError, match="取込 99 は見つかりません"):
        import_batches.remove_import(db, 99)


def test_cli_list_and_remove(cli) -> None:
    assert cli("import-oplog", "--agency", "C09", str(OPLOG))[0] == 0
    assert cli("import-register", "--agency", "C09", str(REGISTER), str(REGISTER_XLSX))[0] == 0

    code, out, err = cli("import", "list", "--agency", "C09", "--json")
    listed = json.loads(out)
    assert code == 0 and [(b["kind"], b["rows"], b["skipped"]) for b in listed] == [
        ("oplog", 3187, 0), ("register", 187, 187)]
    assert [f["file_name"] for f in listed[1]["files"]] == ["register_cp932.csv", "register.xlsx"]

    code, out, err = cli("import", "list", "--agency", "C09")
    assert code == 0 and "業務端末使用管理簿\t187 行(飛ばした行 187)\t令和" in out

    code, out, err = cli("import", "remove", str(listed[0]["id"]))
    assert code == 0 and "操作ログ 3,187 行" in out
    code, out, err = cli("import", "remove", str(listed[0]["id"]))
    assert code == 3 and "見つかりません" in err
    code, out, err = cli("import", "list", "--agency", "C09", "--json")
    assert [b["kind"] for b in json.loads(out)] == ["register"]


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_the_imports_of_a_released_database_become_batches(tmp_path: Path) -> None:
    """The 0.1.0 database (tests/data/upgrade/, its demo's two imports) lists them as batches after migrating."""
    migrated = open_app_database(copy_release(tmp_path), RELEASE_PASSPHRASE)
    try:
        listed = import_batches.list_imports(migrated, "C09")
        assert sorted((b.kind, [f.file_name for f in b.files], b.rows) for b in listed) == [
            ("oplog", ["oplog_sample_cp932.csv"], 3187), ("register", ["register_sample_cp932.csv"], 187)]
    finally:
        migrated.close()
