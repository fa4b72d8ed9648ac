"""The app's own log: a rotating file in the user log folder, with keys, passphrases and identifiers masked."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
import traceback
from pathlib import Path

import platformdirs

LOG_FILE_NAME = "jukiaudit.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3

# 住民票コード (11 digits) and 個人番号 (12 digits), not part of a longer number.
_IDENTIFIER = re.compile(r"(?<!\d)(\d{11,12})(?!\d)")
# Raw keys, MACs and hashes: 32 or more hex digits (the key appears as x'…' in PRAGMA key).
_HEX_KEY = re.compile(r"(?i)(?<![0-9a-f])[0-9a-f]{32,}(?![0-9a-f])")
_SECRET_ASSIGNMENT = re.compile(r"(?i)\b(passphrase|password|key|パスフレーズ)(\s*[=:]\s*)(\S+)")


def redact(text: str) -> str:
    """Mask identifiers, hex keys and `passphrase=…`-style values in one line of log text."""
    text = _SECRET_ASSIGNMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = _HEX_KEY.sub("<key>", text)
    return _IDENTIFIER.sub(lambda m: "*" * len(m.group(1)), text)


class RedactingFilter(logging.Filter):
    """Rewrites every record's final text through `redact` (arguments included, tracebacks too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg, record.args = redact(message), None
        return True


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are the user's own (0600 on POSIX), the first one and every one after a rotation."""

    def _open(self) -> io.TextIOWrapper:  # logging's own hook: the stream the handler writes to
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def log_directory() -> Path:
    return Path(platformdirs.user_log_dir("JukiAudit", appauthor=False))


def configure_logging() -> Path:
    """Send the `jukiaudit` loggers to the rotating, redacted log file (once per process); its path."""
    logger = logging.getLogger("jukiaudit")
    for handler in logger.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    directory = log_directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = _PrivateRotatingFileHandler(
        directory / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return Path(handler.baseFilename)


def crash_report(exc: BaseException) -> str:
    """The text shown and logged for a bug: the traceback (code lines and the exception's message, never the
    values of local variables), with identifiers and keys masked. It is also written to the app log."""
    text = redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    logging.getLogger("jukiaudit.crash").error("unexpected error\n%s", text)
    return text
