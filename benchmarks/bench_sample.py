"""Benchmark: draw a 30-line sample for 根拠書類 from a 1,000,000-operation log (issue 17) and load what the
sample window shows (lines and strata); peak memory of the process.

    python benchmarks/bench_sample.py [--ops 1000000] [--workdir DIR]

The database is bench_reconcile.py's (same generator, same setup, reused when the work folder has one). Each
measurement runs in a fresh process, so the peak memory (ru_maxrss) is the sampling's.
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
from datetime import date
from pathlib import Path

from bench_reconcile import AGENCY, _open, setup


def measure(workdir: Path) -> None:
    from jukiaudit_desktop.gui.sample_dialog import load_sample_view
    from jukiaudit_desktop.services import sampling
    from jukiaudit_desktop.services.reconciliation import Period

    db = _open(workdir)
    figures = {}
    for name, period in (("whole_log", Period()), ("one_month", Period(date(2025, 4, 1), date(2025, 4, 30)))):
        started = time.perf_counter()
        sample_id = sampling.draw_sample(db, AGENCY, period, 30, 20251001)
        drawn = time.perf_counter() - started
        started = time.perf_counter()
        view = load_sample_view(db, AGENCY, sample_id)
        figures[name] = {"draw_seconds": round(drawn, 2), "load_seconds": round(time.perf_counter() - started, 2),
                         "lines": len(view.lines), "strata": len(view.strata)}
    print(json.dumps({**figures, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "load_average": os.getloadavg()[0]}, ensure_ascii=False))
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--step", choices=["all", "measure"], default="all")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_sample_"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.step == "measure":
        return measure(workdir)
    started = time.perf_counter()
    setup(workdir, args.ops)
    print(f"setup ({workdir}): {time.perf_counter() - started:.1f} s")
    subprocess.run([sys.executable, __file__, "--workdir", str(workdir), "--step", "measure"], check=True)


if __name__ == "__main__":
    main()
