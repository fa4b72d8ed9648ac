"""The xlsx member limit: a workbook with more zip members than MAX_XLSX_MEMBERS is refused before openpyxl
opens it (by the import, with the file named and nothing stored); one at the limit passes the check."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.importers.profile import REGISTER, default_profile
from jukiaudit_desktop.security import file_limits
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage.database import Database


def workbook_with_members(count: int) -> bytes:
    """A real workbook padded with empty members up to `count` members in all."""
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        members = source.infolist()
        for info in members:
            target.writestr(info, source.read(info))
        for n in range(count - len(members)):
            target.writestr(f"xl/media/pad{n}.bin", b"")
    return out.getvalue()


def test_one_member_over_the_limit_is_refused_and_nothing_is_stored(db: Database, tmp_path: Path) -> None:
    at_limit = workbook_with_members(file_limits.MAX_XLSX_MEMBERS)
    assert len(zipfile.ZipFile(io.BytesIO(at_limit)).infolist()) == file_limits.MAX_XLSX_MEMBERS
    file_limits.check_xlsx(at_limit, "at_limit.xlsx")

    path = tmp_path / "many.xlsx"
    path.write_bytes(workbook_with_members(file_limits.MAX_XLSX_MEMBERS + 1))
    with pytest.raises(InputError, match=re.escape("構成要素が多すぎます(10,001 個)")) as refused:
        imports.import_files(db, "F01", default_profile().layout(REGISTER), [path])
    assert "many.xlsx" in str(refused.value)
    assert db.scalar("SELECT count(*) FROM import_file") == 0 and db.scalar("SELECT count(*) FROM agency") == 0
