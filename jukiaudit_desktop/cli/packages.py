"""CLI commands: identity, peer, package (sealed packages between installations)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..services import packages
from ..services.audits import list_audits
from .year_option import fiscal_year


def register(subparsers: Any) -> None:
    identity = subparsers.add_parser("identity", help="この端末の公開鍵(送付用パッケージの署名・受信)")
    identity_commands = identity.add_subparsers(dest="identity_command", metavar="SUBCOMMAND", required=True)
    identity_commands.add_parser("show", help="指紋を表示する").set_defaults(func=cmd_identity_show)
    export = identity_commands.add_parser("export", help="公開鍵をファイルに書き出す")
    export.add_argument("--out", required=True, metavar="FILE.pub")
    export.set_defaults(func=cmd_identity_export)

    peer = subparsers.add_parser("peer", help="送付先・送信元の端末(公開鍵)")
    peer_commands = peer.add_subparsers(dest="peer_command", metavar="SUBCOMMAND", required=True)
    add = peer_commands.add_parser("add", help="相手の公開鍵を登録する(指紋を電話か紙で確かめてから)")
    add.add_argument("file", metavar="FILE.pub")
    add.add_argument("--name", required=True, help="相手の氏名・所属")
    add.add_argument("--office", action="store_true", help="本庁(マスタデータの送り手)の鍵として登録する")
    add.set_defaults(func=cmd_peer_add)
    remove = peer_commands.add_parser("remove", help="相手の鍵を信頼しなくする(紛失した端末など)")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_peer_remove)
    listing = peer_commands.add_parser("list", help="登録した相手の一覧")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_peer_list)

    package = subparsers.add_parser("package", help="送付用パッケージ(暗号化・署名付き)")
    package_commands = package.add_subparsers(dest="package_command", metavar="SUBCOMMAND", required=True)
    make = package_commands.add_parser("export", help="監査を送付用パッケージにする")
    which = make.add_mutually_exclusive_group()
    which.add_argument("--audit", type=int, nargs="+", metavar="ID")
    which.add_argument("--year", type=fiscal_year("--year"), metavar="年度", help="その年度の監査すべて")
    make.add_argument("--master", action="store_true",
                      help="マスタデータ(機関・事務と根拠・端末・操作者・チェックリスト)を含める(本庁から送る)")
    make.add_argument("--to", required=True, metavar="PEER", help="送付先(peer list の名前)")
    make.add_argument("--out", required=True, metavar="FILE.jkp")
    make.set_defaults(func=cmd_package_export)
    take = package_commands.add_parser("import", help="送付用パッケージを取り込む")
    take.add_argument("file", metavar="FILE.jkp")
    take.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで取り込まない")
    take.add_argument("--resolve", choices=packages.CHOICES,
                      help="競合の既定の解決: mine(こちら) / theirs(相手) / both(両方の記載を残す)")
    take.add_argument("--choose", action="append", default=[], metavar="PATH=CHOICE",
                      help="競合ごとの解決(例: scores/A-01/note=both)。--resolve より優先")
    take.set_defaults(func=cmd_package_import)


def cmd_identity_show(args: argparse.Namespace, ctx: Any) -> int:
    public = packages.ensure_identity(ctx.db()).public
    print(f"名前: {public.name}\n指紋: {public.fingerprint}")
    return 0


def cmd_identity_export(args: argparse.Namespace, ctx: Any) -> int:
    public = packages.export_identity(ctx.db(), Path(args.out))
    print(f"公開鍵を書き出しました: {args.out}\n指紋: {public.fingerprint}(相手に電話か紙で伝えてください)")
    return 0


def cmd_peer_add(args: argparse.Namespace, ctx: Any) -> int:
    peer = packages.add_peer(ctx.db(), Path(args.file), args.name, office=args.office)
    print(f"登録しました: {peer.name}{'(本庁)' if peer.is_office else ''}\n指紋: {peer.fingerprint}")
    return 0


def cmd_peer_remove(args: argparse.Namespace, ctx: Any) -> int:
    peer = packages.remove_peer(ctx.db(create=False), args.name)
    print(f"登録を削除しました: {peer.name}(以後この相手のパッケージは取り込めません)")
    return 0


def cmd_peer_list(args: argparse.Namespace, ctx: Any) -> int:
    peers = packages.list_peers(ctx.db(create=False))
    if args.json:
        print(json.dumps([{"name": p.name, "fingerprint": p.fingerprint, "office": p.is_office,
                           "added_at": p.added_at} for p in peers], ensure_ascii=False, indent=1))
        return 0
    for p in peers:
        print(f"{p.name}{'(本庁)' if p.is_office else ''}\t{p.fingerprint}\t{p.added_at}")
    return 0


def cmd_package_export(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    if args.audit:
        ids = args.audit
    elif args.year is not None:
        ids = [a.id for a in list_audits(db, fiscal_year=args.year) if a.id is not None]
    else:
        ids = []
    result = packages.export_package(db, ids, args.to, Path(args.out), master=args.master)
    print(f"送付用パッケージを作成しました: {result.path}(監査 {result.audits} 件、証拠ファイル "
          f"{result.evidence_files} 件、{result.size:,} バイト)\nSHA-256: {result.sha256}")
    return 0


def _choices(pairs: list[str]) -> dict[str, str]:
    choices: dict[str, str] = {}
    for pair in pairs:
        path, _, choice = pair.rpartition("=")
        if not path or choice not in packages.CHOICES:
            raise InputError(f"--choose {pair}: PATH=mine|theirs|both の形で指定してください。")
        choices[path] = choice
    return choices


def cmd_package_import(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    choices = _choices(args.choose)
    if args.dry_run:
        plan = packages.plan_import(db, Path(args.file), choices, args.resolve)
    else:
        plan = packages.import_package(db, Path(args.file), choices, args.resolve)
    print(f"送信者: {plan.sender}(指紋 {plan.sender_fingerprint})")
    for title, labels in (("新規", plan.new), ("更新", plan.updated), ("同一(追加なし)", plan.identical)):
        for label in labels:
            print(f"{title}: {label}")
    for table, (added, changed) in plan.master_changes.items():
        if added or changed:
            print(f"マスタデータ {table}: 追加 {added} 件、更新 {changed} 件")
    for line in packages.carried_lines(plan):
        print(line)
    for conflict in plan.conflicts:
        mine, theirs = (conflict.shown(v).replace("\n", " / ") for v in (conflict.mine, conflict.theirs))
        print(f"競合: {conflict.audit_label} {conflict.description}(--choose {conflict.path}=…)\n  こちら: {mine}\n"
              f"  相手  : {theirs}")
    if args.dry_run:
        print("確認のみです。何も取り込んでいません。")
    else:
        print("取り込みました。")
    return 0
