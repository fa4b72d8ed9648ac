"""Checklist templates: the shipped defaults, export / import as a file, versions, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jukiaudit_desktop.core.audit import AuditType, ChecklistTarget
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.paths import resource
from jukiaudit_desktop.services import audits, checklists
from jukiaudit_desktop.services.master_data import add_agency
from jukiaudit_desktop.storage.database import Database


def test_defaults_install_once_with_scoring_and_full_items(db: Database) -> None:
    installed = checklists.install_default_templates(db)
    assert [(t.target, t.version) for t in installed] == [(ChecklistTarget.PREFECTURE, 1),
                                                          (ChecklistTarget.PREFECTURE, 2), (ChecklistTarget.MUNICIPALITY, 1)]
    assert checklists.install_default_templates(db) == []
    prefecture = installed[0]
    assert len(prefecture.items) >= 40 and len(prefecture.categories) == 13
    assert prefecture.scoring.points == [3, 2, 1] and prefecture.scoring.na_label == "該当なし"
    for item in prefecture.items:
        assert item.question.endswith("か。") and item.viewpoint and item.method and item.evidence and item.criteria
    assert {m for i in prefecture.items for m in i.method.split("・")} == {"聞き取り", "書類確認", "現地確認", "ログ解析"}


def test_export_then_import_round_trips_as_the_next_version(db: Database, tmp_path: Path) -> None:
    original = checklists.install_default_templates(db)[0]
    path = checklists.export_template(db, original.id, tmp_path / "checklist.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "jukiaudit-checklist" and data["items"][0]["method"] == ["書類確認"]
    data["items"][0]["question"] = "責任者が指定され、組織図に記載されているか。"
    data["items"].append({"code": "M-9", "category": "監査・点検", "question": "県独自の項目か。",
                          "method": ["聞き取り", "現地確認"]})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    imported = checklists.import_template(db, path)
    assert (imported.name, imported.version) == (original.name, 3)  # after the shipped 第2版
    assert imported.items[0].question == "責任者が指定され、組織図に記載されているか。"
    assert imported.items[-1].method == "聞き取り・現地確認"
    assert checklists.get_template(db, original.id).items == original.items  # the old version is unchanged


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["items"][2].update(code="A-1"), r"items\[3\]: 項目コード A-1 が items\[1\] と重複しています"),
    (lambda d: d["items"][4].update(question=""), r"items\[5\]: question がありません"),
    (lambda d: d["items"][0].update(method=["目視"]), r"items\[1\]: 項目 A-1 の確認方法「目視」は使えません"),
    (lambda d: d.update(target="国"), r"target「国」は使えません"),
    (lambda d: d["scoring"].update(labels={"5": "優", "1": "不可"}), r"配点"),
    (lambda d: d.update(format="other"), r"チェックリストのファイルではありません"),
])
def test_a_bad_file_is_refused_with_its_place_and_nothing_is_stored(db: Database, tmp_path: Path, change,
                                                                     message: str) -> None:
    data = json.loads(resource("checklists", "prefecture_default.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match=message) as raised:
        checklists.import_template(db, path)
    assert str(path) in str(raised.value)
    assert checklists.list_templates(db) == []


def test_broken_json_names_line_and_column(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n "format": "jukiaudit-checklist",\n "items": [,]\n}', encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path}:3:12: JSON の書き方に誤りがあります"):
        checklists.import_template(db, path)


def test_an_edit_is_saved_as_a_new_version(db: Database) -> None:
    base = checklists.install_default_templates(db)[0]
    kept = [i for i in base.items if i.code != "K-3"]
    edited = checklists.save_new_version(db, base.id, kept, description="委託管理を簡素化")
    assert (edited.version, len(edited.items), edited.description) == (3, len(base.items) - 1, "委託管理を簡素化")
    with pytest.raises(InputError, match="編集内容: items"):
        checklists.save_new_version(db, base.id, [*kept, kept[0]])
    versions = [(t.name, t.version) for t in checklists.list_templates(db) if t.name == base.name]
    assert versions == [(base.name, 3), (base.name, 2), (base.name, 1)]


def test_new_audits_use_the_checklist_imported_last_for_their_target(db: Database, tmp_path: Path) -> None:
    checklists.install_default_templates(db)
    data = json.loads(resource("checklists", "prefecture_default.json").read_text(encoding="utf-8"))
    data["name"] = "長野県 住基ネット点検表(令和8年度)"
    path = tmp_path / "own.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    own = checklists.import_template(db, path)
    add_agency(db, Agency("K15", "こども・家庭課"))
    assert audits.create_audit(db, "K15", 2026, AuditType.SELF_CHECK).template_id == own.id
