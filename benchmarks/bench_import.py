"""Import speed: the project's operation-log import beside the bare baselines, measured in the same run.

    python3 benchmarks/bench_import.py [--ops 1000000] [--dir DIR] [--repeat 1]

Makes (or reuses) a CP932 log with /work/shared/tools/gen_oplog.py, then times, each in a fresh process:
  baseline        pandas.read_csv(cp932) + sqlcipher3 executemany into one table + one index (SQLCipher defaults,
                  cipher_memory_security off as in the app)
  project         services.imports.import_files into the app's encrypted database (strict parsing, one
                  transaction, file record, trail), then the paged view's id query (sort by time) and one page
Prints seconds and peak memory (max RSS) of each. The machine is shared: compare figures of one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "gen_oplog.py"


def _baseline(log: Path, db_path: Path) -> dict[str, float]:
    import pandas as pd
    import sqlcipher3

    started = time.perf_counter()
    frame = pd.read_csv(log, encoding="cp932")
    read = time.perf_counter() - started
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{'11' * 32}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE operation (at TEXT, terminal TEXT, operator TEXT, op_kind TEXT, jimu_code TEXT, "
                 "count INTEGER, result TEXT)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO operation VALUES (?, ?, ?, ?, ?, ?, ?)", frame.itertuples(index=False, name=None))
    conn.execute("CREATE INDEX operation_by_terminal_time ON operation (terminal, at)")
    conn.execute("COMMIT")
    conn.close()
    return {"seconds": time.perf_counter() - started, "read": read}


def _project(log: Path, db_path: Path) -> dict[str, float]:
    from jukiaudit_desktop.importers.profile import default_profile
    from jukiaudit_desktop.services import imports
    from jukiaudit_desktop.services.database_access import open_app_database
    from jukiaudit_desktop.storage import imports_repo

    db = open_app_database(db_path, "bench-passphrase", create=True)
    started = time.perf_counter()
    summary = imports.import_files(db, "BENCH", default_profile().layout("oplog"), [log])
    seconds = time.perf_counter() - started
    agency_id = db.scalar("SELECT id FROM agency WHERE code = 'BENCH'")
    started = time.perf_counter()
    ids = imports_repo.operation_ids(db, agency_id, imports_repo.OperationFilter(), "at")
    ids_seconds = time.perf_counter() - started
    started = time.perf_counter()
    imports_repo.operations_by_id(db, ids[len(ids) // 2:len(ids) // 2 + 200].tolist())
    page_seconds = time.perf_counter() - started
    db.close()
    return {"seconds": seconds, "rows": summary.rows_added, "view_ids": ids_seconds, "view_page": page_seconds}


def _child(kind: str, log: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        result = _project(log, db_path) if kind == "project" else _baseline(log, db_path)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _measure(kind: str, log: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--log", str(log)], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, help="folder with oplog.csv (made there when missing)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.log)
        return
    folder = args.dir or Path(tempfile.mkdtemp(prefix="jukiaudit-bench-"))
    log = folder / "oplog.csv"
    if not log.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(GENERATOR), "--ops", str(args.ops), "--terminals", "80",
                        "--operators", "400", "--out", str(folder)], check=True, capture_output=True)
    print(f"log: {log} ({log.stat().st_size / 1e6:.1f} MB), load average {os.getloadavg()[0]:.1f}")
    for round_number in range(1, args.repeat + 1):
        for kind in ("baseline", "project"):
            result = _measure(kind, log)
            extra = (f"  rows {result['rows']:,}  view: sort ids {result['view_ids']:.2f} s, page {result['view_page'] * 1000:.0f} ms"
                     if kind == "project" else f"  (read {result['read']:.2f} s)")
            print(f"[{round_number}] {kind:16s} {result['seconds']:6.2f} s  peak {result['max_rss_mb']:5.0f} MB{extra}")


if __name__ == "__main__":
    main()
