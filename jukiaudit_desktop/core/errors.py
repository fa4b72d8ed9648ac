"""Errors a person can act on (known errors), as opposed to bugs."""

from __future__ import annotations


class JukiAuditError(Exception):
    """A known error: its message is shown to the user as it is (Japanese, says what to do)."""


class InputError(JukiAuditError):
    """Bad input: a file, a row, a value. `location` is "FILE:LINE:COLUMN" where known."""

    def __init__(self, message: str, location: str | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class CancelledError(JukiAuditError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("操作は取り消されました。変更は保存されていません。")
