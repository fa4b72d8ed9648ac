"""Operation logs for the column cache's tests (storage.operation_columns, storage.import_columns), and the cache
as stored beside the cache its rows give."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from jukiaudit_desktop.core.identifiers import juminhyo_check_digit
from jukiaudit_desktop.importers.profile import load_profile
from jukiaudit_desktop.storage import operation_columns
from jukiaudit_desktop.storage.database import Database

HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果,住民票コード"
COLUMNS = ('[oplog.columns]\nat = "操作日時"\nterminal = "端末ID"\noperator = "操作者ID"\nop_kind = "処理区分"\n'
           'jimu_code = "利用事務コード"\ncount = "照会件数"\nresult = "処理結果"\n'
           '[[oplog.identifiers]]\nheader = "住民票コード"\nkind = "住民票コード"\n')
# A vendor that counts 該当なし as a success, does not count errors and counts persons per second.
LENIENT = ('[oplog]\nsuccess_results = ["正常", "該当なし"]\n[oplog.count_rule]\nfailed_results = ["エラー"]\n'
           'count_failed = false\nper = "subject_second"\n')


def log_lines(count: int, seed: int = 12) -> list[str]:
    """Operation-log lines over a week: terminals, operators and 事務 (some missing) mixed, several results
    (some empty), subjects (some missing), now and then two rows of one person in one second."""
    rng = random.Random(seed)
    lines: list[str] = []
    while len(lines) < count:
        moment = f"2025/04/0{rng.randint(1, 7)} {rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        first = f"{rng.randint(0, 99999):010d}"
        subject = rng.choice(["", first + str(juminhyo_check_digit(first))])
        row = (f"{moment},T{rng.randint(1, 9):03d},K{rng.randint(10001, 10015)},"
               f"{rng.choice(['住民票コード検索', '4情報検索', '個人番号検索'])},"
               f"{rng.choice(['別表5-10', '別表6-3', ''])},{rng.randint(1, 3)},"
               f"{rng.choice(['正常'] * 5 + ['該当なし', 'エラー', ''])},{subject}")
        lines += [row, row] if rng.random() < 0.05 else [row]
    return lines[:count]


def write_log(folder: Path, name: str, lines: list[str], encoding: str = "cp932") -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join([HEADER, *lines, ""])).encode(encoding))
    return path


def layout(folder: Path, name: str, extra: str = "") -> Any:
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\n{extra}{COLUMNS}', encoding="utf-8")
    return load_profile(path).layout("oplog")


def cache_rows(db: Database) -> list[tuple[Any, ...]]:
    """operation_columns as stored, by file and segment."""
    return db.query("SELECT * FROM operation_columns ORDER BY file_id, segment")


def rows_cache(db: Database) -> list[tuple[Any, ...]]:
    """The cache every imported log's operation rows give (what a log imported before the cache gets, and what
    verify-trail compares with), by file and segment."""
    files = [int(i) for (i,) in db.query("SELECT id FROM import_file WHERE kind = 'oplog'")]
    built = operation_columns._built(db, operation_columns.success_values(db, files))
    return sorted(built, key=lambda row: (row[0], row[1]))


def use_small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of 64 ids: files over many segments, windows shared by two files (before the imports)."""
    monkeypatch.setattr(operation_columns, "WINDOW", 64)


def forbid_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail an import that builds a log's cache from its rows read back instead of from the rows it inserts."""

    def read_back(*_args: Any) -> None:
        raise AssertionError("the import read its rows back to build the column cache")

    monkeypatch.setattr(operation_columns, "store_from_rows", read_back)
