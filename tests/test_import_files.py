"""Importing real files into a real encrypted database: samples, strictness, re-import, profiles, identifiers."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
import shared_data

from jukiaudit_desktop.core.errors import CancelledError, InputError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.core.records import RegisterEntry
from jukiaudit_desktop.importers.issues import MAX_ISSUES, ImportRejected
from jukiaudit_desktop.importers.profile import default_profile, load_profile
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage import imports_repo
from jukiaudit_desktop.storage.database import Database

SAMPLES = shared_data.SAMPLES
if not SAMPLES.is_dir():  # the same files ship as demo data
    SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "demo"
OPLOG = SAMPLES / "oplog_cp932.csv" if (SAMPLES / "oplog_cp932.csv").exists() else SAMPLES / "oplog_sample_cp932.csv"
REGISTER = (SAMPLES / "register_cp932.csv" if (SAMPLES / "register_cp932.csv").exists()
            else SAMPLES / "register_sample_cp932.csv")
REGISTER_XLSX = SAMPLES / "register.xlsx"
OPLOG_HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"


def oplog_layout():  # noqa: ANN201
    return default_profile().layout("oplog")


def register_layout():  # noqa: ANN201
    return default_profile().layout("register")


def import_counts(db: Database) -> tuple[int, int, int]:
    return (db.scalar("SELECT count(*) FROM import_file"), db.scalar("SELECT count(*) FROM operation"),
            db.scalar("SELECT count(*) FROM register_entry"))


def import_trail(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT action FROM trail WHERE action LIKE 'import.%'")]


def write(path: Path, text: str, encoding: str = "cp932") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_operation_log_imports_with_physical_lines(db: Database) -> None:
    summary = imports.import_files(db, "C09", oplog_layout(), [OPLOG])
    assert summary.rows_added == 3187 and summary.duplicates == 0 and summary.agency_created == "C09"
    agency_id = db.scalar("SELECT id FROM agency WHERE code = 'C09'")
    operations = imports_repo.list_operations(db, agency_id)
    assert len(operations) == 3187
    assert sorted(op.line for op in operations) == list(range(2, 3189))
    first = min(operations, key=lambda op: op.line)
    with OPLOG.open(encoding="cp932", newline="") as f:
        row = list(csv.reader(f))[1]
    assert first.at == datetime.strptime(row[0], "%Y/%m/%d %H:%M:%S")
    assert (first.terminal, first.operator, first.op_kind, first.jimu_code, first.count, first.result) == (
        row[1], row[2], row[3], row[4], int(row[5]), row[6])
    assert first.file_name == OPLOG.name
    files = imports_repo.list_files(db, agency_id)
    assert [(f.kind, f.row_count, f.encoding) for f in files] == [("oplog", 3187, "Shift_JIS (CP932)")]
    assert import_trail(db) == ["import.oplog"]


@pytest.mark.requires(REGISTER_XLSX.exists(), f"the register.xlsx sample is not available at {REGISTER_XLSX}")
def test_register_from_csv_and_xlsx_agree_with_sheet_row_offset(db: Database) -> None:
    from_csv = imports.import_files(db, "A", register_layout(), [REGISTER])
    from_xlsx = imports.import_files(db, "B", register_layout(), [REGISTER_XLSX])
    assert from_csv.rows_added == from_xlsx.rows_added == 187
    a, b = (db.scalar("SELECT id FROM agency WHERE code = ?", (c,)) for c in ("A", "B"))
    csv_entries = {e.line: e for e in imports_repo.list_register_entries(db, a)}
    xlsx_entries = {e.line: e for e in imports_repo.list_register_entries(db, b)}
    assert sorted(xlsx_entries) == [line + 2 for line in sorted(csv_entries)]
    for line, entry in csv_entries.items():
        other = xlsx_entries[line + 2]
        assert (entry.start_at, entry.end_at, entry.terminal, entry.operator, entry.jimu_code, entry.count) == (
            other.start_at, other.end_at, other.terminal, other.operator, other.jimu_code, other.count)
    assert csv_entries[2].start_at == datetime(2025, 4, 1, 8, 40) and csv_entries[2].count == 75


def test_same_file_again_is_recognised_and_adds_nothing(db: Database, tmp_path: Path) -> None:
    imports.import_files(db, "C09", oplog_layout(), [OPLOG])
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(OPLOG.read_bytes())
    again = imports.import_files(db, "C09", oplog_layout(), [OPLOG, copy])
    assert again.rows_added == 0 and again.duplicates == 2
    assert import_counts(db) == (1, 3187, 0)


def test_encodings_bom_utf8_and_cp932_all_import(db: Database, tmp_path: Path) -> None:
    body = OPLOG_HEADER + "\r\n2025/04/01 08:42:33,T002,K10000,4情報検索,別表5-13,1,正常\r\n"
    files = [write(tmp_path / "bom.csv", body, "utf-8-sig"), write(tmp_path / "utf8.csv", body.replace("08:42", "08:43"),
             "utf-8"), write(tmp_path / "sjis.csv", body.replace("08:42", "08:44"), "cp932")]
    summary = imports.import_files(db, "C09", oplog_layout(), files)
    assert [f.encoding for f in summary.files] == ["UTF-8 (BOM付き)", "UTF-8", "Shift_JIS (CP932)"]
    assert summary.rows_added == 3


def test_undecodable_file_is_refused_naming_the_byte_offset(db: Database, tmp_path: Path) -> None:
    data = (OPLOG_HEADER + "\r\n").encode("cp932") + b"2025/04/01 08:42:33,T\x81\x20,K1,a,b,1,c\r\n"
    bad = tmp_path / "broken.csv"
    bad.write_bytes(data)
    with pytest.raises(ImportRejected) as caught:
        imports.import_files(db, "C09", oplog_layout(), [bad])
    offset = data.index(b"\x81\x20")
    assert f"バイト位置 {offset}" in str(caught.value)
    assert import_counts(db) == (0, 0, 0) and import_trail(db) == []


def test_malformed_rows_name_file_line_column_and_leave_no_trace(db: Database, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", OPLOG_HEADER + "\r\n2025/04/01 08:42:33,T002,K1,a,b,1,c\r\n")
    bad = write(tmp_path / "bad.csv", OPLOG_HEADER + "\r\n"
                "2025/04/01 08:42:33,T002,K1,a,b,1,c\r\n"
                "2025/04/31 08:42:33,T002,K1,a,b,1,c\r\n"  # no 31 April
                "2025/04/01 08:42:33,T002,K1,a,b,いち,c\r\n"
                "2025/04/01 08:42:33,T002,K1,a,b,1\r\n"
                "2025/04/01 08:42:33,,K1,a,b,1,c\r\n"
                "\r\n\r\n")
    with pytest.raises(ImportRejected) as caught:
        imports.import_files(db, "NEW", oplog_layout(), [good, bad])
    locations = [issue.location for issue in caught.value.issues]
    assert locations == [f"{bad}:3:1", f"{bad}:4:6", f"{bad}:5:7", f"{bad}:6:2"]
    assert f"{bad}:3:1: 操作日時" in str(caught.value)
    assert import_counts(db) == (0, 0, 0) and import_trail(db) == []
    assert db.scalar("SELECT count(*) FROM agency WHERE code = 'NEW'") == 0


def test_errors_are_collected_up_to_the_limit(db: Database, tmp_path: Path) -> None:
    rows = "".join(f"2025/04/01 08:42:33,T002,K1,a,b,x{n},c\r\n" for n in range(MAX_ISSUES + 50))
    bad = write(tmp_path / "many.csv", OPLOG_HEADER + "\r\n" + rows)
    with pytest.raises(ImportRejected) as caught:
        imports.import_files(db, "C09", oplog_layout(), [bad])
    assert len(caught.value.issues) == MAX_ISSUES and caught.value.truncated
    assert "打ち切りました" in str(caught.value)


def test_unclosed_quote_is_reported_with_its_line(db: Database, tmp_path: Path) -> None:
    bad = write(tmp_path / "quote.csv", OPLOG_HEADER + '\r\n2025/04/01 08:42:33,"T002,K1,a,b,1,c\r\n')
    with pytest.raises(ImportRejected, match=r"quote\.csv:2: CSV の書式"):
        imports.import_files(db, "C09", oplog_layout(), [bad])


def test_quoted_fields_lf_endings_and_trailing_blank_lines(db: Database, tmp_path: Path) -> None:
    text = OPLOG_HEADER + '\n"2025/04/01 08:42:33","T002","K1","照会, 住所","別表5-13","1","正常"\n\n\n'
    path = write(tmp_path / "lf.csv", text, "utf-8")
    imports.import_files(db, "C09", oplog_layout(), [path])
    assert db.query("SELECT line, op_kind FROM operation") == [(2, "照会, 住所")]


def test_cancel_leaves_nothing(db: Database, tmp_path: Path) -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(CancelledError):
        imports.import_files(db, "C09", oplog_layout(), [OPLOG], progress=progress)
    assert import_counts(db) == (0, 0, 0)


def test_register_end_before_start_runs_past_midnight(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "night.csv", "使用日,開始時刻,終了時刻,端末ID,使用者ID,利用事務コード,照会件数\r\n"
                 "2025/04/01,23:30,00:15,T001,K1,別表5-10,3\r\n2025/04/02,09:00,09:00,T001,K1,別表5-10,\r\n"
                 "2025/04/03(木),22:00,24:00,T001,K1,別表5-10,1件\r\n")
    imports.import_files(db, "C09", register_layout(), [path])
    assert db.query("SELECT start_at, end_at, count FROM register_entry ORDER BY line") == [
        ("2025-04-01T23:30", "2025-04-02T00:15", 3), ("2025-04-02T09:00", "2025-04-02T09:00", None),
        ("2025-04-03T22:00", "2025-04-04T00:00", 1)]


VENDOR_PROFILE = """
name = "ベンダーX 端末 v3"

