"""CLI commands: watchlist import / list / remove (注視対象者: keyed hash and 表示名 only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..services import watchlist


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("watchlist", help="注視対象者(照会があれば必ず差異にする対象者)の一覧")
    sub = parser.add_subparsers(dest="watchlist_command", metavar="SUBCOMMAND", required=True)
    add = sub.add_parser("import", help="種別,番号,表示名 の CSV を取り込む(番号は保存せず、照合用の値だけを保存)")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("--agency", metavar="CODE", help="この機関の一覧に入れる(省略: すべての機関に共通の一覧)")
    add.set_defaults(func=cmd_import)
    sub.add_parser("list", help="注視対象者の一覧(表示名のみ、番号は表示しない)").set_defaults(func=cmd_list)
    remove = sub.add_parser("remove", help="注視対象者を一覧から外す")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(func=cmd_remove)


def cmd_import(args: Any, ctx: Any) -> int:
    ids = watchlist.import_watchlist(ctx.db(create=False), args.file, args.agency)
    print(f"注視対象者を {len(ids)} 件登録しました(ID {ids[0]}～{ids[-1]})。")
    print(f"{args.file}: {watchlist.DELETE_ADVICE}")
    return 0


def cmd_list(args: Any, ctx: Any) -> int:
    for entry in watchlist.list_entries(ctx.db(create=False)):
        print(f"{entry.id}\t{entry.agency_code or '共通'}\t{entry.kind}\t{entry.label}\t{entry.added_at}")
    return 0


def cmd_remove(args: Any, ctx: Any) -> int:
    entry = watchlist.remove_entry(ctx.db(create=False), args.id)
    print(f"注視対象者から外しました: {entry.id} {entry.label}")
    return 0
