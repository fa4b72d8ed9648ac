"""Benchmark: the demo load (all steps), a self-check form out and back in, the R7 annual aggregate.

    python benchmarks/bench_audits.py

Runs on a fresh SQLCipher database in a temporary folder (random key, no keyring). One run each.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.services import audits, demo, selfcheck_xlsx
from jukiaudit_desktop.storage.database import open_database


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = open_database(work / "bench.db", os.urandom(32), create=True)
        started = time.perf_counter()
        demo.load_demo(db)
        print(f"demo load (all steps): {time.perf_counter() - started:.2f} s")
        audit = audits.create_audit(db, "K03", 2026, AuditType.SELF_CHECK)
        form = work / "form.xlsx"
        started = time.perf_counter()
        selfcheck_xlsx.export_form(db, audit.id, form)  # type: ignore[arg-type]
        print(f"self-check form export: {time.perf_counter() - started:.3f} s")
        wb = load_workbook(form)
        ws = wb[selfcheck_xlsx.SHEET]
        for row in range(selfcheck_xlsx.FIRST_ITEM_ROW, ws.max_row + 1):
            ws[f"{selfcheck_xlsx.SCORE_COL}{row}"] = 3
        wb.save(form)
        started = time.perf_counter()
        result = selfcheck_xlsx.import_form(db, form)
        print(f"self-check form import ({result.items} items): {time.perf_counter() - started:.3f} s")
        started = time.perf_counter()
        rows = audits.annual_aggregate(db, 2025)
        figures = ", ".join(f"{r.audit_type.value} {r.agency_count}機関 {r.average}" for r in rows)
        print(f"annual aggregate R7: {time.perf_counter() - started:.3f} s ({figures})")
        db.close()


if __name__ == "__main__":
    main()
