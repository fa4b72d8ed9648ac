"""Benchmark: seal one audit with its reconciliation of a generated operation log (default 1,000,000
operations) into a package, and import that package on another installation (issue 18: each ≤ 30 s).

    python benchmarks/bench_packages.py [--ops 1000000] [--workdir DIR]

Setup (not measured): bench_reconcile.py's database (the log and register stored with executemany, a subject
on every operation), reconciled through the service; an audit whose sheet reports that run; a second
installation (the office) that knows the agency and holds the same identifier key (as after the office's
first package); each installation registers the other's public key. Each measurement runs in a fresh
process (peak memory is its own); the import works on a fresh copy of the office's database every time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_reconcile  # noqa: E402 (the same generated log and database)

AGENCY = bench_reconcile.AGENCY


def _open(path: Path, create: bool = False):  # noqa: ANN202 (keeps imports inside the measured process)
    from jukiaudit_desktop.storage.database import open_database

    key_file = path.with_suffix(".key")
    if create:
        key_file.write_text(os.urandom(32).hex())
    return open_database(path, bytes.fromhex(key_file.read_text()), create=create)


def setup(workdir: Path, ops: int) -> None:
    if (workdir / "office.db").exists():
        return
    bench_reconcile.setup(workdir, ops)
    from jukiaudit_desktop.core.audit import AuditType
    from jukiaudit_desktop.core.master import Agency
    from jukiaudit_desktop.reconcile.settings import ReconcileSettings
    from jukiaudit_desktop.services import audits, master_data, packages, reports
    from jukiaudit_desktop.services.reconciliation import run_reconciliation
    from jukiaudit_desktop.storage import subject_keys

    laptop = bench_reconcile._open(workdir)
    run = run_reconciliation(laptop, AGENCY, ReconcileSettings())
    audit = audits.create_audit(laptop, AGENCY, 2026, AuditType.INTERNAL, place="会議室", auditors=["監査 一郎"])
    assert audit.id is not None
    reports.set_sheet_run(laptop, audit.id, run.run_id)
    packages.export_identity(laptop, workdir / "laptop.pub")
    office = _open(workdir / "office.db", create=True)
    master_data.add_agency(office, Agency(AGENCY, "ベンチマーク機関"))
    with office.transaction():
        subject_keys.adopt(office, subject_keys.subject_key(laptop))
    packages.export_identity(office, workdir / "office.pub")
    packages.add_peer(office, workdir / "laptop.pub", "laptop")
    packages.add_peer(laptop, workdir / "office.pub", "office", office=True)
    (workdir / "audit.json").write_text(json.dumps({"audit": audit.id, "discrepancies": len(run.outcome.discrepancies)}))
    laptop.close()
    office.close()


def _report(started: float, cpu_started: float, **figures: object) -> None:
    # cpu_seconds: this process's own CPU time; on a shared machine `seconds` also counts waiting for a core
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2),
                      "cpu_seconds": round(time.process_time() - cpu_started, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "load_average": os.getloadavg()[0], **figures}, ensure_ascii=False))


def measure_export(workdir: Path) -> None:
    from jukiaudit_desktop.services import packages

    audit = json.loads((workdir / "audit.json").read_text())["audit"]
    db = bench_reconcile._open(workdir)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = packages.export_package(db, [audit], "office", workdir / "run.jkp")
    _report(started, cpu_started, step="export", package_bytes=result.size)
    db.close()


def measure_import(workdir: Path) -> None:
    from jukiaudit_desktop.services import packages

    for suffix in (".db", ".key"):
        shutil.copyfile(workdir / f"office{suffix}", workdir / f"office_copy{suffix}")
    db = _open(workdir / "office_copy.db")
    started, cpu_started = time.perf_counter(), time.process_time()
    plan = packages.import_package(db, workdir / "run.jkp")
    operations = db.scalar("SELECT count(*) FROM operation")
    discrepancies = db.scalar("SELECT count(*) FROM discrepancy")
    _report(started, cpu_started, step="import", new_audits=len(plan.new), runs=len(plan.runs),
            operations=operations, discrepancies=discrepancies)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--step", choices=["all", "export", "import"], default="all")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_packages_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.step == "export":
        return measure_export(workdir)
    if args.step == "import":
        return measure_import(workdir)
    started = time.perf_counter()
    setup(workdir, args.ops)
    print(f"setup ({workdir}): {time.perf_counter() - started:.1f} s", flush=True)
    for step in ("export", "import"):
        subprocess.run([sys.executable, __file__, "--workdir", str(workdir), "--step", step], check=True)


if __name__ == "__main__":
    main()
