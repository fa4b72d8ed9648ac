"""Limits checked before an imported file is read: its size, and for xlsx the zip's expansion (zip bombs).

The limits are generous for real exports (a year of operation logs is tens of MB) and refuse what would
exhaust memory. The size limit can be raised with the environment variable JUKIAUDIT_MAX_IMPORT_MB.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from ..core.errors import InputError

MAX_IMPORT_MB_VARIABLE = "JUKIAUDIT_MAX_IMPORT_MB"
DEFAULT_MAX_IMPORT_MB = 256
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024  # all members of the workbook, expanded
MAX_XLSX_RATIO = 200  # expanded / compressed, per member over 1 MB; real sheets stay far below, bombs far above
MAX_XLSX_MEMBERS = 10_000
# openpyxl keeps the whole shared-strings table in memory: cap its expanded size and its number of strings.
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
MAX_SHARED_STRINGS = 500_000


def max_import_bytes() -> int:
    text = os.environ.get(MAX_IMPORT_MB_VARIABLE, "")
    return (int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_IMPORT_MB) * 1024 * 1024


def check_size(path: Path) -> None:
    """Refuse a file over the size limit without reading it."""
    size = Path(path).stat().st_size
    limit = max_import_bytes()
    if size > limit:
        raise InputError(
            f"ファイルが大きすぎます({size / 1048576:,.0f} MB、上限 {limit // 1048576:,} MB)。ファイルを分けるか、"
            f"環境変数 {MAX_IMPORT_MB_VARIABLE} で上限(MB)を上げてください。", str(path))


def check_xlsx(data: bytes, file_name: str) -> None:
    """Refuse a workbook whose zip would expand too far (total size, ratio, member count) before openpyxl opens it."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(f"Excel ファイル(xlsx)として開けません({exc})。", file_name) from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise InputError(f"Excel ファイルの構成要素が多すぎます({len(members):,} 個)。", file_name)
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise InputError(f"Excel ファイルを展開すると大きすぎます({total / 1048576:,.0f} MB、上限 "
                         f"{MAX_XLSX_UNCOMPRESSED // 1048576} MB)。zip 爆弾の疑いがあるため読み込みません。", file_name)
    _check_shared_strings(zipfile.ZipFile(io.BytesIO(data)), members, file_name)
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
            raise InputError(f"Excel ファイルの {member.filename} の圧縮率が異常です"
                             f"({member.file_size // max(member.compress_size, 1):,} 倍)。zip 爆弾の疑いがあるため読み込みません。",
                             file_name)


def _check_shared_strings(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], file_name: str) -> None:
    """Refuse a shared-strings table too large to hold (size first, then the count of <si> entries)."""
    for member in members:
        if member.filename.lower() != "xl/sharedstrings.xml":
            continue
        if member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise InputError(f"Excel ファイルの共有文字列表が大きすぎます({member.file_size / 1048576:,.0f} MB、上限 "
                             f"{MAX_SHARED_STRINGS_BYTES // 1048576} MB)。", file_name)
        try:
            text = archive.read(member)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputError(f"Excel ファイル(xlsx)として開けません({exc})。", file_name) from None
        count = text.count(b"<si>") + text.count(b"<si ")
        if count > MAX_SHARED_STRINGS:
            raise InputError(f"Excel ファイルの共有文字列が多すぎます({count:,} 個、上限 {MAX_SHARED_STRINGS:,} 個)。",
                             file_name)
