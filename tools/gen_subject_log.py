"""A small operation log with a 住民票コード column and planted subject and activity patterns (issue 17).

    python tools/gen_subject_log.py OUT_DIR

Writes to OUT_DIR (always the same bytes; no randomness):
  oplog.csv        UTF-8, 操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果,住民票コード
  profile.toml     the default layout plus the identifier column and success values 正常 / 正常終了
  watchlist.csv    the office's watch-list (種別,番号,表示名); watchlist_c99.csv another agency's
  terminals.txt    the terminals registered to the agency (T01 T02 T03)
  truth.json       per new kind, the oplog lines of each discrepancy it must report (each list sorted)

Background: operators O01–O06 make 8 lookups a day on weekdays from 2025-04-01 to 2025-05-30, each of a
subject looked up once, on T01–T03, result 正常 (every fifth 正常終了, also a success). Planted on top:
repeated subjects by days (3 days within 30, the edge of 29 days apart included) and by operators (3 on
one day), subjects just outside (3 days over 31 days, 3 operators over 31 days, twice on one day, two
operators on one day), watch-list subjects looked up once and twice on one day, a spike day of O07
(60 against its 10 a day), failed-search bursts (6 in 5 minutes; 5 in exactly 10 minutes followed by one
9 minutes later) and near misses (4 in 5 minutes; 5 each 11 minutes apart; 5 over 12 minutes), and three
lookups on terminal T99, which is not registered.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from jukiaudit_desktop.core.identifiers import juminhyo_check_digit, my_number_check_digit

HEADER = ["操作日時", "端末ID", "操作者ID", "処理区分", "利用事務コード", "照会件数", "処理結果", "住民票コード"]
FIRST_DAY, LAST_DAY = date(2025, 4, 1), date(2025, 5, 30)
JIMU = ("別表5-10", "別表5-5", "条例3-2")  # background: 6 of 8 lookups a day, 1, 1

PROFILE = """name = "住民票コード列つき(検証用)"

[oplog]
success_results = ["正常", "正常終了"]

[oplog.columns]
at = "操作日時"
terminal = "端末ID"
operator = "操作者ID"
op_kind = "処理区分"
jimu_code = "利用事務コード"
count = "照会件数"
result = "処理結果"

