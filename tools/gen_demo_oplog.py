"""Write the demo operation log and 業務端末使用管理簿 of the sample agency, C09 長野地域振興局 (resources/demo).

What a 地域振興局 uses 住基ネット for, per the council's 資料1, is 旅券 (旅券法: 国際交流課 各地域振興局, 33,831
uses in R6). The volume is in proportion: the 長野 region holds about a quarter of the prefecture's people, so
about 8,800 旅券 lookups a year, 4,400 over the six months written here (2025-04-01 … 2025-09-30), on the
business days only, in sessions of the 旅券窓口 terminal (T003) and of the two terminals of 総務管理課.

Planted, each kind at least once (the test reconciles the files and compares with tests/data/council/):
unregistered_operation (lunch-time and evening lookups no entry covers), unused_register_entry, operator_mismatch,
purpose_mismatch (an entry written with the wrong code; two 不動産鑑定評価法 lookups in a 旅券 session),
count_mismatch, off_hours (a Saturday session, a session after 17:30, the evening strays), unauthorized_jimu
(the 不動産鑑定評価法 lookups; a session of 中国残留邦人 — neither is a 地域振興局's 事務), unknown_operator
(the ID revoked on 2025-04-01, used in May) and concurrent_session (one ID on two terminals at once).

Run from the worktree root: python tools/gen_demo_oplog.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import holidays

OUT = Path(__file__).resolve().parents[1] / "resources" / "demo"
PASSPORT = "別表5-4"               # 旅券法
WRONG_CODE = "別表5-8"             # 旅行業法: written in the register by mistake
NOT_A_REGIONS_JIMU = ("別表5-10", "別表5-25")  # 不動産鑑定評価法, 中国残留邦人等自立支援法
OPERATORS = [f"K1000{n}" for n in range(8)]
REVOKED = "K10008"                 # revoked on 2025-04-01 (master_seed.json)
LATE_STARTERS = {"K10005", "K10006", "K10007"}  # registered 2025-04-01: fine from the first day
TERMINALS = {"T003": 3, "T001": 1, "T002": 1}   # sessions per business day (旅券窓口 busiest)
LOOKUPS_PER_DAY = 36                             # ≈ 8,800 a year over ~243 business days
KINDS = ["本人確認情報照会", "4情報検索", "住民票コード検索"]


def business_days() -> list[dt.date]:
    jp = holidays.country_holidays("JP", years=2025)
    day, days = dt.date(2025, 4, 1), []
    while day <= dt.date(2025, 9, 30):
        if day.weekday() < 5 and day not in jp:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class Writer:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.sessions: list[list] = []   # [start, end, terminal, operator, code, count]
        self.ops: list[tuple] = []       # (when, terminal, operator, kind, code, count)
        self.busy: dict[tuple[str, dt.date], list[tuple[dt.datetime, dt.datetime]]] = {}

    def free(self, operator: str, start: dt.datetime, end: dt.datetime) -> bool:
        margin = dt.timedelta(minutes=20)
        return all(e < start - margin or s > end + margin for s, e in self.busy.get((operator, start.date()), []))

    def session(self, start: dt.datetime, minutes: int, terminal: str, operator: str, code: str = PASSPORT,
                lookups: int = 0, op_code: str | None = None, count_offset: int = 0) -> list:
        end = start + dt.timedelta(minutes=minutes)
        self.busy.setdefault((operator, start.date()), []).append((start, end))
        total = 0
        for _ in range(lookups):
            when = start + dt.timedelta(seconds=120 + self.rnd.randint(0, minutes * 60 - 240))
            count = 1 if self.rnd.random() < 0.97 else 2
            self.ops.append((when, terminal, operator, self.rnd.choice(KINDS), op_code or code, count))
            total += count
        entry = [start, end, terminal, operator, code, total + count_offset]
        self.sessions.append(entry)
        return entry

    def op_in(self, entry: list, operator: str, code: str, minute: int) -> None:
        when = entry[0] + dt.timedelta(minutes=minute, seconds=self.rnd.randint(0, 50))
        self.ops.append((when, entry[2], operator, "本人確認情報照会", code, 1))
        entry[5] += 1

    def stray(self, when: dt.datetime, terminal: str, operator: str) -> None:
        self.busy.setdefault((operator, when.date()), []).append((when, when))
        self.ops.append((when, terminal, operator, "本人確認情報照会", PASSPORT, 1))


def main() -> None:
    rnd = random.Random(16)
    w = Writer(rnd)
    days = business_days()
    for day in days:
        per_session = LOOKUPS_PER_DAY // sum(TERMINALS.values())
        for terminal, sessions in TERMINALS.items():
            for slot in sorted(rnd.sample(range(10), sessions)):
                start = dt.datetime.combine(day, dt.time(8, 40)) + dt.timedelta(minutes=45 * slot)
                if dt.time(11, 40) <= start.time() <= dt.time(12, 40):
                    start += dt.timedelta(minutes=90)  # the lunch hour is kept free for the strays below
                minutes = rnd.randint(20, 35)
                end = start + dt.timedelta(minutes=minutes)
                idle = [o for o in OPERATORS if w.free(o, start, end)]
                if idle:
                    w.session(start, minutes, terminal, rnd.choice(idle),
                              lookups=max(1, int(rnd.gauss(per_session, 3))))
    plant(w, rnd, days)
    write(w)


def plant(w: Writer, rnd: random.Random, days: list[dt.date]) -> None:
    normal = [s for s in w.sessions if s[5] > 3]
    # unused_register_entry: written, never used
    for day in (days[10], days[70]):
        w.session(dt.datetime.combine(day, dt.time(16, 50)), 15, "T001", "K10001")
    # count_mismatch: the written count differs from the lookups made
    for entry in rnd.sample(normal, 3):
        entry[5] += rnd.choice([-2, -1, 3])
    # operator_mismatch: another (idle) operator uses a terminal inside someone else's entry
    for entry in rnd.sample(normal, 4):
        other = next(o for o in OPERATORS if o != entry[3] and w.free(o, entry[0], entry[1]))
        w.busy.setdefault((other, entry[0].date()), []).append((entry[0], entry[1]))
        w.op_in(entry, other, PASSPORT, 6)
    # purpose_mismatch + unauthorized_jimu: 不動産鑑定評価法 lookups inside 旅券 sessions
    for entry in rnd.sample(normal, 2):
        w.op_in(entry, entry[3], NOT_A_REGIONS_JIMU[0], 8)
    # purpose_mismatch alone: an entry written with the wrong code (its lookups are 旅券)
    w.session(dt.datetime.combine(days[40], dt.time(16, 45)), 20, "T002", "K10002", code=WRONG_CODE, lookups=3,
              op_code=PASSPORT)
    # unauthorized_jimu alone: a session of a 事務 no 地域振興局 may use, registered as such
    w.session(dt.datetime.combine(days[55], dt.time(16, 45)), 20, "T001", "K10004", code=NOT_A_REGIONS_JIMU[1],
              lookups=2)
    # unknown_operator: the revoked ID, with its own register entry
    w.session(dt.datetime.combine(days[30], dt.time(16, 45)), 20, "T002", REVOKED, lookups=3)
    # off_hours with entries: a Saturday session and one after 17:30
    w.session(dt.datetime(2025, 6, 14, 10, 0), 25, "T003", "K10000", lookups=4)
    w.session(dt.datetime.combine(days[90], dt.time(17, 40)), 20, "T003", "K10003", lookups=2)
    # concurrent_session: K10006 works T001 while its T003 session runs
    day = days[100]
    first = w.session(dt.datetime.combine(day, dt.time(12, 10)), 30, "T003", "K10006")
    for minute in (3, 10, 17, 25):
        w.op_in(first, "K10006", PASSPORT, minute)
    second = w.session(dt.datetime.combine(day, dt.time(12, 20)), 10, "T001", "K10006")
    w.op_in(second, "K10006", PASSPORT, 4)  # 12:24, inside the T003 use 12:13–12:35
    # unregistered_operation: lunch-time lookups on a free terminal, and evening ones (also off_hours)
    for i, day in enumerate(rnd.sample(days[:-1], 8)):
        evening = i >= 6
        when = dt.datetime.combine(day, dt.time(19, 45) if evening else dt.time(12, 5))
        when += dt.timedelta(seconds=rnd.randint(0, 1200))
        terminal = "T002" if evening else "T001"
        clear = all(s[2] != terminal or s[0].date() != day or abs((s[0] - when).total_seconds()) > 3600
                    and abs((s[1] - when).total_seconds()) > 3600 for s in w.sessions)
        operator = next((o for o in OPERATORS if w.free(o, when, when)), None)
        if clear and operator is not None:
            w.stray(when, terminal, operator)


def write(w: Writer) -> None:
    ops = sorted(w.ops, key=lambda o: (o[0], o[1]))
    with (OUT / "oplog_sample_cp932.csv").open("w", encoding="cp932", newline="") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow(["操作日時", "端末ID", "操作者ID", "処理区分", "利用事務コード", "照会件数", "処理結果"])
        for when, terminal, operator, kind, code, count in ops:
            out.writerow([when.strftime("%Y/%m/%d %H:%M:%S"), terminal, operator, kind, code, count, "正常"])
    with (OUT / "register_sample_cp932.csv").open("w", encoding="cp932", newline="") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow(["使用日", "開始時刻", "終了時刻", "端末ID", "使用者ID", "利用事務コード", "照会件数"])
        for start, end, terminal, operator, code, count in sorted(w.sessions, key=lambda s: (s[0], s[2])):
            out.writerow([start.strftime("%Y/%m/%d"), start.strftime("%H:%M"), end.strftime("%H:%M"), terminal,
                          operator, code, count])
    print(f"{len(ops)} operations, {sum(o[5] for o in ops)} lookups, {len(w.sessions)} register entries")


if __name__ == "__main__":
    main()
