"""`jukiaudit … reconcile --json` end to end, as a user times it, for two or more checkouts interleaved (A/B).

    python benchmarks/bench_cli_ab.py --db PREPARED.db --tree old=/path/to/main --tree new=. [--repeat 5]
                                      [--tree-db new=PREPARED_AT_NEW_SCHEMA.db]

PREPARED.db is a database with the log and register imported (e.g. by bench_scale.py's steps, or
`jukiaudit import-oplog` / `import-register` of gen_oplog.py's files into agency B01) in passphrase mode:
its `.salt` beside it, the passphrase in $BENCH_PW. (Keyring mode cannot be timed here: the keyring
allow-list admits only the OS stores. It differs by the scrypt derivation, which
`python -c "import hashlib, timeit; …"` or bench_startup.py times alone.) Each round copies it afresh for every
checkout, in turn (--tree-db: a checkout's own prepared database, e.g. the same data already migrated to a newer
schema the other checkout cannot open), and runs the CLI in a fresh process: wall time, CPU time (user + system:
on a shared machine it says more than the wall time), peak memory and the load average beside each figure; then
the median per checkout. The JSON files of all runs must be byte-identical (the reconciliation is exact), else
the script fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import _run as run_child  # noqa: E402


def run_once(tree: Path, db: Path, out: Path, agency: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of the checkout's CLI, run in the checkout's folder (`python -m` puts the
    current folder first on sys.path, before PYTHONPATH)."""
    return run_child([sys.executable, "-m", "jukiaudit_desktop", "--db", str(db), "--passphrase-env", "BENCH_PW",
                      "reconcile", "--agency", agency, "--json", str(out)], dict(os.environ, PYTHONPATH=str(tree)),
                     cwd=tree)


def copy_database(source: Path, target: Path) -> None:
    for suffix in ("", ".salt", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the prepared database (not changed)")
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH",
                        help="a checkout to run (its folder holding jukiaudit_desktop/)")
    parser.add_argument("--tree-db", action="append", default=[], metavar="NAME=PATH",
                        help="the prepared database of one checkout (default: --db)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--agency", default="B01")
    args = parser.parse_args()
    trees = [(name, Path(path).resolve()) for name, _, path in (t.partition("=") for t in args.tree)]
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in trees}
    prepared = {name: Path(path) for name, _, path in (t.partition("=") for t in args.tree_db)}
    reference: bytes | None = None
    with tempfile.TemporaryDirectory(prefix="bench-cli-ab-") as work:
        for round_number in range(1, args.repeat + 1):
            for name, tree in trees:
                db, out = Path(work) / f"{name}.db", Path(work) / f"{name}.json"
                for stale in Path(work).glob(f"{name}.db*"):
                    stale.unlink()
                copy_database(prepared.get(name, args.db), db)
                load = os.getloadavg()[0]
                seconds, cpu, peak = run_once(tree, db, out, args.agency)
                figures[name].append((seconds, cpu, peak))
                print(f"[{round_number}] {name:8s} {seconds:6.2f} s  cpu {cpu:6.2f} s  peak {peak:5.0f} MB  "
                      f"(load {load:.1f})", flush=True)
                written = out.read_bytes()
                if reference is None:
                    reference = written
                elif written != reference:
                    raise SystemExit(f"{name}: the JSON differs from the first run's: not exact")
    for name, rows in figures.items():
        print(f"median {name:8s} {statistics.median(r[0] for r in rows):6.2f} s  "
              f"cpu {statistics.median(r[1] for r in rows):6.2f} s  peak {statistics.median(r[2] for r in rows):5.0f} MB")
    print("JSON identical across all runs")


if __name__ == "__main__":
    main()
