"""The self-check form carries 記入者 / 責任者確認 / 確認日 (an item asks for them) and they are imported back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_audit_selfcheck import fill

from jukiaudit_desktop.core.audit import AuditType, Signoff
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.services import audits, selfcheck_signoff, selfcheck_xlsx
from jukiaudit_desktop.services.master_data import add_agency
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def form(db: Database, tmp_path: Path) -> tuple[int, Path]:
    add_agency(db, Agency("K15", "こども・家庭課"))
    audit_id = audits.create_audit(db, "K15", 2025, AuditType.SELF_CHECK).id
    return audit_id, selfcheck_xlsx.export_form(db, audit_id, tmp_path / "自己点検表.xlsx")


def test_signoff_cells_are_open_and_imported_back(db: Database, form: tuple[int, Path], tmp_path: Path) -> None:
    audit_id, path = form
    ws = load_workbook(path)["自己点検"]
    assert (ws["A4"].value, ws["D4"].value, ws["F4"].value) == ("記入者", "責任者確認", "確認日")
    assert not any(ws[c].protection.locked for c in ("B4", "E4", "G4")) and ws["A4"].protection.locked
    selfcheck_xlsx.import_form(db, fill(path, tmp_path / "a.xlsx", B4="竹内 美咲", E4="北村 一郎",
                                          G4=datetime(2025, 6, 20)))
    assert selfcheck_signoff.get(db, audit_id) == Signoff("竹内 美咲", "北村 一郎", date(2025, 6, 20))
    selfcheck_xlsx.import_form(db, fill(path, tmp_path / "b.xlsx", B4="竹内 美咲", E4="北村 一郎", G4="R7.6.27"))
    assert selfcheck_signoff.get(db, audit_id).approved_on == date(2025, 6, 27)  # 和暦 text accepted
    assert trail.verify(db) == []


@pytest.mark.parametrize(("cells", "message"), [
    ({"E4": "北村 一郎"}, r"セル G4: 責任者確認には氏名と確認日の両方"),
    ({"E4": "北村 一郎", "G4": "6月20日ごろ"}, r"セル G4"),
])
def test_a_half_confirmation_is_refused_and_nothing_is_stored(db: Database, form: tuple[int, Path], tmp_path: Path,
                                                               cells: dict[str, object], message: str) -> None:
    audit_id, path = form
    with pytest.raises(InputError, match=message):
        selfcheck_xlsx.import_form(db, fill(path, tmp_path / "bad.xlsx", **cells))
    assert selfcheck_signoff.get(db, audit_id) is None
    assert all(row.self_score is None for row in audits.audit_items(db, audit_id))
