"""CLI: `municipal` — 市町村 (資料5): J-LIS activities, follow-ups, the year's summary."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..core.errors import InputError
from ..core.municipal import MunicipalActivity
from ..services import municipal
from .year_option import fiscal_year


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "municipal", help="市町村(資料5): J-LIS の監査等・フォローアップ・年度のまとめ",
        description="municipal activity --year 2025 --kind リモート監査 --targets '3町3村(箕輪町ほか)' --count 6 "
                    "[--agency M04] [--period R7.11～R8.2] [--content TEXT] | municipal followup --year 2025 "
                    "--agency M04 --source 自己点検 --subject TEXT [--status TEXT] | municipal show --year 2025 [--json]")
    parser.add_argument("action", choices=("activity", "followup", "show"))
    parser.add_argument("--year", type=fiscal_year("--year"), required=True, help="年度(2026 / 令和8 / R8)")
    parser.add_argument("--kind", help="実機調査 / リモート監査 / リモートヒアリング / セミナー")
    parser.add_argument("--auditor", default="J-LIS")
    parser.add_argument("--targets", help="対象(資料の書き方のまま。例: 3町3村(箕輪町ほか))")
    parser.add_argument("--count", type=int, help="対象の市町村数(省略: 全市町村)")
    parser.add_argument("--agency", action="append", default=[], help="名前の分かる対象市町村の機関コード(複数可)")
    parser.add_argument("--period", default="", help="実施時期(例: R7.11～R8.2)")
    parser.add_argument("--content", default="", help="内容")
    parser.add_argument("--source", default="自己点検", help="followup の区分(自己点検・実機調査 など)")
    parser.add_argument("--subject", default="", help="フォローアップする事項")
    parser.add_argument("--status", default="", help="状況")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=cmd_municipal)


def cmd_municipal(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    if args.action == "activity":
        if args.kind is None or not args.targets:
            raise InputError("municipal activity には --kind と --targets が必要です。")
        activity = MunicipalActivity(args.year, municipal.parse_kind(args.kind), args.auditor, args.targets,
                                     args.count, args.period, args.content, tuple(args.agency))
        print(f"記録しました: 監査等 {municipal.add_activity(db, activity)}")
    elif args.action == "followup":
        if len(args.agency) != 1:
            raise InputError("municipal followup には --agency を1つ指定してください。")
        followup_id = municipal.add_followup(db, args.year, args.agency[0], args.source, args.subject, args.status)
        print(f"記録しました: フォローアップ {followup_id}")
    else:
        part = municipal.summary(db, args.year)
        data = {"counts_by_type": part.counts,
                "activities": [{"kind": a.kind.value, "auditor": a.auditor, "targets": a.targets,
                                "target_count": a.target_count, "period": a.period, "agencies": list(a.agency_codes)}
                               for a in part.activities],
                "low_score_reasons": [{"category": r.category, "items": r.items, "municipalities": r.municipalities,
                                       "reasons": list(r.reasons)} for r in part.reasons],
                "followups": [{"agency_code": f.agency_code, "agency_name": f.agency_name, "source": f.source,
                               "subject": f.subject, "status": f.status} for f in part.followups]}
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for kind, n in part.counts.items():
                print(f"{kind}\t{n}件")
            for r in part.reasons:
                print(f"3点未満\t{r.category}\t{r.items}項目\t{r.municipalities}市町村\t{'、'.join(r.reasons)}")
            for f in part.followups:
                print(f"フォローアップ\t{f.agency_code} {f.agency_name}\t{f.source}\t{f.subject}\t{f.status}")
    return 0
