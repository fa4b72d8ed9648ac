"""Test support for the import area: the sample files (copied under tests/data/imports) and slices of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage.database import Database

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
OPLOG = DATA / "oplog_cp932.csv"
REGISTER = DATA / "register_cp932.csv"
REGISTER_XLSX = DATA / "register.xlsx"


def layout(kind: str) -> Any:
    return default_profile().layout(kind)


def oplog_lines() -> list[str]:
    """The sample log's physical lines (line 1 = header), decoded."""
    return OPLOG.read_bytes().decode("cp932").split("\r\n")


def slice_of_log(folder: Path, name: str, first: int, last: int, encoding: str = "cp932") -> Path:
    """A copy of the sample log holding its header and physical lines first..last."""
    lines = oplog_lines()
    path = folder / name
    path.write_bytes("\r\n".join([lines[0], *lines[first - 1:last], ""]).encode(encoding))
    return path


def reconciled(db: Database, agency_code: str) -> dict[str, Any]:
    """What a reconciliation finds, without the file names and lines (they differ with the files chosen)."""
    exported = export_run(db, run_reconciliation(db, agency_code, ReconcileSettings()).run_id)
    found = sorted(sorted((k, str(v)) for k, v in d["detail"].items()) + [("kind", d["kind"])]
                   for d in exported["discrepancies"])
    return {"summary": exported["summary"], "discrepancies": found}