[oplog]
encoding = "auto"
delimiter = "tab"
header_row = 2

skip_rows_starting_with = ["合計", "***"]

[oplog.columns]
date = { header = "処理日", format = ["%Y%m%d", "auto"] }
time = { header = "処理時刻", format = "%H:%M" }
terminal = { index = 2 }
operator = "利用者"
jimu_code = "事務"
count = "件数"

[[oplog.identifiers]]
header = "対象者番号"
kind = "個人番号"

[oplog.codes.terminal]
"１号機" = "T001"
"2号機" = "T002"

[oplog.codes.jimu_code]
"住民票" = "別表5-10"

[register]
header_row = "auto"
[register.columns]
start_at = { header = "開始", format = "auto" }
end_at = { header = "終了", format = "auto" }
terminal = "端末"
operator = "者"
"""


def vendor_files(tmp_path: Path, first_number: str = "983205673214") -> tuple[Path, Path]:
    """A made-up vendor's export: TSV in UTF-8 with BOM, a title line, 和暦 dates, separate times without
    seconds, full-width values, terminal names to map, an identifier column, an extra column."""
    profile = tmp_path / "vendor_x.toml"
    profile.write_text(VENDOR_PROFILE, encoding="utf-8")
    log = tmp_path / "vendor_x.tsv"
    log.write_bytes(("操作履歴一覧(出力: 令和7年4月2日)\r\n"
                     "処理日\t端末\t利用者\t事務\t件数\t対象者番号\t処理時刻\t備考\r\n"
                     f"R7.4.1\t１号機\tＫ１０００１\t住民票\t１２\t{first_number}\t8:05\t\r\n"
                     "令和7年4月1日\t2号機\tK10002\t別表6-3\t1\t\t17:45\t\"メモ\tあり\"\r\n"
                     "20250401\t3号機\tK10002\t別表6-3\t1\t983205673214\t８:０５\t\r\n\r\n"
                     "合計\t\t\t\t14\r\n*** 以上 ***\r\n").encode("utf-8-sig"))
    return profile, log


def test_custom_vendor_profile_reads_another_layout(db: Database, tmp_path: Path) -> None:
    profile_path, log = vendor_files(tmp_path)
    profile = load_profile(profile_path)
    summary = imports.import_files(db, "X", profile.layout("oplog"), [log], profile_name=profile.name)
    assert summary.rows_added == 3
    rows = db.query("SELECT line, at, terminal, operator, jimu_code, count FROM operation ORDER BY line")
    assert rows == [(3, "2025-04-01T08:05:00", "T001", "K10001", "別表5-10", 12),
                    (4, "2025-04-01T17:45:00", "T002", "K10002", "別表6-3", 1),
                    (5, "2025-04-01T08:05:00", "3号機", "K10002", "別表6-3", 1)]
    assert db.scalar("SELECT profile FROM import_file") == "ベンダーX 端末 v3"


def test_identifier_column_is_stored_only_hashed_and_masked(db: Database, db_path: Path, tmp_path: Path) -> None:
    profile_path, log = vendor_files(tmp_path)
    imports.import_files(db, "X", load_profile(profile_path).layout("oplog"), [log])
    subjects = db.query("SELECT subject_hash, subject_mask FROM operation ORDER BY line")
    assert subjects[0][1] == "**********14" and subjects[1] == (None, None)
    assert subjects[0][0] == subjects[2][0] and len(subjects[0][0]) == 64  # the same person, counted
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = "\n".join(str(row) for table in tables for row in db.query(f'SELECT * FROM "{table}"'))
    assert "**********14" in dump
    assert "983205673214" not in dump and "20567321" not in dump
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in db_path.parent.glob(db_path.name + "*"):
        assert b"983205673214" not in path.read_bytes()


def test_malformed_identifier_is_an_error_without_its_value(db: Database, tmp_path: Path) -> None:
    profile_path, log = vendor_files(tmp_path, first_number="98320567AB")
    with pytest.raises(ImportRejected) as caught:
        imports.import_files(db, "X", load_profile(profile_path).layout("oplog"), [log])
    assert [i.location for i in caught.value.issues] == [f"{log}:3:6"]
    assert "98320567AB" not in str(caught.value)


def test_identifier_column_mapped_to_another_field_never_shows_its_value(db: Database, tmp_path: Path) -> None:
    profile_path, log = vendor_files(tmp_path)
    text = profile_path.read_text(encoding="utf-8").replace('count = "件数"', 'count = "対象者番号"')
    profile_path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        imports.import_files(db, "X", load_profile(profile_path).layout("oplog"), [log])
    assert [str(issue) for issue in caught.value.issues] == [
        f"{log}:2:6: 6 列目は個人番号の列なので、照会件数には使えません。"]
    assert "983205673214" not in str(caught.value)


def test_wrong_my_number_check_digit_warns_but_imports(db: Database, tmp_path: Path) -> None:
    profile_path, log = vendor_files(tmp_path, first_number="983205673215")
    summary = imports.import_files(db, "X", load_profile(profile_path).layout("oplog"), [log])
    assert summary.rows_added == 3
    assert [w.location for w in summary.warnings] == [f"{log}:3:6"]
    assert "983205673215" not in str(summary.warnings[0])


def test_register_with_combined_wareki_date_times(db: Database, tmp_path: Path) -> None:
    profile_path, _log = vendor_files(tmp_path)
    path = write(tmp_path / "reg.csv", "開始,終了,端末,者\r\n令和7年4月1日 23:50,令和7年4月2日 0:20,T001,K1\r\n", "utf-8")
    imports.import_files(db, "X", load_profile(profile_path).layout("register"), [path])
    assert db.query("SELECT start_at, end_at, count FROM register_entry") == [
        ("2025-04-01T23:50", "2025-04-02T00:20", None)]


def test_xlsx_register_with_title_rows_and_custom_sheet(db: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "表紙"
    sheet = workbook.create_sheet("管理簿")
    sheet.append(["業務端末使用管理簿"])
    sheet.append([])
    sheet.append(["使用日", "開始時刻", "終了時刻", "端末ID", "使用者ID", "利用事務コード", "照会件数", "確認印"])
    sheet.append([datetime(2025, 4, 1), time(9, 0), time(9, 30), "Ｔ００１", "K1", "別表5-10", 4, "済"])
    sheet.append(["R7.4.2", "10:00", "10:20", "T001", "K1", "別表5-10", "５", None])
    path = tmp_path / "reg.xlsx"
    workbook.save(path)
    layout = default_profile().layout("register")
    with pytest.raises(ImportRejected, match="見出し行が見つかりません"):
        imports.import_files(db, "X", layout, [path])  # the first sheet is the cover
    imports.import_files(db, "X", replace(layout, sheet="管理簿"), [path])
    assert db.query("SELECT line, start_at, end_at, terminal, count FROM register_entry ORDER BY line") == [
        (4, "2025-04-01T09:00", "2025-04-01T09:30", "T001", 4), (5, "2025-04-02T10:00", "2025-04-02T10:20", "T001", 5)]


def test_missing_required_column_is_reported_at_the_header(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "nohead.csv", "日時,端末\r\n2025/04/01 08:00:00,T1\r\n")
    with pytest.raises(ImportRejected, match="見出し行が見つかりません"):
        imports.import_files(db, "X", oplog_layout(), [path])


def test_typed_in_register_entry(db: Database) -> None:
    agency_id = imports.ensure_agency(db, "C09")[0].id
    assert agency_id is not None
    start, end = imports.register_window(date(2025, 4, 1), time(23, 40), time(0, 10))
    assert (start, end) == (datetime(2025, 4, 1, 23, 40), datetime(2025, 4, 2, 0, 10))
    stored = imports.add_register_entry(db, agency_id, RegisterEntry(start, end, " T001 ", "K1", "別表5-10", 2))
    entries = imports_repo.list_register_entries(db, agency_id)
    assert entries == [stored] and stored.file_name is None and stored.terminal == "T001"
    with pytest.raises(InputError):
        imports.add_register_entry(db, agency_id, RegisterEntry(start, end, "", "K1", None, None))


def test_preview_masks_identifiers_and_check_finds_errors(tmp_path: Path) -> None:
    profile_path, log = vendor_files(tmp_path)
    layout = load_profile(profile_path).layout("oplog")
    preview = imports.preview_file(log, layout)
    assert preview.encoding == "UTF-8 (BOM付き)" and preview.header_line == 2
    assert preview.headers[:3] == ["処理日", "端末", "利用者"]
    assert preview.rows[0][1][5] == "**********14"
    assert all("983205673214" not in cell for _line, cells in preview.rows for cell in cells)
    checked = imports.check_files([log], layout)
    assert (checked.rows, checked.errors) == (3, [])
    broken = write(tmp_path / "broken.tsv", log.read_text(encoding="utf-8-sig").replace("R7.4.1", "R7.4.31"), "utf-8")
    checked = imports.check_files([broken], layout)
    assert checked.rows == 2 and [e.location for e in checked.errors] == [f"{broken}:3:1"]
