"""Benchmark: drawing one terminal's day on ログ突合 (gui/day_timeline.py) with 5,000 operations by 8 operators,
200 register entries and 300 discrepancy marks — the time of show_day and of the first paint of the view.

    python benchmarks/bench_day_timeline.py [--operations 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import date, datetime, timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from jukiaudit_desktop.gui.day_timeline import DayTimeline
    from jukiaudit_desktop.services.day_timeline import Bar, DayPicture, Mark, Tick

    app = QApplication([])
    rng = random.Random(15)
    day = date(2025, 4, 1)
    midnight = datetime(2025, 4, 1)

    def moment() -> datetime:
        return midnight + timedelta(seconds=rng.randrange(7 * 3600, 21 * 3600))

    ticks = [Tick(i, moment(), f"K{rng.randrange(8):05d}", 1) for i in range(args.operations)]
    bars = []
    for i in range(200):
        start = moment()
        bars.append(Bar(i, start, start + timedelta(minutes=rng.randrange(5, 60)), "K00001", "条例3-2", 3))
    marks = [Mark(i, moment(), "無記帳照会") for i in range(300)]
    picture = DayPicture("T001", day, 5, ticks, bars, marks, selected_id=150)
    view = DayTimeline()
    view.resize(1200, 200)
    view.show()
    started = time.perf_counter()
    view.show_day(picture)
    drawn = time.perf_counter()
    view.viewport().grab()
    painted = time.perf_counter()
    print(json.dumps({"operations": args.operations, "show_day_ms": round((drawn - started) * 1000, 1),
                      "first_paint_ms": round((painted - drawn) * 1000, 1), "load": os.getloadavg()[0]}))
    view.clear_day()
    view.close()
    del view, picture  # before the application goes, or Qt aborts at exit
    app.quit()


if __name__ == "__main__":
    main()
