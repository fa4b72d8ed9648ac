"""Handing an issued PDF to the operating system's own printing, unchanged (vector, the very file whose hash the
sheet's verification expects): on Windows the default PDF application's 印刷 (ShellExecute "print"), elsewhere the
local print command of CUPS, `lp` (or `lpr`), to the default printer. No network code here: the command talks to
the local print system itself.

The file handed over is a clear copy in the private viewing folder (security.viewing: 0700, the file 0600). `lp`
has read it when it returns, so the copy goes at once; a Windows application reads it later, so there it stays
until the lock, the quit or the next start empties the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..core.errors import JukiAuditError
from ..security import viewing

COMMANDS = ("lp", "lpr")
TIMEOUT_S = 120
NO_COMMAND = ("印刷コマンド(lp / lpr)が見つかりません。CUPS を入れるか、「PDF として保存」で保存してから印刷するか、"
              "「印刷」(この画面からプリンターを選んで印刷)を使ってください。")


def print_command() -> Path | None:
    """The local print command on PATH (lp first), or None."""
    for name in COMMANDS:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def hand_over(pdf: bytes, file_name: str, title: str) -> str:
    """Give `pdf` to the OS printing; returns what happened, in words. Raises JukiAuditError (Japanese) when
    there is no way to print or the print system refuses the file."""
    if sys.platform == "win32":
        return _windows(viewing.write_copy(file_name, pdf))
    command = print_command()
    if command is None:
        raise JukiAuditError(NO_COMMAND)
    copy = viewing.write_copy(file_name, pdf)
    arguments = ["-t", title, "--"] if command.name == "lp" else ["-T", title]
    try:
        done = subprocess.run([str(command), *arguments, str(copy)], capture_output=True, text=True,
                              errors="replace", timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise JukiAuditError(f"印刷コマンド {command.name} が {TIMEOUT_S} 秒たっても終わりません。"
                             "プリンターの状態を確認してください。") from None
    except OSError as exc:
        raise JukiAuditError(f"印刷コマンド {command} を実行できません({exc.strerror})。") from None
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    if done.returncode != 0:
        reason = done.stderr.strip() or done.stdout.strip() or "理由の表示なし"
        raise JukiAuditError(f"{command.name} が印刷を受け付けませんでした(終了コード {done.returncode}: {reason})。"
                             "既定のプリンターが設定されているか確認してください。")
    answer = done.stdout.strip()
    return f"OS の印刷({command.name})に渡しました" + (f": {answer}" if answer else "。")


def _windows(copy: Path) -> str:
    start = getattr(os, "startfile")  # noqa: B009 (Windows only: mypy on other systems does not know it)
    try:
        start(str(copy), "print")
    except OSError as exc:
        raise JukiAuditError(f"既定の PDF アプリに印刷を渡せませんでした({exc.strerror or exc})。"
                             "「PDF として保存」で保存してから、PDF アプリで印刷してください。") from None
    return "既定の PDF アプリに印刷を渡しました。"
