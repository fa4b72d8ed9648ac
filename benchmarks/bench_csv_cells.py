"""What refusing control characters costs the streaming CSV reader: all rows of a log read through
importers.tables.open_source with the check and with it switched off, alternating, in one process.

    python3 benchmarks/bench_csv_cells.py [--ops 1000000] [--dir DIR] [--repeat 3]

Makes (or reuses) a CP932 log with /work/shared/tools/gen_oplog.py. Prints the median CPU seconds of this
process for each way (steadier than wall time on a shared machine) and the difference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "gen_oplog.py"


def read_all(log: Path) -> float:
    from jukiaudit_desktop.importers.profile import default_profile
    from jukiaudit_desktop.importers.tables import open_source

    started = time.process_time()
    with open_source(log, default_profile().layout("oplog")) as source:
        for _ in source.rows:
            pass
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_csv_cells")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f}")
    log = args.dir / "oplog.csv"  # the generator names it
    if not log.exists():
        subprocess.run([sys.executable, str(GENERATOR), "--ops", str(args.ops), "--terminals", "80", "--operators", "400",
                        "--out", str(args.dir)], check=True)
    from jukiaudit_desktop.importers import tables

    checked = tables._has_control
    times: dict[str, list[float]] = {"checked": [], "unchecked": []}
    for _ in range(args.repeat):
        for way in times:
            tables._has_control = checked if way == "checked" else (lambda lines: False)  # type: ignore[assignment]
            times[way].append(read_all(log))
    tables._has_control = checked
    lines = sum(1 for _ in log.open("rb"))
    for way, seconds in times.items():
        print(f"{way:9} {statistics.median(seconds):6.2f} s CPU  ({lines:,} lines; runs {', '.join(f'{s:.2f}' for s in seconds)})")
    print(f"cost of the check: {statistics.median(times['checked']) - statistics.median(times['unchecked']):+.2f} s")


if __name__ == "__main__":
    main()
