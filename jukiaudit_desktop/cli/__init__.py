"""The headless command line: `jukiaudit [--db PATH] [--passphrase-env VAR] COMMAND …`.

With no command it starts the GUI. Exit codes: 0 success, 2 usage error, 3 bad input or wrong key.
Each area of the product adds its commands in its own module here (a `register(subparsers)` function).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..core.errors import JukiAuditError
from ..security import app_log, integrity, keys, no_network
from ..services.database_access import can_write, default_database_path, open_app_database
from ..storage.database import Database

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_BAD_INPUT = 0, 1, 2, 3

# The modules of this package that add commands, in help order; imported when a parser is built.
AREAS = ["master", "security", "reports", "reconcile", "audits", "planning", "imports", "packages", "watchlist",
         "subjects", "registers", "municipal"]
# Which area adds each command, so that a command imports only its own area: the areas import reportlab,
# openpyxl, the sealing code… (start-up time). A command missing here still works (every area is loaded);
# tests/test_cli_startup.py checks the table against the commands the areas add.
COMMAND_AREAS = {
    **dict.fromkeys(["init", "demo", "agency", "jimu", "terminal", "operator"], "master"),
    **dict.fromkeys(["verify-trail", "trail", "backup", "restore", "rekey"], "security"),
    **dict.fromkeys(["findings-pdf", "sheet-contact", "sheet-addressee", "sheet-number-format", "sheet-issuer",
                     "verify-sheet", "annual-report", "export-findings", "export-discrepancies", "make-signing-key",
                     "sign-pdf", "verify-signature", "signer", "sheet-reconciliation"], "reports"),
    **dict.fromkeys(["reconcile", "reconcile-calendar", "reconcile-thresholds", "discrepancy"], "reconcile"),
    **dict.fromkeys(["audit", "score", "finding", "followup", "selfcheck", "checklist"], "audits"),
    "plan": "planning",
    **dict.fromkeys(["import-oplog", "import-register", "import"], "imports"),
    **dict.fromkeys(["identity", "peer", "package"], "packages"),
    "watchlist": "watchlist",
    **dict.fromkeys(["operator-jimu", "subject", "sample", "sample-result", "sample-finding"], "subjects"),
    "register-check": "registers",
    "municipal": "municipal",
}
_TOP_OPTIONS_WITH_VALUE = ("--db", "--passphrase-env")


class CliContext:
    """What a command needs: the parsed options and the database, opened on first use."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.db_path = Path(args.db) if args.db else default_database_path()
        self._db: Database | None = None
        self.integrity: integrity.IntegrityReport | None = None

    def passphrase(self) -> str | None:
        return self.env_value(self.args.passphrase_env, "--passphrase-env")

    @staticmethod
    def env_value(var: str | None, option: str) -> str | None:
        """The value of the environment variable named by `option` (None when the option was not given)."""
        if var is None:
            return None
        value = os.environ.get(var)
        if not value:
            raise JukiAuditError(f"環境変数 {var} が設定されていません({option} で指定)。")
        return value

    def db(self, *, create: bool = True, read_only: bool = False) -> Database:
        """The database, opened on first use (read_only=True: a command that writes nothing, not even the
        trail's "database.open"; it works on a read-only file)."""
        if self._db is None:
            self._db = open_app_database(self.db_path, self.passphrase(), create=create and not read_only,
                                         read_only=read_only)
            if self._db.notice:
                print(f"jukiaudit: {self._db.notice}", file=sys.stderr)
            # Start-up check of the trail chain; opening has checked every page's HMAC before writing.
            self.integrity = integrity.check(self._db, pages=False)
            if not self.integrity.ok:
                print(f"jukiaudit: {self.integrity.warning(self.db_path)}", file=sys.stderr)
        return self._db

    def export_db(self) -> Database:
        """The database for an export (a command that only reads it and writes a file): opened for writing, so
        that the trail records the export, unless this process cannot write the database; then read-only, and
        the user is told that this export is not recorded."""
        db = self.db(create=False, read_only=not can_write(self.db_path))
        if db.read_only:
            print(f"jukiaudit: {self.db_path}: データベースに書き込めないため読み取り専用で開きました。"
                  "この書き出しは監査証跡に記録されません。", file=sys.stderr)
        return db

    def replace_db(self, db: Database) -> None:
        """Take over a database reopened by a command (after restore or rekey)."""
        self._db = db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def command_word(argv: Sequence[str]) -> str | None:
    """The command named in argv (the first word after the top-level options), None when there is none or
    a top-level option such as --help comes first."""
    return _top_level(argv)[1]


def _top_level(argv: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """The values of the top-level options with a value (`--db X` or `--db=X`), and the command word."""
    values: dict[str, str] = {}
    words = iter(argv)
    for word in words:
        option, equals, value = word.partition("=")
        if option in _TOP_OPTIONS_WITH_VALUE:
            values[option] = value if equals else next(words, "")
        elif not word.startswith(_TOP_OPTIONS_WITH_VALUE):
            return values, None if word.startswith("-") else word
    return values, None


def derive_key_early(argv: Sequence[str]) -> None:
    """With --passphrase-env naming a set variable: the key of the database named (or the default one) is
    derived in a worker thread while the command's modules load (security.keys.derive_early)."""
    values, _ = _top_level(argv)
    passphrase = os.environ.get(values.get("--passphrase-env", ""), "")
    if passphrase:
        keys.derive_early(Path(values["--db"]) if values.get("--db") else default_database_path(), passphrase)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every area's commands, or only the area adding `command` when it is known."""
    parser = argparse.ArgumentParser(prog="jukiaudit", description="JukiAudit Desktop — 住基ネット監査支援ツール")
    parser.add_argument("--version", action="version", version=f"jukiaudit {__version__}")
    parser.add_argument("--db", metavar="PATH", help="データベースファイル(既定: ユーザーデータフォルダ)")
    parser.add_argument("--passphrase-env", metavar="VAR", help="パスフレーズを読む環境変数の名前")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [COMMAND_AREAS[command]] if command in COMMAND_AREAS else AREAS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    no_network.install()
    app_log.configure_logging()
    derive_key_early(argv)
    parser = build_parser(command_word(argv))
    try:
        args = parser.parse_args(argv)  # exits 2 on a usage error
    except JukiAuditError as exc:  # a value an option's type refused (a 年度 it cannot read): bad input
        print(f"jukiaudit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.command is None:
        from ..gui.app import run_gui  # only the GUI path imports Qt

        return run_gui(args)
    ctx = CliContext(args)
    try:
        return int(args.func(args, ctx) or EXIT_OK)
    except JukiAuditError as exc:
        print(f"jukiaudit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("jukiaudit: 中断しました。変更は保存されていません。", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        print("jukiaudit: 内部エラーです(不具合)。以下の詳細を開発者に知らせてください。", file=sys.stderr)
        print(app_log.crash_report(exc), file=sys.stderr)
        return EXIT_BUG
    finally:
        ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
