"""`reconcile --json` step by step, in CPU seconds (time.process_time, no profiler: a profiler's cost per call
distorts code made of many small calls), best of N, for the checkout on PYTHONPATH:

    BENCH_PW=… PYTHONPATH=TREE python benchmarks/bench_reconcile_steps.py --db COPY.db [--agency B01] [--repeat 3]

COPY.db is a copy of a prepared database (passphrase mode, its `.salt` beside it; bench_cli_ab.py's --db): the
script stores runs in it. Steps: the CLI's imports; the first holiday lookup; opening (scrypt and the page
check); reading the operations and the register; the engine; storing the run (rolled back each time) and the
trail's binding of it; the JSON export of a stored run (rows' facts, objects, file). Run it for two checkouts on
copies of the same database for a before/after.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

started = time.process_time()
from jukiaudit_desktop import cli  # noqa: E402, F401
from jukiaudit_desktop.cli import reconcile as cli_reconcile  # noqa: E402

IMPORTS = time.process_time() - started

from jukiaudit_desktop.reconcile import engine  # noqa: E402
from jukiaudit_desktop.reconcile.columns import Vocabulary  # noqa: E402
from jukiaudit_desktop.reconcile.settings import BusinessCalendar, ReconcileSettings  # noqa: E402
from jukiaudit_desktop.services import reconciliation  # noqa: E402
from jukiaudit_desktop.services.database_access import open_app_database  # noqa: E402
from jukiaudit_desktop.services.master_data import require_agency  # noqa: E402
from jukiaudit_desktop.storage import reconcile_repo, trail  # noqa: E402
from jukiaudit_desktop.storage.database import bulk_connection  # noqa: E402


class _RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="a copy of the prepared database (written to)")
    parser.add_argument("--agency", default="B01")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, float] = {"imports (cli, cli.reconcile)": IMPORTS}

    def timed(name: str, step: Callable[[], Any]) -> Any:
        begun = time.process_time()
        value = step()
        best[name] = min(best.get(name, float("inf")), time.process_time() - begun)
        return value

    settings = ReconcileSettings()
    timed("first holiday lookup", lambda: BusinessCalendar(settings).closed_reason(date(2025, 5, 5)))
    db = timed("open (scrypt, page check)", lambda: open_app_database(args.db, os.environ["BENCH_PW"]))
    agency = require_agency(db, args.agency).id
    assert agency is not None
    names = Vocabulary()

    def one_round() -> None:
        with bulk_connection(db) as reader:
            ops = timed("load_operations", lambda: reconcile_repo.load_operations(
                reader, agency, reconcile_repo.ALL_TIME, names))
            entries, lists = timed("load_register, lists", lambda: (
                reconcile_repo.load_register(reader, agency, reconcile_repo.ALL_TIME, names),
                reconcile_repo.load_agency_lists(reader, agency, names)))
        outcome = timed("engine", lambda: engine.reconcile(ops, entries, lists, names, settings))
        try:
            with bulk_connection(db) as writer, writer.transaction():
                run_id = timed("insert_run (with the details' JSON)", lambda: reconcile_repo.insert_run(
                    writer, agency, reconcile_repo.ALL_TIME, settings, outcome,
                    reconcile_repo.detail_texts(d.detail for d in outcome.discrepancies)))
                timed("trail.record (binding)", lambda: trail.record(writer, "reconcile.run", run_id=run_id))
                raise _RolledBack
        except _RolledBack:
            pass

    for _ in range(args.repeat):
        one_round()
    result = reconciliation.run_reconciliation(db, args.agency, settings)
    out = Path(tempfile.gettempdir()) / f"bench-reconcile-steps-{os.getpid()}.json"
    for _ in range(args.repeat):
        timed("export (facts, objects, file)", lambda: cli_reconcile.write_run_json(
            out, reconciliation.export_result(db, result)))
    out.unlink()
    db.close()
    print(f"{len(result.outcome.discrepancies):,} discrepancies; CPU s, best of {args.repeat}, load "
          f"{os.getloadavg()[0]:.1f}")
    for name, seconds in best.items():
        print(f"  {name:32s} {seconds:6.2f}")


if __name__ == "__main__":
    main()
