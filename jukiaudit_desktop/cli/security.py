"""CLI commands: verify-trail, trail, backup, restore, rekey."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..services import backup
from ..storage import trail

EXIT_TAMPERED = 3


def register(subparsers: Any) -> None:
    verify = subparsers.add_parser("verify-trail", help="監査証跡の連鎖とデータベースの完全性を検証する")
    verify.set_defaults(func=cmd_verify_trail)

    show = subparsers.add_parser("trail", help="監査証跡の新しい順の一覧")
    show.add_argument("--limit", type=int, default=50)
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
    db = ctx.db(create=False)  # opening runs the check and prints every problem to stderr
    if not ctx.integrity.ok:
        return EXIT_TAMPERED
    print(f"監査証跡 {trail.current_head(db).seq} 件の連鎖と全ページの HMAC を検証しました。問題はありません。")
    return 0


def cmd_trail(args: argparse.Namespace, ctx: Any) -> int:
    for entry in trail.entries(ctx.db(create=False), limit=args.limit):
        print(f"{entry.seq}\t{entry.at}\t{entry.action}\t{entry.detail}")
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

