"""Demo step 「監査計画(第6期の履歴)」: periods 第6期 and 第7期, and the 第6期 audits of R5 and R6 as history.

The seed records only R7 (10 internal, 2 external: the audits step adds those) and the R8 plan. The R5 and R6
audits are reconstructed so that every agency is audited once in 第6期:
- R5: the eleven agencies the seed plans for R8 — a 3-year rotation puts an agency audited in R5 first in 第7期 —
  and one of the four agencies the seed counts but does not name (master_seed.json): with 38 事務利用機関 the
  even rotation puts 12 in R8, one more than the seed's 11, and that one is unnamed rather than a named agency;
- R6: every other agency using 住基ネット before R8 that the seed's R7 list (audits_demo) does not name.
Which two agencies each year were audited externally is not in the seed: a plausible pair (a 本庁課 and a
地域振興局, as in R7 and R8) is chosen, different from the pair the seed plans for R8.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from ..core.planning import AuditKind, Period
from ..storage import planning_repo, trail
from ..storage.database import Database
from .audits_demo import EXTERNAL as R7_EXTERNAL
from .audits_demo import INTERNAL as R7_INTERNAL

PERIODS = (Period("第6期", 2023, 2025), Period("第7期", 2026, 2028))

R5_AUDITED = (  # seed （令和8年度監査計画）, the 9 internal and 2 external agencies other than the new ones
    "消防課", "広報・共創推進課", "職員総務課", "児童相談・養育支援室", "地域福祉課", "建築住宅課", "公営住宅室",
    "諏訪地域振興局", "木曾地域振興局", "観光誘客課", "南信州地域振興局",
)
R5_UNNAMED = ("事務利用機関(名称未掲載)A",)  # counted in the seed's 40 agencies, not named there
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
        year = 2023 if agency.name in R5_AUDITED + R5_UNNAMED else 2024
        kind = AuditKind.EXTERNAL if agency.name in EXTERNAL_BY_YEAR[year] else AuditKind.INTERNAL
        planning_repo.insert_history_audit(db, agency.id, year, kind)
        history[year] += 1
    trail.record(db, "plan.demo", periods=[p.name for p in PERIODS], history={str(y): n for y, n in history.items()})
