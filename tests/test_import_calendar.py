"""Closed days and business hours per agency: 年末年始 by default, kept per agency, used by the CLI's reconcile."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import agency_calendar, master_data
from jukiaudit_desktop.storage.database import Database


def test_default_is_year_end_and_an_agency_keeps_its_own(db: Database) -> None:
    master_data.add_agency(db, Agency("C09", "長野地域振興局"))
    kept = agency_calendar.calendar(db, "C09")
    assert kept.closed_days == ("12-29", "12-30", "12-31", "01-01", "01-02", "01-03") == \
        ReconcileSettings().closed_days
    assert (kept.hours_start, kept.hours_end) == (time(8, 30), time(17, 30))

    agency_calendar.set_calendar(db, "C09", "08:30-17:15", ["12-29", "12-30", "12-31", "01-02", "01-03", "08-14"])
    kept = agency_calendar.calendar(db, "C09")
    assert kept.business_hours == "08:30-17:15" and "08-14" in kept.closed_days
    assert db.scalar("SELECT count(*) FROM trail WHERE action = 'setting.set' "
                     "AND detail LIKE '%reconcile.calendar.C09%'") == 1
    with pytest.raises(InputError, match="休業日「8月14日」を読めません"):
        agency_calendar.set_calendar(db, "C09", "08:30-17:15", ["8月14日"])
    with pytest.raises(InputError, match="業務時間の開始は終了より前"):
        agency_calendar.set_calendar(db, "C09", "18:00-17:15", [])


def test_cli_reconcile_uses_the_agencys_calendar(cli, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果\n"
                   "2025/12/29 10:00:00,T1,K1,検索,別表5-10,1,正常\n"  # 年末年始
                   "2025/04/01 17:20:00,T1,K1,検索,別表5-10,1,正常\n"  # after 17:15
                   "2025/08/14 10:00:00,T1,K1,検索,別表5-10,1,正常\n", encoding="utf-8")  # the agency's own day
    assert cli("import-oplog", "--agency", "C09", str(log))[0] == 0

    def off_hours_lines() -> list[int]:
        out = tmp_path / "out.json"
        assert cli("reconcile", "--agency", "C09", "--json", str(out))[0] == 0
        found = json.loads(out.read_text(encoding="utf-8"))["discrepancies"]
        return sorted(d["oplog"][0]["line"] for d in found if d["kind"] == "off_hours")

    assert off_hours_lines() == [2]
    code, out, _ = cli("reconcile-calendar", "--agency", "C09", "--hours", "08:30-17:15",
                       "--closed-days", "12-29,12-30,12-31,01-02,01-03,08-14")
    assert code == 0 and "業務時間 08:30-17:15" in out and "08-14" in out
    assert off_hours_lines() == [2, 3, 4]
    out_json = tmp_path / "given.json"
    assert cli("reconcile", "--agency", "C09", "--closed-days", "", "--hours", "08:30-17:30", "--json",
               str(out_json))[0] == 0  # options given win over the agency's calendar
    found = json.loads(out_json.read_text(encoding="utf-8"))["discrepancies"]
    assert [d for d in found if d["kind"] == "off_hours"] == []
