"""Where an operation-log import spends its time: CPU and wall seconds per phase, in one process.

    PYTHONPATH=TREE python benchmarks/bench_import_phases.py --log DIR/oplog.csv [--db /tmp/phases.db]

Imports the log (services.imports.import_files) into a fresh encrypted database and prints CPU seconds per
phase and thread (the import uses three):
  insert   the INSERT statements on the caller's thread (SQLite: rows, index entries, encryption of spilled pages)
  hash     the trail's part on the caller's thread (ids, the first row read back: storage.bindings.hash_inserted)
  commit   COMMIT (the WAL's last pages and its checkpoint into the database file)
  rest     everything else on the caller's thread
  digests  the hashing thread (storage.bindings._add_inserted: the rows' digests)
  reader   the reading thread (reading, decoding, checking and mapping the CSV: the process's CPU less the others)
  worker   the worker process (services.import_worker: reading, decoding, checking, mapping and the digests of a
           CSV file of import_reading.WORKER_MIN_BYTES or more; the reader and digests lines are then ≈0)
With two idle cores the wall time is about the longest of: the caller's thread, or all Python work (reader,
digests and the caller's own, which share the interpreter). CPU seconds say more than wall seconds on a shared
machine (the load is printed). The timing wrappers add a little to each phase; compare runs of this script only.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import bindings
from jukiaudit_desktop.storage import database as storage_database

PHASES: dict[str, list[float]] = {}  # phase → [CPU seconds of its thread, wall seconds]


@contextmanager
def _phase(name: str) -> Iterator[None]:
    cpu, wall = time.thread_time(), time.perf_counter()
    try:
        yield
    finally:
        spent = PHASES.setdefault(name, [0.0, 0.0])
        spent[0] += time.thread_time() - cpu
        spent[1] += time.perf_counter() - wall


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        with _phase(name):
            return function(*args, **kwargs)
    return timed


class _TimedConnection:
    """The loader's connection, timing its executemany and COMMIT."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.strip().upper() != "COMMIT":
            return self._conn.execute(sql, *args)
        with _phase("commit"):
            return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        with _phase("insert"):
            return self._conn.executemany(sql, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log", type=Path, required=True, help="a CP932 log made by gen_oplog.py")
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-import-phases.db"))
    args = parser.parse_args()
    for old in args.db.parent.glob(f"{args.db.name}*"):
        old.unlink()
    db = open_app_database(args.db, "bench phases passphrase", create=True)
    bindings.hash_inserted = _timed("hash", bindings.hash_inserted)  # type: ignore[method-assign]
    bindings._add_inserted = _timed("digests", bindings._add_inserted)  # type: ignore[attr-defined]
    connect = storage_database._connect
    storage_database._connect = lambda *a, **k: _TimedConnection(connect(*a, **k))  # type: ignore[assignment]
    load = os.getloadavg()[0]
    process_cpu = time.process_time()
    worker_cpu = _children_cpu()
    with _phase("import_files"):
        summary = imports.import_files(db, "B01", default_profile().layout("oplog"), [args.log])
    process_cpu = time.process_time() - process_cpu
    worker_cpu = _children_cpu() - worker_cpu
    db.close()
    main_cpu, total_wall = PHASES.pop("import_files")
    digests_cpu = PHASES.pop("digests", [0.0, 0.0])[0]
    print(f"{summary.rows_added:,} rows, load {load:.1f}, peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for name in ("insert", "hash", "commit"):
        cpu, wall = PHASES.get(name, [0.0, 0.0])
        print(f"  {name:7s} cpu {cpu:7.2f} s  wall {wall:7.2f} s")
    print(f"  rest    cpu {main_cpu - sum(c for c, _ in PHASES.values()):7.2f} s")
    print(f"  digests cpu {digests_cpu:7.2f} s  (hashing thread)")
    print(f"  reader  cpu {process_cpu - main_cpu - digests_cpu:7.2f} s  (reading thread)")
    print(f"  worker  cpu {worker_cpu:7.2f} s  (worker process)")
    print(f"  all     cpu {process_cpu + worker_cpu:7.2f} s  wall {total_wall:7.2f} s  (caller's thread {main_cpu:.2f} s)")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
