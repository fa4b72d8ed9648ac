"""Benchmark: reconcile a generated operation log (default 1,000,000 operations) read from the encrypted
database, storing the results; peak memory; and the GUI's event loop while the run executes on the runner.

    python benchmarks/bench_reconcile.py [--ops 1000000] [--workdir DIR]

Setup (not measured): gen_oplog.py writes the set, rows go straight into a fresh SQLCipher database with
executemany. Each measurement runs in a fresh process, so peak memory (ru_maxrss) is the reconciliation's.
Every operation gets a subject (a keyed hash, as the importer stores it) drawn from 400,000 people, 3 % of
them fail (処理結果 該当なし), and all terminals but T080 are registered: the subject and activity kinds
(issue 17) have their full work to do. The same script runs against an older checkout (PYTHONPATH) for a
before/after comparison on the same data.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "gen_oplog.py"
AGENCY = "B01"
PEOPLE = 400_000
FAILED_SHARE = 0.03
TRUTH_NAMES = {"unregistered": "unregistered_operation", "unused_entry": "unused_register_entry"}


def _open(workdir: Path, create: bool = False):  # noqa: ANN202 (keeps imports inside the measured process)
    from jukiaudit_desktop.storage.database import open_database

    key = bytes.fromhex((workdir / "bench.key").read_text())
    return open_database(workdir / "bench.db", key, create=create)


def setup(workdir: Path, ops: int) -> None:
    if not (workdir / "oplog.csv").exists():
        subprocess.run([sys.executable, str(GENERATOR), "--ops", str(ops), "--terminals", "80", "--operators", "400",
                        "--out", str(workdir)], check=True, capture_output=True)
    if (workdir / "bench.db").exists():
        return
    from jukiaudit_desktop.core.master import Agency
    from jukiaudit_desktop.services import master_data

    (workdir / "bench.key").write_text(os.urandom(32).hex())
    db = _open(workdir, create=True)
    agency = master_data.add_agency(db, Agency(AGENCY, "ベンチマーク機関"))
    with db.transaction():
        for kind, name in (("oplog", "oplog.csv"), ("register", "register.csv")):
            db.execute("INSERT INTO import_file (agency_id, kind, file_name, sha256, encoding, profile, row_count, "
                       "imported_at) VALUES (?, ?, ?, ?, 'cp932', 'bench', 0, '2026-01-01T00:00:00')",
                       (agency.id, kind, name, kind))
        people = random.Random(17)
        key = os.urandom(32)

        def subject() -> str:
            return hmac.new(key, str(people.randrange(PEOPLE)).encode(), hashlib.sha256).hexdigest()

        def result(given: str) -> str:
            return "該当なし" if people.random() < FAILED_SHARE else given

        with (workdir / "oplog.csv").open(encoding="cp932", newline="") as f:
            db.conn.executemany(
                "INSERT INTO operation (file_id, line, agency_id, at, terminal, operator, op_kind, jimu_code, count, "
                "result, subject_hash, subject_mask) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '*******1234')",
                ((line, agency.id, datetime.strptime(r[0], "%Y/%m/%d %H:%M:%S").isoformat(), r[1], r[2], r[3], r[4],
                  int(r[5]), result(r[6]), subject()) for line, r in enumerate(list(csv.reader(f))[1:], start=2)))
        db.conn.executemany("INSERT INTO terminal (agency_id, code) VALUES (?, ?)",
                            [(agency.id, f"T{n:03d}") for n in range(1, 80)])
        with (workdir / "register.csv").open(encoding="cp932", newline="") as f:
            rows = []
            for line, (day, start, end, terminal, operator, jimu, count) in enumerate(list(csv.reader(f))[1:], 2):
                begin = datetime.strptime(f"{day} {start}", "%Y/%m/%d %H:%M")
                finish = datetime.strptime(f"{day} {end}", "%Y/%m/%d %H:%M")
                finish += timedelta(days=1) if finish < begin else timedelta(0)
                rows.append((line, agency.id, begin.isoformat(timespec="minutes"),
                             finish.isoformat(timespec="minutes"), terminal, operator, jimu, int(count)))
            db.conn.executemany("INSERT INTO register_entry (file_id, line, agency_id, start_at, end_at, terminal, "
                                "operator, jimu_code, count) VALUES (2, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()


def measure(workdir: Path, original_kinds_only: bool = False) -> None:
    """Time the whole use case: read from the encrypted database, reconcile, store the run.
    original_kinds_only: the subject and activity kinds (issue 17) return nothing, so that the difference
    of the two measurements is their cost in the engine and in storing their results (their column is
    read either way). new_kinds_engine_cpu_seconds: the CPU time spent in those kinds' checks alone."""
    from jukiaudit_desktop.reconcile import engine
    from jukiaudit_desktop.reconcile.settings import ReconcileSettings
    from jukiaudit_desktop.services.reconciliation import run_reconciliation

    if original_kinds_only:
        engine.check_subjects = engine.check_activity = lambda *_args: []  # type: ignore[assignment]
    new_kinds_cpu = [0.0]  # CPU seconds inside the five kinds' checks: their engine cost without storing

    def timed(check: Any) -> Any:
        def run(*args: Any) -> Any:
            started = time.process_time()
            try:
                return check(*args)
            finally:
                new_kinds_cpu[0] += time.process_time() - started
        return run

    engine.check_subjects, engine.check_activity = timed(engine.check_subjects), timed(engine.check_activity)
    db = _open(workdir)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = run_reconciliation(db, AGENCY, ReconcileSettings())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = json.loads((workdir / "truth.json").read_text())
    summary = result.outcome.summary()
    agrees = all(summary[TRUTH_NAMES.get(k, k)] == len(v) for k, v in truth.items() if isinstance(v, list))
    # cpu_seconds: this process's own CPU time; on a shared machine `seconds` also counts waiting for a core
    print(json.dumps({"seconds": round(elapsed, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak_mb),
                      "new_kinds_engine_cpu_seconds": round(new_kinds_cpu[0], 3),
                      "load_average": os.getloadavg()[0], "summary": summary,
                      "counts_agree_with_truth": agrees}, ensure_ascii=False))
    db.close()


