"""Self-check forms are bound to their audit and agency by a keyed MAC and the visible 機関 line; a form saved
again by LibreOffice still imports; no checklist text becomes a live formula."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_audit_selfcheck import fill

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.services import audits, checklists, selfcheck_xlsx
from jukiaudit_desktop.services.master_data import add_agency
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

SOFFICE = shutil.which("soffice")


@pytest.fixture
def two_audits(db: Database) -> tuple[int, int]:
    add_agency(db, Agency("K15", "こども・家庭課"))
    add_agency(db, Agency("K16", "健康福祉政策課"))
    first = audits.create_audit(db, "K15", 2025, AuditType.SELF_CHECK).id
    second = audits.create_audit(db, "K16", 2025, AuditType.SELF_CHECK).id
    assert first is not None and second is not None
    return first, second


def self_scores(db: Database, audit_id: int) -> list[int | None]:
    return [item.self_score for item in audits.audit_items(db, audit_id)]


def assert_refused(db: Database, path: Path, match: str, untouched: int) -> None:
    before, head = self_scores(db, untouched), trail.current_head(db)
    with pytest.raises(InputError, match=match) as refused:
        selfcheck_xlsx.import_form(db, path)
    assert path.name in str(refused.value)
    assert self_scores(db, untouched) == before and trail.current_head(db) == head  # nothing stored


def test_a_marker_moved_to_another_audit_is_refused(db: Database, two_audits, tmp_path: Path) -> None:
    first, second = two_audits
    form = selfcheck_xlsx.export_form(db, first, tmp_path / "k15.xlsx")
    filled = fill(form, tmp_path / "filled.xlsx")
    wb = load_workbook(filled)
    marker = wb["_jukiaudit"]
    for row in marker.iter_rows():
        if row[0].value == "audit_id":
            row[1].value = str(second)
        if row[0].value == "agency_code":
            row[1].value = "K16"
    ws = wb["自己点検"]
    ws["A2"] = str(ws["A2"].value).replace("K15 こども・家庭課", "K16 健康福祉政策課")
    wb.save(tmp_path / "moved.xlsx")
    assert_refused(db, tmp_path / "moved.xlsx", "識別情報.*書き換えられている", second)


def test_a_form_showing_another_agency_is_refused(db: Database, two_audits, tmp_path: Path) -> None:
    first, second = two_audits
    form = selfcheck_xlsx.export_form(db, second, tmp_path / "k16.xlsx")
    wb = load_workbook(fill(form, tmp_path / "filled.xlsx"))
    ws = wb["自己点検"]
    ws["A2"] = str(ws["A2"].value).replace("K16 健康福祉政策課", "K15 こども・家庭課")
    wb.save(tmp_path / "relabelled.xlsx")
    assert_refused(db, tmp_path / "relabelled.xlsx", "セル A2: 機関の表示", second)
    assert_refused(db, tmp_path / "relabelled.xlsx", "セル A2: 機関の表示", first)


def test_a_form_of_another_database_is_refused(db: Database, two_audits, tmp_path: Path) -> None:
    first, _ = two_audits
    form = fill(selfcheck_xlsx.export_form(db, first, tmp_path / "k15.xlsx"), tmp_path / "filled.xlsx")
    db.execute("UPDATE setting SET value = '\"00\"' WHERE name = 'selfcheck.form_key'")  # another secret
    assert_refused(db, form, "別のデータベース", first)


def test_the_mac_key_is_never_in_the_file_or_the_trail(db: Database, two_audits, tmp_path: Path) -> None:
    form = selfcheck_xlsx.export_form(db, two_audits[0], tmp_path / "k15.xlsx")
    key = db.scalar("SELECT value FROM setting WHERE name = 'selfcheck.form_key'").strip('"')
    assert len(key) == 64
    with zipfile.ZipFile(form) as archive:
        assert not any(key.encode() in archive.read(name) for name in archive.namelist())
    assert not any(key in str(entry.detail) for entry in trail.entries(db))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (apt-get install libreoffice-calc-nogui) is not installed")
def test_a_form_saved_again_by_libreoffice_imports(db: Database, two_audits, tmp_path: Path) -> None:
    first, _ = two_audits
    filled = fill(selfcheck_xlsx.export_form(db, first, tmp_path / "k15.xlsx"), tmp_path / "filled.xlsx",
                  G6="該当なし", G7="２", H7="管理簿は課長が毎月確認")
    out = tmp_path / "libreoffice"
    subprocess.run([str(SOFFICE), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(filled)], check=True, capture_output=True,
                   timeout=180)
    resaved = out / "filled.xlsx"
    assert resaved.read_bytes() != filled.read_bytes()
    result = selfcheck_xlsx.import_form(db, resaved)
    assert result.audit_id == first and result.not_applicable == 1
    items = audits.audit_items(db, first)
    assert [i.self_score for i in items[:3]] == [0, 2, 3]
    assert items[1].self_comment == "管理簿は課長が毎月確認"


def test_no_checklist_text_becomes_a_formula(db: Database, tmp_path: Path) -> None:
    base = checklists.install_default_templates(db)[0]
    nasty = ('=HYPERLINK("http://example.invalid","押してください")', "+1+1", "-2", "@SUM(1)", "\tタブ")
    first = dataclasses.replace(base.items[0], question=nasty[0], viewpoint=nasty[1], code=nasty[2],
                                category=nasty[3], id=None, template_id=None)
    checklists.save_new_version(db, base.id, [first, *base.items[1:]])
    add_agency(db, Agency("K15", "こども・家庭課"))
    audit = audits.create_audit(db, "K15", 2025, AuditType.SELF_CHECK)
    form = selfcheck_xlsx.export_form(db, audit.id, tmp_path / "form.xlsx")
    with zipfile.ZipFile(form) as archive:
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in archive.namelist())
    ws = load_workbook(form)["自己点検"]
    cells = {c.value: c for row in ws.iter_rows(min_row=6, max_row=6) for c in row}
    for text in nasty[:4]:
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    result = selfcheck_xlsx.import_form(db, fill(form, tmp_path / "filled.xlsx"))
    assert result.items == len(base.items)
