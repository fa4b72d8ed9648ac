"""Import and reconciliation at two sizes in one invocation, timed end to end as a user runs the CLI.

    python benchmarks/bench_scale.py --dir 1m=/path/with/oplog.csv/and/register.csv --dir 10m=/other/path

Each folder holds a log made by ../shared/tools/gen_oplog.py (oplog.csv, CP932, and register.csv), e.g.
    gen_oplog.py --ops 1000000 --terminals 160 --operators 1600 --out DIR
    gen_oplog.py --ops 10000000 --terminals 1600 --operators 3200 --out DIR
Per size, each step a fresh process, wall time and the process's peak memory (ru_maxrss via wait4):
  baseline   pandas.read_csv(cp932) + sqlcipher3 executemany + one index (bench_import.py's bare baseline)
  import     `jukiaudit import-oplog` into a fresh encrypted database (then import-register, not reported)
  run        services.reconciliation.run_reconciliation in a fresh process (read, reconcile, store the run)
  reconcile  `jukiaudit reconcile --json OUT` (the same, and the JSON written)
The machine is shared: the load average is printed beside every figure; compare figures of one run only.
--steps baseline,import measures only those steps; --tree PATH measures another checkout's code (e.g. main's,
for a before/after in one sitting: each tree's run then has its own baseline).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "bench scale passphrase"
RUN_ONLY = """
import os, sys
from pathlib import Path
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.services.reconciliation import run_reconciliation
db = open_app_database(Path(sys.argv[1]), os.environ["BENCH_PW"])
run_reconciliation(db, "B01", ReconcileSettings())
db.close()
"""


def _run(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds (user + system), peak MB) of one child process; fails loudly when it fails.
    On a loaded machine the CPU seconds say more than the wall time."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out, err = child.communicate()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{out.decode(errors='replace')}\n{err.decode(errors='replace')}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "jukiaudit_desktop", "--db", str(db), "--passphrase-env", "BENCH_PW", *args]


STEPS = ("baseline", "import", "run", "reconcile")
Figure = tuple[float, float, float]  # wall seconds, CPU seconds, peak MB


def measure(name: str, folder: Path, env: dict[str, str], steps: tuple[str, ...] = STEPS) -> dict[str, Figure]:
    """The steps asked for (the import is made whenever a later step needs it), by step name."""
    log, register = folder / "oplog.csv", folder / "register.csv"
    figures: dict[str, Figure] = {}
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{name}-") as work:
        db = Path(work) / "audit.db"
        subprocess.run(_cli(db, "init"), env=env, check=True, capture_output=True)
        if "baseline" in steps:
            load = os.getloadavg()[0]
            figures["baseline"] = base = _run([sys.executable, str(ROOT / "benchmarks" / "bench_import.py"),
                                               "--child", "baseline", "--log", str(log)], env)
            print(f"{name}: baseline  {base[0]:7.2f} s  cpu {base[1]:7.2f} s  peak {base[2]:6.0f} MB  "
                  f"(load {load:.1f})", flush=True)
        if not {"import", "run", "reconcile"} & set(steps):
            return figures
        load = os.getloadavg()[0]
        figures["import"] = import_s, import_cpu, import_mb = _run(
            _cli(db, "import-oplog", "--agency", "B01", str(log)), env)
        against = (f"= {import_s / base[0]:.2f}× baseline (cpu {import_cpu / base[1]:.2f}×)  "
                   if "baseline" in figures else "")
        print(f"{name}: import    {import_s:7.2f} s  cpu {import_cpu:7.2f} s  peak {import_mb:6.0f} MB  "
              f"{against}(load {load:.1f})", flush=True)
        if not {"run", "reconcile"} & set(steps):
            return figures
        subprocess.run(_cli(db, "import-register", "--agency", "B01", str(register)), env=env, check=True,
                       capture_output=True)
        if "run" in steps:
            load = os.getloadavg()[0]
            figures["run"] = only_s, only_cpu, only_mb = _run([sys.executable, "-c", RUN_ONLY, str(db)], env)
            print(f"{name}: run       {only_s:7.2f} s  cpu {only_cpu:7.2f} s  peak {only_mb:6.0f} MB  "
                  f"(load {load:.1f})", flush=True)
        if "reconcile" in steps:
            load = os.getloadavg()[0]
            out = Path(work) / "run.json"
            figures["reconcile"] = run_s, run_cpu, run_mb = _run(
                _cli(db, "reconcile", "--agency", "B01", "--json", str(out)), env)
            print(f"{name}: reconcile {run_s:7.2f} s  cpu {run_cpu:7.2f} s  peak {run_mb:6.0f} MB  "
                  f"JSON {out.stat().st_size / 1e6:.1f} MB  (load {load:.1f})", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", action="append", required=True, metavar="NAME=FOLDER",
                        help="a size to measure: its name and the folder holding oplog.csv and register.csv")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated steps to measure (default: all, {','.join(STEPS)})")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code is measured (default: this)")
    args = parser.parse_args()
    steps = tuple(step for step in args.steps.split(",") if step)
    if unknown := set(steps) - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    env = dict(os.environ, BENCH_PW=PASSPHRASE, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
               PYTHONPATH=str(args.tree.resolve()))
    print(f"tree: {args.tree.resolve()}", flush=True)
    os.chdir(args.tree.resolve())  # `python -m` puts the current folder first on sys.path, before PYTHONPATH
    sizes: list[tuple[str, dict[str, Figure]]] = []
    for item in args.dir:
        name, _, folder = item.partition("=")
        sizes.append((name, measure(name, Path(folder), env, steps)))
    for (small, before), (large, after) in itertools.pairwise(sizes):
        for step in ("import", "reconcile"):
            if step in before and step in after:
                print(f"{step} {large} / {small}: {after[step][0] / before[step][0]:.1f}× wall, "
                      f"{after[step][1] / before[step][1]:.1f}× cpu", flush=True)


if __name__ == "__main__":
    main()
