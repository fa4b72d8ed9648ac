"""Problems found while reading a file, each with FILE:LINE:COLUMN, collected up to a limit before refusing."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import InputError

MAX_ISSUES = 100


@dataclass(frozen=True)
class ImportIssue:
    file: str
    line: int | None
    column: int | None
    message: str

    @property
    def location(self) -> str:
        parts = [self.file] + [str(p) for p in (self.line, self.column) if p is not None]
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class TooManyIssues(Exception):
    """Raised by IssueCollector.add once the limit is reached: reading stops there."""


class IssueCollector:
    """Errors (which refuse the import) and warnings (which do not), in the order they were found."""

    def __init__(self, limit: int = MAX_ISSUES) -> None:
        self.limit = limit
        self.errors: list[ImportIssue] = []
        self.warnings: list[ImportIssue] = []
        self.truncated = False  # reading stopped at the limit

    def error(self, file: str, line: int | None, column: int | None, message: str) -> None:
        self.errors.append(ImportIssue(file, line, column, message))
        if len(self.errors) >= self.limit:
            self.truncated = True
            raise TooManyIssues()

    def input_error(self, exc: InputError) -> None:
        """Record a known error raised while reading (its location is FILE or FILE:LINE)."""
        location = exc.location or ""
        message = str(exc)[len(location) + 2:] if location else str(exc)
        self.errors.append(ImportIssue(location, None, None, message))
        if len(self.errors) >= self.limit:
            self.truncated = True
            raise TooManyIssues()

    def warn(self, file: str, line: int | None, column: int | None, message: str) -> None:
        if len(self.warnings) < self.limit:
            self.warnings.append(ImportIssue(file, line, column, message))


class ImportRejected(InputError):
    """The file(s) could not be imported; nothing was stored. `issues` lists every error found."""

    def __init__(self, issues: list[ImportIssue], truncated: bool = False) -> None:
        self.issues = issues
        self.truncated = truncated
        lines = [str(issue) for issue in issues]
        if truncated:
            lines.append(f"(エラーが {len(issues)} 件に達したため、以降の確認を打ち切りました)")
        lines.append("ファイルを直すか、取込プロファイルを見直してから、もう一度取り込んでください。何も取り込んでいません。")
        super().__init__("\n".join(lines))
