"""Overlapping imports: rows already stored are skipped (multiset difference per agency), said with their lines,
and no mix of overlapping files changes what reconciliation finds."""

from __future__ import annotations

from pathlib import Path

from support.imports import OPLOG, REGISTER, REGISTER_XLSX, layout, oplog_lines, reconciled, slice_of_log

from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


def _clean(db: Database, code: str = "CLEAN") -> dict:
    imports.import_files(db, code, layout("oplog"), [OPLOG])
    imports.import_files(db, code, layout("register"), [REGISTER])
    return reconciled(db, code)


def _rows(db: Database, code: str, table: str) -> int:
    return db.scalar(f"SELECT count(*) FROM {table} t JOIN agency a ON a.id = t.agency_id WHERE a.code = ?", (code,))


def test_register_as_xlsx_then_as_csv_is_stored_once(db: Database) -> None:
    imports.import_files(db, "A", layout("oplog"), [OPLOG])
    first = imports.import_files(db, "A", layout("register"), [REGISTER_XLSX])
    second = imports.import_files(db, "A", layout("register"), [REGISTER])

    assert first.rows_added == 187 and first.rows_skipped == 0
    assert second.rows_added == 0 and second.rows_skipped == 187
    text = second.describe()
    assert "すべての行が取込済みのため、何も追加しませんでした" in text
    # CSV line = sheet row − 2 (the workbook has a title and a blank row above its header)
    assert "register_cp932.csv 行 2–188 = register.xlsx 行 4–190" in text
    assert _rows(db, "A", "register_entry") == 187
    assert reconciled(db, "A") == _clean(db)
    assert not trail.verify(db)


def test_log_in_overlapping_halves_then_whole_then_a_utf16_part(db: Database, tmp_path: Path) -> None:
    total = len(oplog_lines()) - 2  # header and the empty string after the last CRLF
    assert total == 3187
    first_half = slice_of_log(tmp_path, "oplog_h1.csv", 2, 2000)
    second_half = slice_of_log(tmp_path, "oplog_h2.csv", 1500, 3188)
    part_utf16 = slice_of_log(tmp_path, "oplog_part_utf16.csv", 1000, 1200, encoding="utf-16")

    h1 = imports.import_files(db, "A", layout("oplog"), [first_half])
    h2 = imports.import_files(db, "A", layout("oplog"), [second_half])
    whole = imports.import_files(db, "A", layout("oplog"), [OPLOG])
    part = imports.import_files(db, "A", layout("oplog"), [part_utf16])

    assert (h1.rows_added, h1.rows_skipped) == (1999, 0)
    assert (h2.rows_added, h2.rows_skipped) == (1188, 501)
    # h2's line 2 is the sample's line 1500, which is h1's line 1500 (both keep the header on line 1)
    assert "既に取り込まれた行 501 行を飛ばしました(oplog_h2.csv 行 2–502 = oplog_h1.csv 行 1500–2000)" in h2.describe()
    assert (whole.rows_added, whole.rows_skipped) == (0, 3187)
    assert "oplog_cp932.csv 行 2–2000 = oplog_h1.csv 行 2–2000" in whole.describe()
    assert part.files[0].encoding == "UTF-16 (BOM付き)"
    assert (part.rows_added, part.rows_skipped) == (0, 201)
    assert _rows(db, "A", "operation") == 3187

    imports.import_files(db, "A", layout("register"), [REGISTER, REGISTER_XLSX])
    assert _rows(db, "A", "register_entry") == 187
    assert reconciled(db, "A") == _clean(db)


