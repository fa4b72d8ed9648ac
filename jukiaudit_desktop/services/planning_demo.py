"""Demo step 「監査計画」: periods 第6期 and 第7期, the 第6期 audits of R5 and R6 as history, and the council's
R8 plan as the saved plan of 2026.

The seed records only R7 (10 internal, 2 external: the audits step adds those) and the R8 plan. The R5 and R6
audits are reconstructed so that every agency is audited once in 第6期:
- R5: the eleven agencies the seed plans for R8 — a 3-year rotation puts an agency audited in R5 first in 第7期;
- R6: every other agency using 住基ネット before R8 that the seed's R7 list (audits_demo) does not name,
  the placeholders (仮) included.
Which two agencies each year were audited externally is not in the seed: a plausible pair (a 本庁課 and a
地域振興局, as in R7 and R8) is chosen, different from the pair the seed plans for R8.

The R8 plan is the council's (資料2 （令和8年度監査計画）): 9 named agencies internally, the 3 新規事務利用機関
(資料4: 企業局 水道事業課, 介護支援課, 河川課) internally in their first year, 2 named agencies externally — all
pinned, saved with the one setting the council's table implies (9 internal audits in R8 besides the new ones).
R9 and R10 are left to plan.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from ..core.planning import AuditKind, Period, PlanEntry, PlanSettings
from ..storage import planning_repo, trail
from ..storage.database import Database
from .audits_demo import EXTERNAL as R7_EXTERNAL
from .audits_demo import INTERNAL as R7_INTERNAL

PERIODS = (Period("第6期", 2023, 2025), Period("第7期", 2026, 2028))

R8_YEAR = 2026
R8_INTERNAL = ("消防課", "広報・共創推進課", "職員総務課", "児童相談・養育支援室", "地域福祉課", "建築住宅課",
               "公営住宅室", "諏訪地域振興局", "木曾地域振興局")  # seed （令和8年度監査計画） 内部監査 (9機関)
R8_EXTERNAL = ("観光誘客課", "南信州地域振興局")                     # 外部監査 (2機関)
R8_SOURCE = "審議会資料2(令和8年1月21日)令和8年度監査計画"
R5_AUDITED = R8_INTERNAL + R8_EXTERNAL
EXTERNAL_BY_YEAR = {2023: ("地域福祉課", "諏訪地域振興局"), 2024: ("障がい者支援課", "上田地域振興局")}


def load(db: Database) -> None:
    """Insert the periods and the R5/R6 history. Runs inside the demo loader's transaction."""
    for period in PERIODS:
        planning_repo.insert_period(db, period)
    sixth = PERIODS[0]
    already = {r.agency_id for r in planning_repo.recorded_audits(db) if sixth.contains(r.fiscal_year)}
    candidates = [a for a in planning_repo.plan_agencies(db, date(sixth.first_year, 4, 1))
                  if a.audited_in(sixth) and (a.first_use_year or 0) < sixth.first_year and a.id not in already]
    history: Counter[int] = Counter()
    for agency in candidates:
        if agency.name in R7_INTERNAL + R7_EXTERNAL:
            continue
        year = 2023 if agency.name in R5_AUDITED else 2024
        kind = AuditKind.EXTERNAL if agency.name in EXTERNAL_BY_YEAR[year] else AuditKind.INTERNAL
        planning_repo.insert_history_audit(db, agency.id, year, kind)
        history[year] += 1
    entries = _council_r8_plan(db)
    planning_repo.replace_plan_entries(db, R8_YEAR, R8_YEAR, entries)
    planning_repo.save_plan_year(db, R8_YEAR, PlanSettings(internal_counts=((R8_YEAR, len(R8_INTERNAL)),)),
                                 datetime.now().astimezone().isoformat(timespec="seconds"))
    trail.record(db, "plan.demo", periods=[p.name for p in PERIODS], history={str(y): n for y, n in history.items()},
                 r8_plan=len(entries))


def _council_r8_plan(db: Database) -> list[PlanEntry]:
    agencies = planning_repo.plan_agencies(db, date(R8_YEAR, 4, 1))
    named = {a.name: a.id for a in agencies if a.first_use_year is None}
    new = [a.id for a in agencies if a.first_use_year == R8_YEAR]
    return ([PlanEntry(named[n], R8_YEAR, AuditKind.INTERNAL, True, R8_SOURCE) for n in R8_INTERNAL]
            + [PlanEntry(a, R8_YEAR, AuditKind.INTERNAL, True, f"{R8_SOURCE}(新規事務利用機関)") for a in new]
            + [PlanEntry(named[n], R8_YEAR, AuditKind.EXTERNAL, True, R8_SOURCE) for n in R8_EXTERNAL])
