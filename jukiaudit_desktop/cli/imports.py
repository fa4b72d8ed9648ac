"""CLI commands: import-oplog and import-register (operation logs and 業務端末使用管理簿 from CSV / xlsx)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.errors import InputError
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
