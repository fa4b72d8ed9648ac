"""The self-check form: a protected .xlsx out, the filled form back in, strictly, cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from jukiaudit_desktop.core.audit import NOT_APPLICABLE, AuditStatus, AuditType
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.services import audits, selfcheck_xlsx
from jukiaudit_desktop.services.master_data import add_agency
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def audit_id(db: Database) -> int:
    add_agency(db, Agency("K15", "こども・家庭課"))
    return audits.create_audit(db, "K15", 2025, AuditType.SELF_CHECK).id


@pytest.fixture
def form(db: Database, audit_id: int, tmp_path: Path) -> Path:
    return selfcheck_xlsx.export_form(db, audit_id, tmp_path / "自己点検表.xlsx")


def fill(form: Path, out: Path, **cells: object) -> Path:
    """Fill every score with 3, then apply `cells` (e.g. G7="該当なし"), as an agency would in Excel."""
    wb = load_workbook(form)
    ws = wb["自己点検"]
    for row in range(6, ws.max_row + 1):
        ws[f"G{row}"] = 3
    for coordinate, value in cells.items():
        ws[coordinate] = value
    wb.save(out)
    return out


def test_form_is_protected_with_only_score_and_comment_cells_open(db: Database, audit_id: int, form: Path) -> None:
    wb = load_workbook(form)
    ws = wb["自己点検"]
    items = audits.audit_items(db, audit_id)
    assert [c.value for c in ws[5]] == ["番号", "項目コード", "分類", "点検項目", "着眼点", "確認方法", "点数", "コメント"]
    assert (ws["B6"].value, ws["D6"].value) == (items[0].item.code, items[0].item.question)
    assert ws.max_row == 5 + len(items)
    assert ws.protection.sheet and wb.security.lockStructure
    assert not ws["G6"].protection.locked and not ws["H6"].protection.locked
    assert ws["B6"].protection.locked and ws["D6"].protection.locked
    validation = ws.data_validations.dataValidation[0]
    assert validation.formula1 == '"3,2,1,該当なし"' and str(validation.sqref) == f"G6:G{5 + len(items)}"
    marker = wb["_jukiaudit"]
    assert marker.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in marker.iter_rows(values_only=True)}
    assert values["audit_id"] == str(audit_id) and values["template_version"] == "2" and values["agency_code"] == "K15"  # 第2版
    assert "令和7年度" in ws["A1"].value and "こども・家庭課" in ws["A2"].value


def test_filled_form_imports_every_score_and_comment(db: Database, audit_id: int, form: Path, tmp_path: Path) -> None:
    filled = fill(form, tmp_path / "filled.xlsx", G7="該当なし", G8="２", G9=1.0, H8="研修記録の一部が未整備")
    result = selfcheck_xlsx.import_form(db, filled, audit_id)
    assert (result.items, result.not_applicable) == (len(audits.audit_items(db, audit_id)), 1)
    rows = {r.item.code: r for r in audits.audit_items(db, audit_id)}
    assert (rows["A-2"].self_score, rows["A-3"].self_score, rows["B-1"].self_score) == (NOT_APPLICABLE, 2, 1)
    assert rows["A-3"].self_comment == "研修記録の一部が未整備"
    assert all(r.verified is None for r in rows.values())
    assert db.scalar("SELECT count(*) FROM trail WHERE action = 'selfcheck.import'") == 1


def test_changed_layout_and_bad_scores_are_named_by_cell_and_nothing_is_stored(
        db: Database, audit_id: int, form: Path, tmp_path: Path) -> None:
    tampered = fill(form, tmp_path / "tampered.xlsx", B7="A-9", D10="書き換えた質問", G12=4, G13=None,
                    G14="0", C5="区分")
    with pytest.raises(InputError) as raised:
        selfcheck_xlsx.import_form(db, tampered)
    message = str(raised.value)
    assert message.startswith(f"{tampered}: 自己点検表に 6 件の誤りがあります。何も取り込んでいません。")
    assert "シート 自己点検 セル B7: 項目コードが変更されています(正: A-2)" in message
    assert "シート 自己点検 セル D10: 点検項目が変更されています" in message
    assert "シート 自己点検 セル G12: 点数「4」は使えません" in message
    assert "シート 自己点検 セル G13: 点数が入力されていません" in message
    assert "シート 自己点検 セル G14: 点数「0」は使えません" in message
    assert "シート 自己点検 セル C5: 見出しが変更されています(正: 分類)" in message
    assert all(r.self_score is None for r in audits.audit_items(db, audit_id))


def test_added_rows_are_refused(db: Database, form: Path, tmp_path: Path) -> None:
    wb = load_workbook(form)
    last = wb["自己点検"].max_row
    extra = fill(form, tmp_path / "extra.xlsx", **{f"D{last + 2}": "追加した項目"})
    with pytest.raises(InputError, match=f"セル D{last + 2}: 様式にない行が追加されています"):
        selfcheck_xlsx.import_form(db, extra)


def test_a_form_for_another_audit_or_without_its_marker_is_refused(db: Database, audit_id: int, form: Path,
                                                                   tmp_path: Path) -> None:
    filled = fill(form, tmp_path / "filled.xlsx")
    with pytest.raises(InputError, match=f"この様式は監査 {audit_id} のものです"):
        selfcheck_xlsx.import_form(db, filled, audit_id + 1)
    wb = load_workbook(filled)
    del wb["_jukiaudit"]
    wb.save(tmp_path / "no_marker.xlsx")
    with pytest.raises(InputError, match="JukiAudit が出力した自己点検表ではありません"):
        selfcheck_xlsx.import_form(db, tmp_path / "no_marker.xlsx")
    wb = load_workbook(filled)
    wb["_jukiaudit"]["B6"] = "7"  # template_version: the MAC no longer matches
    wb.save(tmp_path / "other_version.xlsx")
    with pytest.raises(InputError, match="書き換えられているか"):
        selfcheck_xlsx.import_form(db, tmp_path / "other_version.xlsx")
    (tmp_path / "not.xlsx").write_text("score,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="Excel ファイル"):
        selfcheck_xlsx.import_form(db, tmp_path / "not.xlsx")


def test_a_form_cannot_change_notified_results(db: Database, audit_id: int, form: Path, tmp_path: Path) -> None:
    for status in (AuditStatus.NOTIFIED, AuditStatus.IN_PROGRESS, AuditStatus.RESULT_NOTIFIED):
        audits.set_status(db, audit_id, status)
    with pytest.raises(InputError, match="結果通知済"):
        selfcheck_xlsx.import_form(db, fill(form, tmp_path / "late.xlsx"))
