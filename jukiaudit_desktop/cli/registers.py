"""CLI: `register-check` — the 管理簿 inspection of an audit (set / list / propose [--raise])."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..core.errors import InputError
from ..core.registers import RegisterCheck
from ..core.wareki import format_wareki, parse_date
from ..services import register_checks


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "register-check", help="監査での管理簿の点検(業務端末使用管理簿・帳票管理簿 など)",
        description="register-check set --audit ID --kind 帳票管理簿 --kept yes|no [--since D] [--last-entry D] "
                    "[--frequency 毎月] [--last-checked D] [--checked-by NAME] [--note TEXT] | "
                    "register-check list --audit ID [--json] | register-check propose --audit ID [--raise]")
    parser.add_argument("action", choices=("set", "list", "propose"))
    parser.add_argument("--audit", type=int, required=True, help="監査ID")
    parser.add_argument("--kind", help="業務端末使用管理簿 / 帳票管理簿 / ドキュメント管理簿 / 媒体管理簿 / 照合情報認証管理簿")
    parser.add_argument("--kept", choices=("yes", "no"), help="管理簿を備えているか")
    parser.add_argument("--since", help="作成開始日")
    parser.add_argument("--last-entry", help="最終記帳日")
    parser.add_argument("--frequency", default="", help="所属での操作ログとの突合の頻度(例: 毎月)")
    parser.add_argument("--last-checked", help="所属での最終突合日")
    parser.add_argument("--checked-by", default="", help="突合を確認した者(責任者)")
    parser.add_argument("--note", default="", help="備考")
    parser.add_argument("--json", action="store_true", help="list を JSON で出力")
    parser.add_argument("--raise", dest="raise_", action="store_true", help="propose の指摘事項を登録する")
    parser.set_defaults(func=cmd_register_check)


def _day(text: str | None, what: str) -> Any:
    return None if not text else parse_date(text, what)


def _wareki(day: Any) -> str:
    return "" if day is None else format_wareki(day)


def cmd_register_check(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    if args.action == "set":
        if args.kind is None or args.kept is None:
            raise InputError("register-check set には --kind と --kept が必要です。")
        check = RegisterCheck(register_checks.parse_kind(args.kind), args.kept == "yes",
                              _day(args.since, "--since"), _day(args.last_entry, "--last-entry"), args.frequency,
                              _day(args.last_checked, "--last-checked"), args.checked_by, args.note)
        register_checks.record_check(db, args.audit, check)
        print(f"記録しました: {check.kind.value}({'あり' if check.kept else 'なし'})")
    elif args.action == "list":
        checks = register_checks.list_checks(db, args.audit)
        if args.json:
            print(json.dumps([{"kind": c.kind.value, "kept": c.kept, "since": c.since and c.since.isoformat(),
                               "last_entry": c.last_entry and c.last_entry.isoformat(),
                               "check_frequency": c.check_frequency,
                               "last_checked": c.last_checked and c.last_checked.isoformat(),
                               "checked_by": c.checked_by, "note": c.note} for c in checks],
                             ensure_ascii=False, indent=2))
        for c in [] if args.json else checks:
            print(f"{c.kind.value}\t{'あり' if c.kept else 'なし'}\t{_wareki(c.since)}\t{_wareki(c.last_entry)}\t"
                  f"{c.check_frequency}\t{_wareki(c.last_checked)}\t{c.checked_by}\t{c.note}")
    else:
        proposed = register_checks.proposed_findings(db, args.audit)
        for p in proposed:
            print(f"{p.finding_class.value}\t{p.title}\t{p.condition}")
        if args.raise_:
            raised = register_checks.raise_proposals(db, args.audit)
            print(f"指摘事項を登録しました: {len(raised)}件")
        elif not proposed:
            print("管理簿から提案する指摘事項はありません。")
    return 0
