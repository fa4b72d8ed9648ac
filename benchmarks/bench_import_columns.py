"""What the column cache costs an operation-log import: CPU seconds of its parts, in one process.

    PYTHONPATH=TREE python benchmarks/bench_import_columns.py --log DIR/oplog.csv [--db /tmp/columns.db]

Imports the log (services.imports.import_files) into a fresh encrypted database, as bench_import_phases.py does,
and prints the CPU seconds of:
  numpy    loading numpy (an import of a log loads it for the cache; nothing else in the import needs it)
  add      storage.import_columns.ImportColumns.add: each batch's columns, as it is inserted
  store    ImportColumns.store: the last segment encoded and written, skipped rows taken out, counts read back
           under a count rule (the segments written while the import runs are counted in add)
  import   the whole import_files call, all of the above included
Compare runs on one machine only; the load is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPENT: dict[str, float] = {}


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] = SPENT.get(name, 0.0) + time.process_time() - start
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log", type=Path, required=True, help="a CP932 log made by gen_oplog.py")
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-import-columns.db"))
    args = parser.parse_args()
    from jukiaudit_desktop.importers.profile import default_profile
    from jukiaudit_desktop.services import imports
    from jukiaudit_desktop.services.database_access import open_app_database

    assert "numpy" not in sys.modules, "numpy loaded before the import"
    start = time.process_time()
    import numpy  # noqa: F401  # timed alone: the import's first log would load it

    SPENT["numpy"] = time.process_time() - start
    from jukiaudit_desktop.storage import import_columns

    import_columns.ImportColumns.add = _timed("add", import_columns.ImportColumns.add)  # type: ignore[method-assign]
    import_columns.ImportColumns.store = _timed("store",  # type: ignore[method-assign]
                                                import_columns.ImportColumns.store)
    for old in args.db.parent.glob(f"{args.db.name}*"):
        old.unlink()
    db = open_app_database(args.db, "bench columns passphrase", create=True)
    load = os.getloadavg()[0]
    start = time.process_time()
    summary = imports.import_files(db, "B01", default_profile().layout("oplog"), [args.log])
    SPENT["import"] = time.process_time() - start
    db.close()
    print(f"{summary.rows_added:,} rows, load {load:.1f}, peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for name in ("numpy", "add", "store"):
        print(f"  {name:6s} cpu {SPENT.get(name, 0.0):6.2f} s")
    cache = SPENT["numpy"] + SPENT.get("add", 0.0) + SPENT.get("store", 0.0)
    print(f"  cache  cpu {cache:6.2f} s  of the import's {SPENT['import'] + SPENT['numpy']:.2f} s (numpy included)")


if __name__ == "__main__":
    main()
