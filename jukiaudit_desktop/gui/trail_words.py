"""The trail in words for the 監査証跡 tab: 「突合を実行(C09、操作 1,234 件、差異 39 件)」 instead of
`reconcile.run {"agency": "C09", ...}`. Unknown actions and keys are shown as they are, never dropped."""

from __future__ import annotations

import json
from typing import Any

from ..core.wareki import format_fiscal_year

ACTIONS = {
    "database.create": "データベースを作成", "database.open": "データベースを開く", "database.rekey": "鍵を更新",
    "backup.create": "バックアップを作成", "backup.restore": "バックアップから復元", "setting.set": "設定を変更",
    "demo.load": "デモデータを読み込み", "master.demo": "マスタのデモデータ", "plan.demo": "監査計画のデモデータ",
    "audit.demo": "監査のデモデータ", "report.demo": "利用件数のデモデータ",
    "agency.add": "機関を追加", "agency.update": "機関を変更", "jimu.add": "事務を追加", "jimu.update": "事務を変更",
    "jimu.change_basis": "事務の根拠を変更", "terminal.add": "端末を追加", "terminal.update": "端末を変更",
    "operator.add": "操作者を追加", "operator.update": "操作者を変更",
    "import.oplog": "操作ログを取り込み", "import.register": "管理簿を取り込み", "import.register_entry": "記帳を手入力",
    "reconcile.run": "突合を実行", "reconcile.explain": "差異を説明済みに", "reconcile.reopen": "説明済みを取り消し",
    "audit.create": "監査を作成", "audit.update": "監査を変更", "audit.status": "監査の状態を変更",
    "audit.verified_score": "確認結果を採点", "audit.self_score": "自己点検を採点", "audit.note": "所見を記入",
    "evidence.add": "証跡を添付", "finding.add": "指摘事項を起票", "finding.update": "指摘事項を変更",
    "finding.from_discrepancy": "差異から指摘事項を起票", "finding.followup": "改善報告を登録",
    "sheet.issue": "指摘事項票を発行", "sheet.reprint": "指摘事項票を再発行", "sheet.sign": "指摘事項票に電子署名",
    "selfcheck.export": "自己点検表を出力", "selfcheck.import": "自己点検表を取り込み",
    "checklist.export": "チェックリストを出力", "report.annual": "年次報告を作成",
    "export.findings": "指摘事項を出力", "export.discrepancies": "差異を出力",
    "plan.period_add": "期を追加", "plan.save": "監査計画を保存", "plan.pin": "計画を固定", "plan.unpin": "固定を解除",
    "plan.print": "監査計画書を発行", "plan.matrix_export": "計画表を出力",
    "followup_status.set": "改善状況の区分を設定", "municipal.activity_add": "市町村の監査等を記録",
    "municipal.followup_add": "市町村のフォローアップを記録",
}

KEYS = {
    "agency": "機関", "agency_id": "機関 ID", "audit_id": "監査 ID", "finding_id": "指摘 ID", "item": "項目",
    "discrepancy_id": "差異 ID", "kind": "種別", "file": "ファイル", "rows": "行", "doc_number": "文書番号",
    "code": "コード", "name": "名称", "period": "期", "operations": "操作", "register_entries": "記帳",
    "profile": "プロファイル", "mode": "方式", "value": "値", "audit_type": "種別", "status": "状況",
    "score": "点数", "first_year": "初年度", "last_year": "最終年度", "files": "ファイル", "steps": "内容",
    "self_checks": "自己点検", "internal": "内部監査", "external": "外部監査", "stated_totals": "年度",
    "statuses": "区分", "planned_on": "予定日",
}
HIDDEN = {"sha256", "trail_head", "run_id", "template_id", "evidence_id", "followup_id", "id"}  # long or internal


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def _value(key: str, value: Any) -> str:
    if key == "fiscal_year" and isinstance(value, int):
        return format_fiscal_year(value)
    if isinstance(value, int) and not key.endswith("id"):
        return f"{value:,}"
    if isinstance(value, list):
        return "・".join(f"{v['name']}({v['rows']:,} 行)" if isinstance(v, dict) and {"name", "rows"} <= v.keys()
                        else str(v) for v in value)
    return str(value)


def describe(action: str, detail: str) -> str:
    """「label(key value、…)」 for one trail entry."""
    try:
        fields = json.loads(detail) if detail else {}
    except json.JSONDecodeError:
        return f"{action_label(action)}({detail})"
    if not isinstance(fields, dict):
        return f"{action_label(action)}({detail})"
    parts: list[str] = []
    if "old" in fields and "new" in fields:
        parts.append(f"{fields.pop('old')} → {fields.pop('new')}")
    summary = fields.pop("summary", None)
    for key, value in fields.items():
        if key in HIDDEN or value in (None, "", []):
            continue
        if key == "fiscal_year":
            parts.append(_value(key, value))
        elif key in ("operations", "register_entries"):
            parts.append(f"{KEYS[key]} {_value(key, value)} 件")
        elif key == "rows":
            parts.append(f"{_value(key, value)} 行")
        else:
            parts.append(f"{KEYS.get(key, key)} {_value(key, value)}")
    if isinstance(summary, dict):
        parts.append(f"差異 {sum(int(v) for v in summary.values()):,} 件")
    return f"{action_label(action)}({'、'.join(parts)})" if parts else action_label(action)
