"""Checklist templates: install the shipped defaults, import / export a template file, save an edit as a new version."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.audit import (
    ChecklistItem,
    ChecklistTarget,
    ChecklistTemplate,
    ScoringScheme,
    VerificationMethod,
)
from ..core.errors import InputError
from ..paths import resource
from ..storage import audits_repo as repo
from ..storage import trail
from ..storage.audits_repo import TemplateInfo, now_text
from ..storage.database import Database
from .app_trail import write_export

FILE_FORMAT = "jukiaudit-checklist"
FILE_FORMAT_VERSION = 1
# Versions of one name in order: an audit keeps the version it was created with (R7 audits: 第1版).
DEFAULT_FILES = (("prefecture_default.json", 1), ("prefecture_default_v2.json", 2), ("municipality_default.json", 1))
METHOD_SEPARATOR = "・"


def list_templates(db: Database) -> list[TemplateInfo]:
    """Every stored template version (id, name, version, target, item count)."""
    return repo.list_templates(db)


def get_template(db: Database, template_id: int) -> ChecklistTemplate:
    template = repo.get_template(db, template_id)
    if template is None:
        raise InputError(f"チェックリスト ID {template_id} はありません。")
    return template


# ---------------------------------------------------------------- validation


def _validate(template: ChecklistTemplate, where: str) -> ChecklistTemplate:
    """Check a template completely; `where` names the file (or 編集内容) in the error."""
    if not template.name.strip():
        raise InputError("チェックリストの名前(name)がありません。", where)
    if not template.items:
        raise InputError("項目(items)が1件もありません。", where)
    points = set(template.scoring.labels)
    if not points <= {1, 2, 3} or len(points) < 2:
        raise InputError("配点(scoring.labels)は 1～3 点のうち2段階以上で指定してください。", where)
    seen: dict[str, int] = {}
    for number, item in enumerate(template.items, start=1):
        at = f"{where}: items[{number}]"
        for label, value in (("code(項目コード)", item.code), ("category(分類)", item.category),
                             ("question(点検項目)", item.question)):
            if not value.strip():
                raise InputError(f"{label} がありません。", at)
        if item.code in seen:
            raise InputError(f"項目コード {item.code} が items[{seen[item.code]}] と重複しています。", at)
        seen[item.code] = number
        for method in filter(None, item.method.split(METHOD_SEPARATOR)):
            if method not in {m.value for m in VerificationMethod}:
                allowed = " / ".join(m.value for m in VerificationMethod)
                raise InputError(f"項目 {item.code} の確認方法「{method}」は使えません({allowed})。", at)
    return template


# ---------------------------------------------------------------- file format


def template_to_dict(template: ChecklistTemplate) -> dict[str, Any]:
    return {
        "format": FILE_FORMAT,
        "format_version": FILE_FORMAT_VERSION,
        "name": template.name,
        "version": template.version,
        "target": template.target.value,
        "description": template.description,
        "scoring": {"labels": {str(p): template.scoring.labels[p] for p in template.scoring.points},
                    "na_label": template.scoring.na_label},
        "items": [
            {"code": i.code, "category": i.category, "question": i.question, "viewpoint": i.viewpoint,
             "method": [m for m in i.method.split(METHOD_SEPARATOR) if m], "evidence": i.evidence,
             "criteria": i.criteria}
            for i in template.items
        ],
    }


def _text(data: dict[str, Any], key: str, at: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(f"{key} は文字列で書いてください。", at)
    if required and not value.strip():
        raise InputError(f"{key} がありません。", at)
    return value.strip()


def template_from_dict(data: Any, where: str) -> ChecklistTemplate:
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise InputError(f"チェックリストのファイルではありません(\"format\": \"{FILE_FORMAT}\" がありません)。", where)
    if data.get("format_version") != FILE_FORMAT_VERSION:
        raise InputError(f"ファイル形式の版 {data.get('format_version')} には対応していません"
                         f"(対応: {FILE_FORMAT_VERSION})。", where)
    try:
        target = ChecklistTarget(data.get("target", ChecklistTarget.PREFECTURE.value))
    except ValueError:
        raise InputError(f"target「{data.get('target')}」は使えません(県 / 市町村)。", where) from None
    scoring_data = data.get("scoring") or {}
    try:
        scoring = ScoringScheme({int(k): str(v) for k, v in scoring_data.get("labels", {}).items()},
                                str(scoring_data.get("na_label", "該当なし")))
    except (AttributeError, ValueError):
        raise InputError("scoring.labels は {\"3\": \"…\", \"2\": \"…\", \"1\": \"…\"} の形で書いてください。",
                         where) from None
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise InputError("items はリストで書いてください。", where)
    items = []
    for number, raw in enumerate(raw_items, start=1):
        at = f"{where}: items[{number}]"
        if not isinstance(raw, dict):
            raise InputError("項目はオブジェクト({…})で書いてください。", at)
        methods = raw.get("method", [])
        if isinstance(methods, str):
            methods = [m for m in methods.split(METHOD_SEPARATOR) if m]
        if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
            raise InputError("method は確認方法のリストで書いてください。", at)
        items.append(ChecklistItem(
            _text(raw, "code", at, required=True), _text(raw, "category", at, required=True),
            _text(raw, "question", at, required=True), _text(raw, "viewpoint", at),
            METHOD_SEPARATOR.join(m.strip() for m in methods), _text(raw, "evidence", at), _text(raw, "criteria", at),
            number))
    template = ChecklistTemplate(_text(data, "name", where, required=True), 1, target, scoring,
                                 _text(data, "description", where), tuple(items))
    return _validate(template, where)


def read_template_file(path: Path) -> ChecklistTemplate:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", str(path)) from None
    except UnicodeDecodeError:
        raise InputError("UTF-8 で保存されたファイルではありません。", str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON の書き方に誤りがあります({exc.msg})。", f"{path}:{exc.lineno}:{exc.colno}") from None
    return template_from_dict(data, str(path))


# ---------------------------------------------------------------- use cases


def _store(db: Database, template: ChecklistTemplate, action: str, **detail: Any) -> ChecklistTemplate:
    with db.transaction():
        stored = repo.insert_template(db, replace(template, version=repo.next_version(db, template.name)),
                                      now_text())
        trail.record(db, action, template_id=stored.id, name=stored.name, version=stored.version,
                     items=len(stored.items), **detail)
    return stored


def import_template(db: Database, path: Path) -> ChecklistTemplate:
    """Import a template file; it becomes the next version of the template with its name."""
    template = read_template_file(path)
    latest_id = repo.latest_template_id(db, name=template.name)
    latest = repo.get_template(db, latest_id) if latest_id is not None else None
    if latest is not None and _content(latest) == _content(template):
        raise InputError(f"「{template.name}」第{latest.version}版と同じ内容です。新しい版は作りませんでした。", str(path))
    return _store(db, template, "checklist.import", file=Path(path).name)


def _content(template: ChecklistTemplate) -> dict[str, Any]:
    """What a template says, without its id, version and dates (to recognise an unchanged file)."""
    data = template_to_dict(template)
    del data["version"]
    return data


def export_template(db: Database, template_id: int, path: Path) -> Path:
    template = get_template(db, template_id)
    text = json.dumps(template_to_dict(template), ensure_ascii=False, indent=1) + "\n"
    write_export(db, Path(path), text.encode("utf-8"), "checklist.export", mode=0o644, template_id=template_id)
    return Path(path)


def save_new_version(db: Database, base_template_id: int, items: Sequence[ChecklistItem], *,
                     description: str | None = None, scoring: ScoringScheme | None = None) -> ChecklistTemplate:
    """Save an edited template as the next version; audits that used the old version keep it."""
    base = get_template(db, base_template_id)
    edited = replace(base, items=tuple(items), description=base.description if description is None else description,
                     scoring=scoring or base.scoring, id=None)
    _validate(edited, "編集内容")
    return _store(db, edited, "checklist.new_version", base_template_id=base_template_id)


def template_id(db: Database, name: str, version: int) -> int:
    found = next((t.id for t in list_templates(db) if t.name == name and t.version == version), None)
    if found is None:
        raise InputError(f"チェックリスト「{name}」第{version}版がありません。")
    return found


def install_default_templates(db: Database) -> list[ChecklistTemplate]:
    """Install each shipped default checklist version the database does not hold yet."""
    installed = []
    with db.transaction():
        for file_name, version in DEFAULT_FILES:
            template = read_template_file(resource("checklists", file_name))
            if repo.next_version(db, template.name) == version:
                installed.append(_store(db, template, "checklist.install_default", file=file_name))
    return installed
