"""Period edges and the agency's lists, through the stored database: entries past midnight at the edges of
the period, 事務 authorised by basis (with validity) or by the catalogue code, operators with dates."""

from __future__ import annotations

from pathlib import Path

from test_reconcile_helpers import ensure_agency, load_oplog, load_register

from jukiaudit_desktop.core.wareki import parse_date
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage.reconcile_repo import Period

OPLOG_HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果\r\n"
REGISTER_HEADER = "使用日,開始時刻,終了時刻,端末ID,使用者ID,利用事務コード,照会件数\r\n"


def _files(tmp_path: Path, ops: list[str], entries: list[str]) -> tuple[Path, Path]:
    oplog, register = tmp_path / "log.csv", tmp_path / "reg.csv"
    oplog.write_bytes((OPLOG_HEADER + "".join(f"{o}\r\n" for o in ops)).encode("cp932"))
    register.write_bytes((REGISTER_HEADER + "".join(f"{e}\r\n" for e in entries)).encode("cp932"))
    return oplog, register


def _lines(exported: dict) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for d in exported["discrepancies"]:
        refs = d["oplog"] if d["oplog"] and d["kind"] != "count_mismatch" else d["register"]
        found.setdefault(d["kind"], []).append(refs[0]["line"])
    return found


def _run(db, first: str | None = None, last: str | None = None) -> dict[str, list[int]]:
    period = Period(first and parse_date(first), last and parse_date(last))
    return _lines(export_run(db, run_reconciliation(db, "C09", ReconcileSettings(), period).run_id))


def test_entry_past_midnight_at_the_period_edges(db, tmp_path: Path) -> None:
    oplog, register = _files(
        tmp_path,
        ["2025/04/30 23:55:00,T1,K1,照会,J1,1,正常", "2025/05/01 00:10:00,T1,K1,照会,J1,1,正常",
         "2025/05/07 10:00:00,T1,K1,照会,J1,1,正常"],
        ["2025/04/30,23:50,00:20,T1,K1,J1,2", "2025/05/07,09:50,10:10,T1,K1,J1,1"],
    )
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, oplog)
    load_register(db, agency_id, register)

    assert _run(db) == {"off_hours": [2, 3]}
    assert _run(db, last="2025-04-30") == {"off_hours": [2]}  # the entry is whole: its 00:10 operation counts
    assert _run(db, first="2025-05-01") == {"off_hours": [3]}  # 00:10 belongs to the entry of 4/30
    assert _run(db, first="2025-05-02", last="2025-05-06") == {}


def test_agency_lists_decide_the_authority_checks(db, tmp_path: Path) -> None:
    oplog, register = _files(
        tmp_path,
        ["2026/03/18 10:00:00,T1,K1,照会,条例3-6,1,正常", "2026/03/19 10:00:00,T1,K1,照会,条例3-6,1,正常",
         "2026/03/19 10:01:00,T1,K1,照会,別表6-4,1,正常", "2026/03/19 10:02:00,T1,K1,照会,別表5-10,1,正常",
         "2026/03/19 10:03:00,T1,K9,照会,条例9-9,1,正常"],
        ["2026/03/18,09:55,10:05,T1,K1,,", "2026/03/19,09:55,10:05,T1,K1,,"],
    )
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, oplog)
    load_register(db, agency_id, register)
    with db.transaction():
        db.execute("INSERT INTO jimu (id, code, name) VALUES (1, '条例3-6', '移管された事務'), "
                   "(2, '条例9-9', '根拠のない事務'), (3, '別表5-10', '権限外の事務')")
        db.execute("INSERT INTO jimu_basis (jimu_id, code, basis, table_name, number, valid_from, valid_to) VALUES "
                   "(1, '条例3-6', '条例', '別表', '3-6', NULL, '2026-03-18'), "
                   "(1, '別表6-4', '法', '別表第六', '第四号', '2026-03-19', NULL), "
                   "(3, '別表5-10', '法', '別表第五', '第十号', NULL, NULL)")
        db.execute("INSERT INTO jimu_agency (jimu_id, agency_id) VALUES (1, ?), (2, ?)", (agency_id, agency_id))
        db.execute("INSERT INTO operator (agency_id, operator_code, registered_on) VALUES (?, 'K1', '2025-04-01')",
                   (agency_id,))

    exported = export_run(db, run_reconciliation(db, "C09", ReconcileSettings()).run_id)

    assert [s["kind"] for s in exported["skipped"]] == ["unregistered_terminal"]
    found = _lines(exported)
    assert found["unauthorized_jimu"] == [3, 5]  # 条例3-6 after its basis ended; 別表5-10 not the agency's
    assert found["unknown_operator"] == [6]
    reasons = {d["oplog"][0]["line"]: d["detail"]["reason"] for d in exported["discrepancies"]
               if d["kind"] == "unauthorized_jimu"}
    assert "有効期間外" in reasons[3] and "権限外" in reasons[5]