[[oplog.identifiers]]
kind = "住民票コード"
header = "住民票コード"
"""


def juminhyo(n: int) -> str:
    base = f"{3000000000 + n:010d}"
    return base + str(juminhyo_check_digit(base))


def my_number(n: int) -> str:
    base = f"{40000000000 + n:011d}"
    return base + str(my_number_check_digit(base))


class Log:
    def __init__(self) -> None:
        self.rows: list[tuple[datetime, list[str], tuple[str, str] | None]] = []
        self.next_subject = 0

    def fresh(self) -> str:
        self.next_subject += 1
        return juminhyo(self.next_subject)

    def op(self, at: datetime, operator: str, subject: str | None = None, terminal: str = "T01",
           result: str = "正常", plant: tuple[str, str] | None = None, jimu: str = "別表5-10") -> None:
        """`plant` (kind, group): the row belongs to that planted discrepancy."""
        row = [at.strftime("%Y/%m/%d %H:%M:%S"), terminal, operator, "4情報検索", jimu, "1", result,
               self.fresh() if subject is None else subject]
        self.rows.append((at, row, plant))

    def write(self, out: Path) -> dict[str, list[list[int]]]:
        """Writes oplog.csv in time order; returns kind → the line lists of its planted discrepancies."""
        self.rows.sort(key=lambda r: r[0])
        truth: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        with (out / "oplog.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(HEADER)
            for line, (_, row, plant) in enumerate(self.rows, start=2):
                if plant is not None:
                    truth[plant[0]][plant[1]].append(line)
                writer.writerow(row)
        return {kind: sorted(lines for lines in groups.values()) for kind, groups in sorted(truth.items())}


def weekdays() -> list[date]:
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5 and day not in (date(2025, 4, 29), date(2025, 5, 5), date(2025, 5, 6)):
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second)


def build() -> tuple[Log, list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    log = Log()
    for n, day in enumerate(weekdays()):
        for k in range(1, 7):
            for i in range(8):
                log.op(at(day, 9, 0) + timedelta(minutes=37 * i + k), f"O0{k}", terminal=f"T0{1 + (k + i) % 3}",
                       result="正常終了" if (n + i) % 5 == 0 else "正常", jimu=JIMU[max(i - 5, 0)])
    log.op(at(FIRST_DAY, 16, 30), "O01", jimu="別表6-3")  # a 事務 used once: still sampled

    def repeated(group: str, visits: list[tuple[date, str]], reported: bool) -> str:
        subject = log.fresh()
        for number, (day, operator) in enumerate(visits):
            log.op(at(day, 14, 10 + number), operator, subject,
                   plant=("repeated_subject", group) if reported else None)
        return subject

    d = date
    repeated("days", [(d(2025, 4, 3), "O01"), (d(2025, 4, 10), "O01"), (d(2025, 4, 24), "O01")], True)
    repeated("edge29", [(d(2025, 4, 21), "O02"), (d(2025, 5, 2), "O02"), (d(2025, 5, 20), "O02")], True)
    repeated("operators", [(d(2025, 4, 8), "O01"), (d(2025, 4, 8), "O02"), (d(2025, 4, 8), "O03")], True)
    repeated("days_and_more", [(d(2025, 5, 7), "O04"), (d(2025, 5, 7), "O04"), (d(2025, 5, 8), "O05"),
                               (d(2025, 5, 9), "O04"), (d(2025, 5, 12), "O06")], True)
    repeated("-", [(d(2025, 4, 1), "O03"), (d(2025, 4, 21), "O03"), (d(2025, 5, 21), "O03")], False)  # 31 days
    repeated("-", [(d(2025, 4, 1), "O01"), (d(2025, 4, 20), "O02"), (d(2025, 5, 21), "O03")], False)
    repeated("-", [(d(2025, 4, 9), "O04"), (d(2025, 4, 9), "O04")], False)  # twice on one day
    repeated("-", [(d(2025, 4, 10), "O05"), (d(2025, 4, 10), "O06")], False)  # two operators, one day
    repeated("-", [(d(2025, 4, 11), "O05"), (d(2025, 4, 18), "O06")], False)  # two days

    watched_once, watched_twice, elsewhere = log.fresh(), log.fresh(), log.fresh()
    log.op(at(d(2025, 4, 9), 15, 1), "O04", watched_once, plant=("watchlist_hit", "once"))
    log.op(at(d(2025, 4, 16), 15, 2), "O05", watched_twice, plant=("watchlist_hit", "twice1"))
    log.op(at(d(2025, 4, 16), 15, 9), "O05", watched_twice, plant=("watchlist_hit", "twice2"))
    log.op(at(d(2025, 4, 17), 15, 3), "O06", elsewhere)  # on another agency's list only
    watchlist = [("住民票コード", watched_once, "著名人A"), ("住民票コード", watched_twice, "職員の家族(申出)"),
                 ("個人番号", my_number(1), "未照会の注視対象者")]
    other_agency = [("住民票コード", elsewhere, "他機関の注視対象者")]

    spike_days = [d(2025, 4, 2), d(2025, 4, 4), d(2025, 4, 7), d(2025, 4, 9), d(2025, 4, 14), d(2025, 4, 16)]
    for day in spike_days:
        for i in range(10):
            log.op(at(day, 10, 3 * i), "O07", terminal="T02")
    for i in range(60):
        log.op(at(d(2025, 4, 22), 9, 30) + timedelta(minutes=4 * i), "O07", terminal="T02",
               plant=("volume_spike", "O07"))

    def failures(operator: str, start: datetime, gaps: list[int], group: str | None) -> None:
        moment = start
        for number in range(len(gaps) + 1):
            log.op(moment, operator, result="該当なし", plant=("failed_search_burst", group) if group else None)
            if number < len(gaps):
                moment += timedelta(seconds=gaps[number])

    failures("O02", at(d(2025, 4, 15), 16, 0), [60] * 5, "six_in_five_minutes")
    failures("O03", at(d(2025, 4, 15), 16, 0), [150] * 4 + [540], "exactly_ten_minutes")
    failures("O04", at(d(2025, 4, 15), 16, 0), [75] * 3, None)  # 4 within 5 minutes
    failures("O05", at(d(2025, 4, 15), 13, 0), [660] * 4, None)  # 5, each 11 minutes apart
    failures("O06", at(d(2025, 4, 15), 16, 0), [180] * 4, None)  # 5 over 12 minutes

    for i in range(3):
        log.op(at(d(2025, 5, 14), 11, 5 * i), "O06", terminal="T99", plant=("unregistered_terminal", "T99"))
    return log, watchlist, other_agency


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    log, watchlist, other_agency = build()
    truth = log.write(out)
    (out / "profile.toml").write_text(PROFILE, encoding="utf-8")
    for name, entries in (("watchlist.csv", watchlist), ("watchlist_c99.csv", other_agency)):
        with (out / name).open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows([("種別", "番号", "表示名"), *entries])
    (out / "terminals.txt").write_text("T01 T02 T03\n", encoding="utf-8")
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
