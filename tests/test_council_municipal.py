"""市町村 (資料5): agencies of their own kind audited with the 市町村 checklist; J-LIS activities by type; the tally
of self-check items under 3 by category; the follow-up list — through the service, the CLI and the annual report."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK
from jukiaudit_desktop.core.audit import AuditType, ChecklistTarget
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.core.municipal import MunicipalActivity, MunicipalActivityKind
from jukiaudit_desktop.services import audits, checklists, master_data, municipal, reports_annual
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

REASON = "セキュリティ会議・緊急時対応訓練の未実施"  # 資料5 3点未満の主な理由


def _self_check(db: Database, code: str, low: dict[str, tuple[int, str]]) -> None:
    audit = audits.create_audit(db, code, 2025, AuditType.SELF_CHECK)
    template = checklists.get_template(db, audit.template_id)
    assert template.target is ChecklistTarget.MUNICIPALITY  # the 市町村 checklist, by the agency's kind
    for row in audits.audit_items(db, audit.id):
        score, comment = low.get(row.item.code, (3, ""))
        audits.set_self_score(db, audit.id, row.item.code, score)
        if comment:
            audits.set_self_comment(db, audit.id, row.item.code, comment)


@pytest.fixture
def towns(db: Database) -> Database:
    checklists.install_default_templates(db)
    for code, name in (("M01", "松本市"), ("M04", "箕輪町"), ("M05", "辰野町")):
        master_data.add_agency(db, Agency(code, name, AgencyKind.SHICHOSON))
    _self_check(db, "M01", {"L-1": (2, REASON), "L-2": (2, REASON)})
    _self_check(db, "M04", {"L-1": (1, REASON), "C-2": (2, "研修の記録がない")})
    _self_check(db, "M05", {})
    return db


def test_summary_counts_by_type_tallies_reasons_and_lists_followups(towns: Database, tmp_path: Path) -> None:
    db = towns
    municipal.add_activity(db, MunicipalActivity(2025, MunicipalActivityKind.REMOTE_AUDIT, "J-LIS",
                                                 "3町3村(箕輪町ほか)", 6, "R7.11～R8.2", "", ("M04",)))
    municipal.add_activity(db, MunicipalActivity(2025, MunicipalActivityKind.REMOTE_HEARING, "J-LIS",
                                                 "26市町村(松本市ほか)", 26, "R7.10～R8.2", "", ("M01",)))
    municipal.add_activity(db, MunicipalActivity(2025, MunicipalActivityKind.DEVICE_SURVEY, "J-LIS", "全市町村",
                                                 None, "R7.7～8"))
    master_data.add_agency(db, Agency("K01", "職員総務課"))
    with pytest.raises(InputError, match="市町村ではありません"):
        municipal.add_followup(db, 2025, "K01", "自己点検", "x")
    municipal.add_followup(db, 2025, "M04", "自己点検", "緊急時対応訓練の実施", "R8.3 実施予定")
    part = municipal.summary(db, 2025)
    assert part.counts == {"実機調査": 1, "リモート監査": 1, "リモートヒアリング": 1}
    assert [(r.category, r.items, r.municipalities, r.reasons[0]) for r in part.reasons] == [
        ("緊急時対応", 3, 2, REASON), ("教育・研修", 1, 1, "研修の記録がない")]
    assert [(f.agency_name, f.subject) for f in part.followups] == [("箕輪町", "緊急時対応訓練の実施")]
    path = tmp_path / "annual.pdf"
    reports_annual.write_annual_report(db, 2025, path)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    for expected in ("5市町村の住民基本台帳ネットワークシステムのセキュリティ対策", "3町3村(箕輪町ほか)",
                     "緊急時対応32" + REASON, "緊急時対応訓練の実施", "R8.3実施予定"):
        assert expected in text, expected
    assert trail.verify(db) == []


def test_cli_records_and_shows(cli, towns: Database) -> None:
    towns.close()
    code, out, _ = cli("municipal", "activity", "--year", "2025", "--kind", "リモート監査", "--targets",
                       "3町3村(箕輪町ほか)", "--count", "6", "--agency", "M04", "--period", "R7.11～R8.2")
    assert code == EXIT_OK and "記録しました" in out
    code, _, err = cli("municipal", "activity", "--year", "2025", "--kind", "訪問監査", "--targets", "x")
    assert code == EXIT_BAD_INPUT and "区分は 実機調査 / リモート監査" in err
    code, _, err = cli("municipal", "activity", "--year", "2025", "--kind", "リモート監査", "--targets", "1村",
                       "--count", "1", "--agency", "M01", "--agency", "M04")
    assert code == EXIT_BAD_INPUT and "対象数 1 より多く" in err
    code, out, _ = cli("municipal", "show", "--year", "2025", "--json")
    shown = json.loads(out)
    assert shown["counts_by_type"] == {"リモート監査": 1}
    assert shown["activities"][0]["agencies"] == ["M04"] and shown["low_score_reasons"][0]["category"] == "緊急時対応"
