"""The checklist's second version (items the first lacked) applies to new audits; old audits keep the first.
事務 codes take 枝番 and 別表第三."""

from __future__ import annotations

from datetime import date

import pytest

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency, basis_from_code, code_sort_key
from jukiaudit_desktop.services import audits, checklists, master_data
from jukiaudit_desktop.storage.database import Database

NAME = "県事務利用機関 自己点検・監査チェックリスト"
NEW_ITEMS = {"E-8", "E-9", "F-6", "F-7", "G-6", "G-7", "N-1", "N-2", "N-3", "N-4"}


def test_second_version_for_new_audits_first_kept_for_old(db: Database) -> None:
    checklists.install_default_templates(db)
    assert checklists.install_default_templates(db) == []  # nothing twice
    versions = sorted(t.version for t in checklists.list_templates(db) if t.name == NAME)
    assert versions == [1, 2]
    master_data.add_agency(db, Agency("K03", "消防課"))
    old = audits.create_audit(db, "K03", 2025, AuditType.SELF_CHECK,
                              template_id=checklists.template_id(db, NAME, 1))
    new = audits.create_audit(db, "K03", 2026, AuditType.INTERNAL, start_date=date(2026, 10, 1))
    old_codes = {row.item.code for row in audits.audit_items(db, old.id)}
    new_rows = {row.item.code: row.item for row in audits.audit_items(db, new.id)}
    assert not old_codes & NEW_ITEMS and set(new_rows) == old_codes | NEW_ITEMS
    assert "番号法" in new_rows["G-6"].question and "照合情報認証管理簿" in new_rows["F-6"].question
    assert new_rows["N-1"].category == "運用機関"


def test_codes_take_branch_numbers_and_table_three() -> None:
    branch = basis_from_code("別表5-6の2")
    assert (branch.table_name, branch.number) == ("別表第五", "第六号の二")
    assert basis_from_code("別表3-4").citation == "住民基本台帳法別表第三第四号"
    assert basis_from_code("条例3-2の3").number == "第2号の3"
    assert basis_from_code("別表5-1", provisional=True).citation.endswith("(号は仮)")
    for bad in ("別表4-1", "別表5-6の1", "別表5-6の"):
        with pytest.raises(InputError):
            basis_from_code(bad)
    assert sorted(["別表5-10", "別表5-6の2", "別表5-6", "別表5-2"], key=code_sort_key) == [
        "別表5-2", "別表5-6", "別表5-6の2", "別表5-10"]
