"""CLI commands: init, agency add/list (master data)."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.errors import JukiAuditError
from ..core.master import Agency
from ..services import master_data


def register(subparsers: Any) -> None:
    init = subparsers.add_parser("init", help="新しい暗号化データベースを作成する")
    init.set_defaults(func=cmd_init)

    agency = subparsers.add_parser("agency", help="事務利用機関")
    agency_sub = agency.add_subparsers(dest="agency_command", metavar="SUBCOMMAND", required=True)
    add = agency_sub.add_parser("add", help="機関を登録する")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--kind", default="本庁課", help="本庁課 / 地域振興局 / 運用機関 / 執行機関 / 市町村")
    add.add_argument("--first-use-year", type=int, help="住基ネットの利用開始年度(西暦)")
    add.set_defaults(func=cmd_agency_add)
    list_ = agency_sub.add_parser("list", help="機関の一覧")
    list_.set_defaults(func=cmd_agency_list)


def cmd_init(args: argparse.Namespace, ctx: Any) -> int:
    if ctx.db_path.exists():
        raise JukiAuditError(f"{ctx.db_path}: 既にデータベースがあります。上書きはしません。")
    ctx.db(create=True)
    print(f"作成しました: {ctx.db_path}(暗号化済み)")
    return 0


def cmd_agency_add(args: argparse.Namespace, ctx: Any) -> int:
    kind = master_data.parse_agency_kind(args.kind)
    added = master_data.add_agency(
        ctx.db(), Agency(args.code, args.name, kind, first_use_year=args.first_use_year)
    )
    print(f"登録しました: {added.code} {added.name}")
    return 0


def cmd_agency_list(args: argparse.Namespace, ctx: Any) -> int:
    for a in master_data.list_agencies(ctx.db()):
        print(f"{a.code}\t{a.name}\t{a.kind.value}\t{a.first_use_year or ''}")
    return 0
