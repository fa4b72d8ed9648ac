"""CLI commands of subject analytics: operator-jimu (per-operator authority), subject lookups, sampling for
根拠書類 (sample, sample-result, sample-finding)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.wareki import parse_date
from ..security.atomic import write_atomic
from ..services import operator_authority, sampling, subjects
from ..storage.reconcile_repo import Period


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("operator-jimu", help="操作者ごとの利用できる事務(なければ機関の事務で判定)")
    sub = parser.add_subparsers(dest="operator_jimu_command", metavar="SUBCOMMAND", required=True)
    set_ = sub.add_parser("set", help="操作者の利用できる事務を設定する(事務を省略すると設定を外す)")
    set_.add_argument("--agency", required=True, metavar="CODE")
    set_.add_argument("--code", required=True, metavar="OPERATOR", help="操作者ID")
    set_.add_argument("jimu", nargs="*", metavar="JIMU", help="事務コード(例: 別表5-10)")
    set_.set_defaults(func=cmd_set)
    list_ = sub.add_parser("list", help="操作者ごとの利用できる事務の一覧")
    list_.add_argument("--agency", required=True, metavar="CODE")
    list_.set_defaults(func=cmd_list)
    register_lookups(subparsers)
    register_sampling(subparsers)


def cmd_set(args: Any, ctx: Any) -> int:
    codes = operator_authority.set_operator_jimu(ctx.db(create=False), args.agency, args.code, args.jimu)
    print(f"{args.agency} {args.code}: " + (", ".join(codes) if codes else "設定を外しました(機関の事務で判定)"))
    return 0


def cmd_list(args: Any, ctx: Any) -> int:
    for operator, codes in operator_authority.operator_jimu(ctx.db(create=False), args.agency).items():
        print(f"{operator}\t{', '.join(codes)}")
    return 0


def register_lookups(subparsers: Any) -> None:
    parser = subparsers.add_parser("subject", help="対象者への照会(番号は伏せ字で表示)")
    sub = parser.add_subparsers(dest="subject_command", metavar="SUBCOMMAND", required=True)
    lookups = sub.add_parser("lookups", help="差異または操作の対象者への、機関の全照会を一覧にする")
    which = lookups.add_mutually_exclusive_group(required=True)
    which.add_argument("--discrepancy", type=int, metavar="ID", help="差異 ID")
    which.add_argument("--operation", type=int, metavar="ID", help="操作 ID")
    lookups.set_defaults(func=cmd_lookups)


def cmd_lookups(args: Any, ctx: Any) -> int:
    db = ctx.db(create=False)
    found = (subjects.lookups_of_discrepancy(db, args.discrepancy) if args.discrepancy is not None
             else subjects.lookups_of_operation(db, args.operation))
    print(f"対象者 {found[0].masked}: 照会 {len(found)} 件、操作者 {len({f.operator for f in found})} 人")
    for f in found:
        print(f"{f.at}\t{f.terminal}\t{f.operator}\t{f.op_kind or ''}\t{f.jimu_code or ''}\t{f.result or ''}\t"
              f"{f.file}:{f.line}")
    return 0


def register_sampling(subparsers: Any) -> None:
    draw = subparsers.add_parser("sample", help="根拠書類の確認のため、照会記録を事務ごとに比例して抽出する")
    draw.add_argument("--agency", required=True, metavar="CODE")
    draw.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="期間の開始日(含む)")
    draw.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="期間の終了日(含む)")
    draw.add_argument("--n", type=int, default=30, help="抽出件数(既定 30)")
    draw.add_argument("--seed", type=int, required=True, metavar="S", help="乱数の種(確認票に印字)")
    draw.add_argument("--json", type=Path, required=True, metavar="OUT")
    draw.add_argument("--pdf", type=Path, metavar="OUT", help="確認票の PDF")
    draw.set_defaults(func=cmd_sample)
    result = subparsers.add_parser("sample-result", help="抽出した行の確認結果(確認済 / 不備)を記録する")
    result.add_argument("--sample", type=int, required=True, metavar="ID")
    result.add_argument("--line", type=int, required=True, metavar="N", help="確認票の番号")
    result.add_argument("--result", required=True, choices=sampling.RESULTS)
    result.add_argument("--note", default="", help="備考(不備のときは必須)")
    result.set_defaults(func=cmd_sample_result)
    raise_ = subparsers.add_parser("sample-finding", help="不備の行を監査の指摘事項にする")
    raise_.add_argument("--sample", type=int, required=True, metavar="ID")
    raise_.add_argument("--line", type=int, required=True, metavar="N")
    raise_.add_argument("--audit", type=int, required=True, metavar="ID")
    raise_.set_defaults(func=cmd_sample_finding)


def cmd_sample(args: Any, ctx: Any) -> int:
    period = Period(None if args.first is None else parse_date(args.first, "--from"),
                    None if args.last is None else parse_date(args.last, "--to"))
    db = ctx.db(create=False)
    sample_id = sampling.draw_sample(db, args.agency, period, args.n, args.seed)
    exported = sampling.export_sample(db, sample_id)
    write_atomic(args.json, (json.dumps(exported, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if args.pdf is not None:
        sampling.write_sample_pdf(db, sample_id, args.pdf)
    print(f"抽出 {sample_id}: {len(exported['lines'])} 件(乱数の種 {args.seed})→ {args.json}"
          + (f"、{args.pdf}" if args.pdf else ""))
    return 0


def cmd_sample_result(args: Any, ctx: Any) -> int:
    line = sampling.record_result(ctx.db(create=False), args.sample, args.line, args.result, args.note)
    print(f"抽出 {args.sample} の {line.ordinal} 番: {line.result}{'(' + line.note + ')' if line.note else ''}")
    return 0


def cmd_sample_finding(args: Any, ctx: Any) -> int:
    finding_id = sampling.raise_deficiency(ctx.db(create=False), args.audit, args.sample, args.line)
    print(f"指摘事項 {finding_id} を登録しました(抽出 {args.sample} の {args.line} 番)。")
    return 0
