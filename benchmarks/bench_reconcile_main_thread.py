"""`jukiaudit … reconcile --json` for two or more checkouts interleaved, each run in a fresh process on a fresh copy:
wall time, CPU time of the process and CPU time of its main thread.

    BENCH_PW=… python benchmarks/bench_reconcile_main_thread.py --db PREPARED.db --tree old=/main --tree new=. [--repeat 3]

The command's main thread carries the work that cannot run beside anything; the page check, the read-ahead of the
operations and the export's rows run in worker threads (SQLite reads without the GIL). With a core free for them
the wall time comes to about the main thread's CPU time: on a shared machine, where the wall time says little,
it tells what an idle one would show. Use bench_cli_ab.py for the wall time as a user times it. PREPARED.db as
there (not changed). A database of an older schema is migrated on every copy, and a migration waits for the page
check: open it once with the newest checkout first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cli_ab import copy_database  # noqa: E402

_CHILD = """
import json, sys, time
wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
from jukiaudit_desktop.cli import main as cli
code = cli(sys.argv[1:])
print(json.dumps([code, time.perf_counter() - wall, time.process_time() - cpu, time.thread_time() - main]))
"""


def run_once(tree: Path, db: Path, out: Path, agency: str) -> tuple[float, float, float]:
    done = subprocess.run([sys.executable, "-c", _CHILD, "--db", str(db), "--passphrase-env", "BENCH_PW",
                           "reconcile", "--agency", agency, "--json", str(out)], cwd=tree, check=True,
                          env=dict(os.environ, PYTHONPATH=str(tree)), capture_output=True, text=True)
    code, wall, cpu, main = json.loads(done.stdout.splitlines()[-1])
    if code != 0:
        raise SystemExit(f"{tree}: exit {code}: {done.stderr}")
    return wall, cpu, main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the prepared database (not changed)")
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--agency", default="B01")
    args = parser.parse_args()
    trees = [(name, Path(path).resolve()) for name, _, path in (t.partition("=") for t in args.tree)]
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in trees}
    with tempfile.TemporaryDirectory(prefix="bench-main-thread-") as work:
        for round_number in range(1, args.repeat + 1):
            for name, tree in trees:
                db = Path(work) / f"{name}.db"
                for stale in Path(work).glob(f"{name}.db*"):
                    stale.unlink()
                copy_database(args.db, db)
                load = os.getloadavg()[0]
                figures[name].append(run_once(tree, db, Path(work) / f"{name}.json", args.agency))
                wall, cpu, main_thread = figures[name][-1]
                print(f"[{round_number}] {name:8s} wall {wall:5.2f} s  cpu {cpu:5.2f} s  main thread "
                      f"{main_thread:5.2f} s  (load {load:.1f})", flush=True)
    for name, rows in figures.items():
        print(f"median {name:8s} wall {statistics.median(r[0] for r in rows):5.2f} s  cpu "
              f"{statistics.median(r[1] for r in rows):5.2f} s  main thread {statistics.median(r[2] for r in rows):5.2f} s")


if __name__ == "__main__":
    main()