def measure_gui(workdir: Path) -> None:
    """Run the reconciliation from the ログ突合 page (worker thread, then the list of results is shown) and
    record the longest gap between 10 ms timer ticks on the GUI thread."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
    from jukiaudit_desktop.gui.tasks import DbRunner

    app = QApplication([])
    runner = DbRunner()
    page = ReconcilePage(runner)
    page.resize(1280, 800)
    page.show()
    clock, gaps, state = QElapsedTimer(), [], {"last": 0, "started": False}
    ticker = QTimer()
    ticker.setInterval(10)

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - state["last"])
        state["last"] = now
        if not state["started"] and page.current_agency_code() == AGENCY and not runner.busy:
            state["started"] = True
            clock.restart()
            state["last"] = 0
            gaps.clear()
            page.run_reconciliation()
        elif state["started"] and page.model.rowCount() and not runner.busy:
            ticker.stop()
            app.quit()

    ticker.timeout.connect(tick)
    runner.open_database(lambda: _open(workdir), lambda _db: (page.refresh(), clock.start(), ticker.start()))
    app.exec()
    runner.close()
    print(json.dumps({"event_loop_max_gap_ms": max(gaps), "ticks": len(gaps), "run_and_show_ms": clock.elapsed(),
                      "rows_shown": page.model.rowCount()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--step", choices=["all", "measure", "measure-original-kinds", "gui"], default="all")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_reconcile_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.step in ("measure", "measure-original-kinds"):
        return measure(workdir, original_kinds_only=args.step == "measure-original-kinds")
    if args.step == "gui":
        return measure_gui(workdir)
    started = time.perf_counter()
    setup(workdir, args.ops)
    print(f"setup ({workdir}): {time.perf_counter() - started:.1f} s")
    for step in ("measure", "gui"):
        subprocess.run([sys.executable, __file__, "--workdir", str(workdir), "--step", step], check=True)


if __name__ == "__main__":
    main()
