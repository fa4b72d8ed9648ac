"""CLI commands of subject analytics: operator-jimu (per-operator authority)."""

from __future__ import annotations

from typing import Any

from ..services import operator_authority


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


def cmd_set(args: Any, ctx: Any) -> int:
    codes = operator_authority.set_operator_jimu(ctx.db(create=False), args.agency, args.code, args.jimu)
    print(f"{args.agency} {args.code}: " + (", ".join(codes) if codes else "設定を外しました(機関の事務で判定)"))
    return 0


def cmd_list(args: Any, ctx: Any) -> int:
    for operator, codes in operator_authority.operator_jimu(ctx.db(create=False), args.agency).items():
        print(f"{operator}\t{', '.join(codes)}")
    return 0
