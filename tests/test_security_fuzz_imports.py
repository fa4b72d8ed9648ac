"""Hostile input: fuzzed CSV and xlsx files make the importers fail only with InputError (never a crash or a
hang, never a half import); oversized files and zip bombs are refused before they are read."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest
import shared_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.importers.profile import OPLOG, REGISTER, default_profile
from jukiaudit_desktop.security import file_limits
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage.database import Database

# openpyxl warns (and then treats the cell as an error) when a damaged date serial is out of range.
pytestmark = pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")
SAMPLES = shared_data.SAMPLES
OPLOG_HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"
REGISTER_HEADER = ["使用日", "開始時刻", "終了時刻", "端末ID", "使用者ID", "利用事務コード", "照会件数"]
FUZZ = settings(max_examples=40, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture])

cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2025/04/01 09:00:00", "2025/02/30 25:61:00", "R7.4.1", "T001", "K10001", "別表5-10",
                     "-1", "1e309", "", '"', '""', "=cmd|'/c calc'!A1", "\x00", "\ufeff", "983205673214"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def import_counted(db: Database, kind: str, path: Path) -> None:
    """Import `path`; on refusal nothing at all may have been stored."""
    before = db.scalar("SELECT count(*) FROM import_file")
    try:
        imports.import_files(db, "F01", default_profile().layout(kind), [path])
    except InputError:
        assert db.scalar("SELECT count(*) FROM import_file") == before
        assert not db.in_transaction


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=9), max_size=12),
       encoding=st.sampled_from(["cp932", "utf-8", "utf-8-sig", "utf-16"]),
       newline=st.sampled_from(["\r\n", "\n", "\r"]))
def test_fuzzed_csv_logs_fail_only_with_input_error(db: Database, tmp_path: Path, rows, encoding, newline) -> None:
    text = newline.join([OPLOG_HEADER] + [",".join(r) for r in rows])
    path = tmp_path / "fuzz.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    import_counted(db, OPLOG, path)


@FUZZ
@given(data=st.binary(max_size=2000), keep=st.integers(min_value=0, max_value=4000))
def test_random_bytes_and_cut_samples_fail_only_with_input_error(db: Database, tmp_path: Path, data, keep) -> None:
    sample = (SAMPLES / "oplog_cp932.csv").read_bytes()
    for name, content in (("bytes.csv", data), ("cut.csv", sample[:keep] + data[:50])):
        path = tmp_path / name
        path.write_bytes(content)
        import_counted(db, OPLOG, path)


xlsx_cell = st.one_of(cell, st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                      st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
                      st.times().map(lambda t: time(t.hour, t.minute)))


@FUZZ
@given(rows=st.lists(st.lists(xlsx_cell, max_size=9), max_size=10), header_row=st.integers(1, 4))
def test_fuzzed_xlsx_registers_fail_only_with_input_error(db: Database, tmp_path: Path, rows, header_row) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(header_row - 1):
        sheet.append(["業務端末使用管理簿"])
    sheet.append(REGISTER_HEADER)
    for row in rows:  # openpyxl itself refuses control characters in cells: leave them out
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    path = tmp_path / "fuzz.xlsx"
    workbook.save(path)
    import_counted(db, REGISTER, path)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1, max_size=6))
def test_damaged_xlsx_fails_only_with_input_error(db: Database, tmp_path: Path, flips) -> None:
    data = bytearray((SAMPLES / "register.xlsx").read_bytes())
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    import_counted(db, REGISTER, path)


def _xlsx_with(member: str, content: bytes, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The sample workbook with one member replaced."""
    source = zipfile.ZipFile(SAMPLES / "register.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
        target.writestr(member, content, compress_type=compression)
    return out.getvalue()


def test_zip_bomb_xlsx_is_refused_before_openpyxl_reads_it(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx_with("xl/worksheets/sheet1.xml", b"<" + b" " * 60_000_000 + b"/>"))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputError, match="zip 爆弾") as refused:
        imports.import_files(db, "F01", default_profile().layout(REGISTER), [path])
    assert "bomb.xlsx" in str(refused.value)


def test_xlsx_expanding_past_the_total_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _xlsx_with("xl/media/filler.bin", bytes(range(256)) * 8192, compression=zipfile.ZIP_STORED)
    file_limits.check_xlsx(data, "ok.xlsx")
    monkeypatch.setattr(file_limits, "MAX_XLSX_UNCOMPRESSED", 1024 * 1024)
    with pytest.raises(InputError, match="展開すると大きすぎます"):
        file_limits.check_xlsx(data, "big.xlsx")


def test_entity_expansion_in_xlsx_xml_is_refused(db: Database, tmp_path: Path) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                         for i in range(1, 10))
              + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              + b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData>"
              + b"</worksheet>")
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(_xlsx_with("xl/worksheets/sheet1.xml", laughs))
    with pytest.raises(InputError):
        imports.import_files(db, "F01", default_profile().layout(REGISTER), [path])
    assert db.scalar("SELECT count(*) FROM import_file") == 0


def test_openpyxl_uses_defused_xml() -> None:
    import openpyxl.xml
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")


def test_a_file_over_the_size_limit_is_refused_unread(db: Database, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit holds for xlsx (read whole); a CSV is streamed, so its size is bounded by the disk only."""
    monkeypatch.setenv(file_limits.MAX_IMPORT_MB_VARIABLE, "1")
    path = tmp_path / "huge.xlsx"
    path.write_bytes(b"PK" + b"x" * (1024 * 1024 + 1))
    with pytest.raises(InputError, match="ファイルが大きすぎます") as refused:
        imports.import_files(db, "F01", default_profile().layout(REGISTER), [path])
    assert "huge.xlsx" in str(refused.value)
    assert db.scalar("SELECT count(*) FROM import_file") == 0

    big_csv = tmp_path / "big.csv"
    row = "2025/04/01 10:00:00,T1,K1,照会,別表5-10,1,正常\r\n"
    big_csv.write_bytes(((OPLOG_HEADER + "\r\n") + row * 30_000).encode("cp932"))
    assert big_csv.stat().st_size > 1024 * 1024
    assert imports.import_files(db, "F01", default_profile().layout(OPLOG), [big_csv]).rows_added == 30_000