def test_identical_rows_in_one_file_are_kept_and_only_the_excess_of_a_later_file_is_added(
        db: Database, tmp_path: Path) -> None:
    lines = oplog_lines()
    twice = tmp_path / "twice.csv"
    twice.write_bytes("\r\n".join([lines[0], lines[1], lines[1], lines[2], ""]).encode("cp932"))
    thrice = tmp_path / "thrice.csv"
    thrice.write_bytes("\r\n".join([lines[0], lines[1], lines[1], lines[1], ""]).encode("cp932"))

    assert imports.import_files(db, "A", layout("oplog"), [twice]).rows_added == 3  # two lookups in one second
    again = imports.import_files(db, "A", layout("oplog"), [thrice])
    assert (again.rows_added, again.rows_skipped) == (1, 2)
    assert "thrice.csv 行 2–3 = twice.csv 行 2–3" in again.describe()
    added_line = db.scalar("SELECT o.line FROM operation o JOIN import_file f ON f.id = o.file_id "
                           "WHERE f.file_name = 'thrice.csv'")
    assert added_line == 4  # the copies beyond the stored ones are the ones added


def test_files_of_one_import_are_compared_with_each_other_and_other_agencies_do_not_count(
        db: Database, tmp_path: Path) -> None:
    imports.import_files(db, "OTHER", layout("oplog"), [OPLOG])
    first = slice_of_log(tmp_path, "a.csv", 2, 100)
    overlapping = slice_of_log(tmp_path, "b.csv", 51, 150)

    summary = imports.import_files(db, "A", layout("oplog"), [first, overlapping])

    assert [(f.file_name, f.rows, f.skipped) for f in summary.files] == [("a.csv", 99, 0), ("b.csv", 50, 50)]
    assert _rows(db, "A", "operation") == 149
    detail = db.scalar("SELECT detail FROM trail WHERE action = 'import.oplog' ORDER BY seq DESC LIMIT 1")
    assert '"skipped": 50' in detail


def test_typed_in_entries_count_as_stored(db: Database, tmp_path: Path) -> None:
    from jukiaudit_desktop.core.records import RegisterEntry
    from jukiaudit_desktop.services.imports import add_register_entry, register_window

    lines = REGISTER.read_bytes().decode("cp932").split("\r\n")
    agency_id = imports.ensure_agency(db, "A")[0].id
    day, start, end, terminal, operator, jimu, count = lines[1].split(",")
    from datetime import date, time
    start_at, end_at = register_window(date.fromisoformat(day.replace("/", "-")), time.fromisoformat(start),
                                       time.fromisoformat(end))
    add_register_entry(db, agency_id, RegisterEntry(start_at, end_at, terminal, operator, jimu, int(count)))
    one = tmp_path / "one.csv"
    one.write_bytes("\r\n".join([lines[0], lines[1], ""]).encode("cp932"))

    summary = imports.import_files(db, "A", layout("register"), [one])
    assert (summary.rows_added, summary.rows_skipped) == (0, 1)
    assert "one.csv 行 2 = 手入力の記帳" in summary.describe()
    assert _rows(db, "A", "register_entry") == 1


def test_the_samples_give_exactly_the_expected_answers_through_the_importers(db: Database) -> None:
    """One line of the register, one problem; 年末年始 closed by default: the samples' answers do not change."""
    import json

    from support.imports import DATA

    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER_XLSX, REGISTER])
    from jukiaudit_desktop.reconcile.settings import ReconcileSettings
    from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation

    exported = export_run(db, run_reconciliation(db, "C09", ReconcileSettings()).run_id)
    found: dict[str, list[int]] = {}
    for d in exported["discrepancies"]:
        refs = d["register"] if d["kind"] in ("count_mismatch", "unused_register_entry") else d["oplog"]
        line = refs[0]["line"] + (-2 if refs[0]["file"] == "register.xlsx" else 0)  # sheet row = CSV line + 2
        found.setdefault(d["kind"], []).append(line)
    expected = json.loads((DATA / "expected_discrepancies.json").read_text(encoding="utf-8"))
    # The nine register kinds as the samples' answers give them, plus the two days the samples' operator looks
    # up ≥ 50 persons, 5 × their median (volume_spike, issue 17: tests/test_reconcile_samples.py says the same).
    assert {k: sorted(v) for k, v in found.items()} == {**{k: sorted(v) for k, v in expected.items()
                                                           if isinstance(v, list) and v},
                                                        "volume_spike": [98, 2180]}
