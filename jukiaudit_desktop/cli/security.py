"""CLI commands: verify-trail, trail, backup, restore, rekey."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..security import integrity
from ..services import backup, trail_heads
from ..storage import trail, trail_data
from ..storage.database import damaged_error

EXIT_TAMPERED = 3


def register(subparsers: Any) -> None:
    verify = subparsers.add_parser("verify-trail", help="監査証跡の連鎖・記録された行・データベースの完全性を検証する")
    verify.add_argument("--head", action="append", default=[], metavar="FILE",
                        help="trail export-head で保存した証跡の先頭(複数可): 今も証跡の一部か確かめる")
    verify.set_defaults(func=cmd_verify_trail)

    show = subparsers.add_parser("trail", help="監査証跡の新しい順の一覧(export-head: 証跡の先頭をファイルに保存)")
    show.add_argument("--limit", type=int, default=50)
    trail_commands = show.add_subparsers(dest="trail_command", metavar="SUBCOMMAND")
    export_head = trail_commands.add_parser("export-head", help="証跡の先頭(連番と MAC)を小さなファイルに保存する")
    export_head.add_argument("--out", required=True, metavar="FILE")
    export_head.set_defaults(func=cmd_export_head)
    show.set_defaults(func=cmd_trail)

    make = subparsers.add_parser("backup", help="暗号化したバックアップを作成する(検証付き)")
    make.add_argument("--out", required=True, metavar="FILE", help="バックアップファイル")
    make.set_defaults(func=cmd_backup)

    restore = subparsers.add_parser("restore", help="バックアップから復元する(現在のファイルは退避)")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--backup-passphrase-env", metavar="VAR",
                         help="バックアップ作成時のパスフレーズを読む環境変数(既定: 現在のパスフレーズ)")
    restore.set_defaults(func=cmd_restore)

    rekey = subparsers.add_parser("rekey", help="鍵を変更する(キーリング: 新しい乱数鍵、パスフレーズ: 新しいパスフレーズ)")
    rekey.add_argument("--new-passphrase-env", metavar="VAR", help="新しいパスフレーズを読む環境変数の名前")
    rekey.set_defaults(func=cmd_rekey)


def cmd_verify_trail(args: argparse.Namespace, ctx: Any) -> int:
    heads = [trail_heads.read_head_file(Path(name)) for name in args.head]
    db = ctx.db(create=False, read_only=True)  # opening checks the pages and the chain, printing problems
    structure = integrity.structure_problems(db)
    if structure:
        raise damaged_error(ctx.db_path, structure)
    problems = trail_data.verify_data(db)
    problems += [p for head in heads if (p := trail.head_in_chain(db, head)) is not None]
    for problem in problems:
        print(f"jukiaudit: 監査証跡 #{problem.seq}: {problem.message}", file=sys.stderr)
    if not ctx.integrity.ok or problems:
        return EXIT_TAMPERED
    print(f"監査証跡 {trail.current_head(db).seq} 件の連鎖、記録された行、全ページの HMAC と構造"
          f"{'、保存された先頭 ' + str(len(heads)) + ' 件' if heads else ''}を検証しました。問題はありません。")
    return 0


def cmd_trail(args: argparse.Namespace, ctx: Any) -> int:
    for entry in trail.entries(ctx.db(create=False, read_only=True), limit=args.limit):
        print(f"{entry.seq}\t{entry.at}\t{entry.action}\t{entry.detail}")
    return 0


def cmd_export_head(args: argparse.Namespace, ctx: Any) -> int:
    head = trail.current_head(ctx.db(create=False, read_only=True))
    trail_heads.write_head_file(Path(args.out), head, ctx.db_path)
    print(f"証跡の先頭 {head} を保存しました: {args.out}(verify-trail --head で照合できます)")
    return 0


def cmd_backup(args: argparse.Namespace, ctx: Any) -> int:
    head = backup.create_backup(ctx.db(create=False), Path(args.out))
    print(f"バックアップを作成し、開き直して検証しました: {args.out}(監査証跡 {head})")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Any) -> int:
    backup_passphrase = ctx.env_value(args.backup_passphrase_env, "--backup-passphrase-env") or ctx.passphrase()
    ctx.replace_db(backup.restore_backup(ctx.db(create=False), Path(args.file), backup_passphrase))
    print(f"復元しました: {args.file} → {ctx.db_path}(元のファイルは .before-restore-*.bak として退避)")
    return 0


def cmd_rekey(args: argparse.Namespace, ctx: Any) -> int:
    new_passphrase = ctx.env_value(args.new_passphrase_env, "--new-passphrase-env")
    ctx.replace_db(backup.change_key(ctx.db(create=False), new_passphrase))
    print("鍵を変更し、開き直して検証しました。以前のバックアップは古い鍵(パスフレーズ)のままです。")
    return 0

