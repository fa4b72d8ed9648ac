"""Streamed CSV reading: blocks of lines, rows that span a block's end, errors still named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from jukiaudit_desktop.importers import tables
from jukiaudit_desktop.importers.issues import ImportRejected
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.importers.tables import open_source
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage.database import Database

HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"


def _row(n: int, result: str = "正常") -> str:
    return f"2025/04/01 10:{n // 60 % 60:02d}:{n % 60:02d},T1,K1,照会,別表5-10,1,{result}"


def _write(path: Path, rows: list[str]) -> Path:
    path.write_bytes("\r\n".join([HEADER, *rows, ""]).encode("cp932"))
    return path


def test_a_quoted_line_break_across_a_block_end_keeps_every_line_number(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tables, "_CHUNK_ROWS", 8)  # blocks of 8 lines, so the file spans many
    rows = [_row(n) for n in range(30)]
    rows[5] = _row(5, '"正常\r\n(再照会)"')  # lines 7–8: crosses the first block's end (line 8)
    rows[20] = _row(20, '"a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\r\nh\r\ni\r\nj"')  # spans more than a block
    path = _write(tmp_path / "log.csv", rows)
    with open_source(path, default_profile().layout("oplog")) as source:
        read = list(source.rows)
    lines = [line for line, _cells in read]
    assert lines[:8] == [1, 2, 3, 4, 5, 6, 7, 9]
    assert read[6][1][-1] == "正常\r\n(再照会)"
    assert read[21][1][-1].count("\r\n") == 9
    assert lines[22] == lines[21] + 10 and len(read) == 31


def test_a_quote_left_open_is_refused_at_its_line_after_many_blocks(db: Database, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "_CHUNK_ROWS", 8)
    monkeypatch.setattr(tables, "_CARRY_LINES", 32)
    rows = [_row(n) for n in range(100)]
    rows[60] = _row(60, '"開いたまま')
    path = _write(tmp_path / "open.csv", rows)
    with pytest.raises(ImportRejected, match=r"open\.csv:62: CSV の書式が正しくありません"):
        imports.import_files(db, "A", default_profile().layout("oplog"), [path])
    assert db.scalar("SELECT count(*) FROM operation") == 0


def test_bytes_cp932_cannot_read_late_in_a_big_file_are_named(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    good = "\r\n".join([HEADER, *(_row(n) for n in range(20_000)), ""]).encode("cp932")
    path.write_bytes(good + b"2025/04/01 11:00:00,T\x81\x20,K1,a,b,1,c\r\n")
    with pytest.raises(ImportRejected) as refused:
        imports.import_files(db, "A", default_profile().layout("oplog"), [path])
    assert f"バイト位置 {len(good) + 21}(20002 行目)" in str(refused.value)
    assert db.scalar("SELECT count(*) FROM operation") == 0
