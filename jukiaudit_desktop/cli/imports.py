"""CLI commands: import-oplog and import-register (operation logs and 業務端末使用管理簿 from CSV / xlsx), and
`import list` / `import remove` (the imports of an agency)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.wareki import format_wareki
from ..importers.profile import OPLOG, REGISTER, default_profile, load_profile
from ..services import imports
from ..services.import_guard import OtherAgencyError


def register(subparsers: Any) -> None:
    for command, kind, what in (("import-oplog", OPLOG, "操作ログ(CSV)"),
                                ("import-register", REGISTER, "業務端末使用管理簿(CSV / xlsx)")):
        parser = subparsers.add_parser(command, help=f"{what}を取り込む(全ファイルを一括、誤りがあれば何も取り込まない)")
        parser.add_argument("--agency", required=True, metavar="CODE", help="機関コード(未登録なら本庁課として登録)")
        parser.add_argument("--profile", metavar="FILE", help="取込プロファイル(.toml / .json、既定: 標準形式)")
        parser.add_argument("--allow-other-agency", action="store_true",
                            help="端末・操作者が他の機関に登録されているファイルも取り込む")
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.set_defaults(func=cmd_import, kind=kind)
    batches = subparsers.add_parser("import", help="取込の一覧と削除").add_subparsers(dest="action", required=True,
                                                                                metavar="ACTION")
    listing = batches.add_parser("list", help="機関の取込を一覧する(番号、種類、ファイル、行数、飛ばした行、日時、取込者)")
    listing.add_argument("--agency", required=True, metavar="CODE")
    listing.add_argument("--json", action="store_true", help="JSON で出力する")
    listing.set_defaults(func=cmd_import_list)
    removal = batches.add_parser("remove", help="取込を一つ削除する(その取込が追加した行を削除し、その後の突合結果を古いとする)")
    removal.add_argument("id", type=int, metavar="ID")
    removal.set_defaults(func=cmd_import_remove)


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    profile = load_profile(Path(args.profile)) if args.profile else default_profile()
    layout = profile.layout(args.kind)
    try:
        summary = imports.import_files(ctx.db(), args.agency, layout, [Path(f) for f in args.files],
                                       profile_name=profile.name, allow_other_agency=args.allow_other_agency)
    except OtherAgencyError as exc:
        raise InputError(f"{exc.message}それでも取り込む場合は --allow-other-agency を付けてください。",
                         exc.location) from None
    if summary.agency_created:
        print(f"機関コード {summary.agency_created} は未登録だったため、本庁課として登録しました"
              f"(名称 = {summary.agency_created})。", file=sys.stderr)
    for notice in summary.notices:
        print(f"注意: {notice}", file=sys.stderr)
    for warning in summary.warnings:
        print(f"警告: {warning}", file=sys.stderr)
    print(summary.describe())
    return 0


def cmd_import_list(args: argparse.Namespace, ctx: Any) -> int:
    from ..services import import_batches  # not on the import commands' path (it loads numpy)

    found = import_batches.list_imports(ctx.db(), args.agency)
    if args.json:
        print(json.dumps([{"id": b.id, "kind": b.kind, "profile": b.profile, "imported_at": b.imported_at,
                           "imported_by": b.imported_by, "rows": b.rows, "skipped": b.skipped,
                           "files": [asdict(f) for f in b.files]} for b in found], ensure_ascii=False))
        return 0
    if not found:
        print(f"機関 {args.agency} の取込はありません。")
    for b in found:
        day = format_wareki(datetime.fromisoformat(b.imported_at).date())
        print(f"{b.id}\t{imports.KIND_LABELS[b.kind]}\t{b.rows:,} 行(飛ばした行 {b.skipped:,})\t"
              f"{day} {b.imported_at[11:16]}\t{b.imported_by or '-'}\t{'、'.join(f.file_name for f in b.files)}")
    return 0


def cmd_import_remove(args: argparse.Namespace, ctx: Any) -> int:
    from ..services import import_batches

    removed = import_batches.remove_import(ctx.db(), args.id)
    print(f"取込 {args.id} を削除しました(操作ログ {removed.operations:,} 行、管理簿 {removed.register_entries:,} 行)。"
          f"古くなった突合結果 {removed.stale_runs} 件。")
    return 0
