"""CLI commands of subject analytics: operator-jimu (per-operator authority), subject lookups."""

from __future__ import annotations

from typing import Any

from ..services import operator_authority, subjects


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
