"""Hostile xlsx leftovers: the shared-strings table is capped (size and count) before openpyxl loads it, and
a NUL or other control character in a cell is refused with FILE:LINE:COLUMN."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.importers.tables import open_source
from jukiaudit_desktop.security import file_limits

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
                 'formats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                 '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
                 'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def workbook(strings: list[str], rows: list[list[int]]) -> bytes:
    """A minimal xlsx whose cells are indexes into a shared-strings table written as given (raw XML text)."""
    cells = "".join(f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{i}</v></c>'
                                               for c, i in enumerate(row)) + "</row>"
                    for r, row in enumerate(rows, start=1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           f'2006/main">{"".join(f"<si><t>{s}</t></si>" for s in strings)}</sst>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", sst)):
            archive.writestr(name, text)
    return buffer.getvalue()


def read_all(data: bytes) -> list:
    with tempfile.TemporaryDirectory() as folder:  # importers read files (streaming, issue 12)
        path = Path(folder) / "register.xlsx"
        path.write_bytes(data)
        return list(open_source(path, default_profile().layout("register")).rows)


def test_a_plain_workbook_reads() -> None:
    assert read_all(workbook(["端末", "T001"], [[0], [1]])) == [(1, ["端末"]), (2, ["T001"])]


@pytest.mark.parametrize(("reference", "code"), [("&#127;", "007F"), ("&#133;", "0085"), ("&#x9B;", "009B")])
def test_a_control_character_in_a_cell_is_refused_with_file_line_column(reference: str, code: str) -> None:
    """XML 1.0 cannot carry NUL or most C0 controls (the parser refuses them); DEL and C1 controls it can."""
    data = workbook(["端末", "操作者", "T001", f"K1{reference}0003"], [[0, 1], [2, 3]])
    with pytest.raises(InputError, match=rf"/register\.xlsx:2:2: .*制御文字.U\+{code}."):
        read_all(data)


def test_a_nul_character_reference_is_refused_as_a_damaged_workbook() -> None:
    with pytest.raises(InputError, match="register.xlsx"):
        read_all(workbook(["端末", "K1&#0;3"], [[0], [1]]))


def test_too_many_shared_strings_are_refused_before_loading(monkeypatch) -> None:
    monkeypatch.setattr(file_limits, "MAX_SHARED_STRINGS", 1000)
    with pytest.raises(InputError, match="共有文字列が多すぎます.1,001 個"):
        read_all(workbook([f"s{n}" for n in range(1001)], [[0]]))


def test_a_too_large_shared_strings_table_is_refused_before_loading(monkeypatch) -> None:
    monkeypatch.setattr(file_limits, "MAX_SHARED_STRINGS_BYTES", 64 * 1024)
    with pytest.raises(InputError, match="共有文字列表が大きすぎます"):
        read_all(workbook(["x" * 100_000], [[0]]))


def test_the_caps_fit_real_registers() -> None:
    assert file_limits.MAX_SHARED_STRINGS >= 100_000 and file_limits.MAX_SHARED_STRINGS_BYTES >= 16 * 1024 * 1024
