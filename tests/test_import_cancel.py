"""Cancelling an import in the middle (rows of a first file already written in the transaction) leaves the
database as it was: no files, no operations, no trail entry; the same files import afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "demo" / "oplog_sample_cp932.csv"


def two_logs(folder: Path) -> list[Path]:
    """The sample log, and the same log without its last line (another file, other digest)."""
    first, second = folder / "first.csv", folder / "second.csv"
    data = SAMPLE.read_bytes()
    first.write_bytes(data)
    second.write_bytes(data.rstrip(b"\r\n").rsplit(b"\n", 1)[0] + b"\r\n")
    return [first, second]


def counts(db: Database) -> tuple[int, int, int]:
    return (int(db.scalar("SELECT count(*) FROM import_file")), int(db.scalar("SELECT count(*) FROM operation")),
            len(trail.entries(db)))


def test_cancel_while_reading_the_second_file_keeps_nothing_of_the_first(db: Database, tmp_path: Path) -> None:
    files = two_logs(tmp_path)
    layout = default_profile().layout("oplog")
    before = counts(db)
    rows_seen: list[str] = []
    progress: Progress

    def on_update(_done: int, _total: int, message: str) -> None:
        rows_seen.append(message)
        if message.startswith("second.csv"):  # the first file's rows are in the open transaction by now
            progress.cancel()

    progress = Progress(on_update)
    with pytest.raises(CancelledError):
        imports.import_files(db, "C09", layout, files, progress=progress)
    assert any(m.startswith("first.csv: ") and m.endswith(" 行") for m in rows_seen)  # it was mid-import
    assert counts(db) == before  # not the agency either: the whole transaction rolled back
    assert db.scalar("SELECT count(*) FROM agency") == 0
    assert trail.verify(db) == []

    summary = imports.import_files(db, "C09", layout, files)
    # The second file's rows are all the first's: recognised as stored, none added twice.
    assert [(f.rows, f.skipped) for f in summary.files] == [(4098, 0), (0, 4097)]
