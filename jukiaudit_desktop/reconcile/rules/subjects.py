"""repeated_subject and watchlist_hit: who was looked up.

A lookup is an operation with a subject (the keyed hash from the log's 個人番号 / 住民票コード column);
operations without one are ignored by both kinds. Days are calendar days; a window of W days runs from a
day d to the day d + W − 1, both included.

repeated_subject — one discrepancy per subject. The subject is reported when, within some window of
`repeat_window_days` days, it was looked up
  - on at least `repeat_days` distinct days, or
  - by at least `repeat_operators` distinct operator IDs.
Its lines are every lookup of the subject in the period reconciled, in time order (ties: operation id); it
is placed at its first lookup. A subject looked up once, or several times on one day by fewer operators than
`repeat_operators`, is never reported.

watchlist_hit — one discrepancy per lookup whose subject is on the agency's or the office's watch-list;
the detail names the entry's 表示名 (never the number).
"""

from __future__ import annotations

import numpy as np

from ..columns import DAY, NONE, AgencyLists, IntArray, Operations, run_bounds, run_starts
from ..model import Discrepancy, Kind
from ..settings import ReconcileSettings


def check_subjects(ops: Operations, lists: AgencyLists, settings: ReconcileSettings) -> list[Discrepancy]:
    looked = np.flatnonzero(ops.subject != NONE)
    lookups = ops.take(looked)
    return _repeated(lookups, settings) + _watched(lookups, lists)


def _on_enough_days(subject: IntArray, day: IntArray, needed: int, window: int) -> IntArray:
    """Subjects looked up on `needed` distinct days within `window` days: with the distinct (subject, day)
    pairs sorted, a pair and the pair `needed` − 1 further on belong to one subject and are < window apart."""
    order = np.lexsort((day, subject))
    s, d = subject[order], day[order]
    distinct = run_starts(s, d)
    s, d = s[distinct], d[distinct]
    step = needed - 1
    hit = (s[step:] == s[:len(s) - step]) & (d[step:] - d[:len(d) - step] < window)
    return np.unique(s[:len(s) - step][hit])


def _by_enough_operators(subject: IntArray, day: IntArray, operator: IntArray, needed: int,
                         window: int) -> IntArray:
    """Subjects looked up by `needed` distinct operators within `window` days. From each distinct (subject,
    day, operator) as a window's first day, the following ones inside the window are visited one step at a
    time, keeping the distinct operators met so far; a start is done when it meets `needed` or leaves it."""
    if needed == 1:
        return np.unique(subject)
    pairs = np.lexsort((operator, subject))
    s, o = subject[pairs], operator[pairs]
    per_subject = run_starts(s, o)
    operators_per_subject = np.bincount(np.cumsum(run_starts(s))[per_subject] - 1)
    candidates = np.unique(s)[operators_per_subject >= needed]
    keep = np.isin(subject, candidates)
    order = np.lexsort((operator[keep], day[keep], subject[keep]))
    s, d, o = subject[keep][order], day[keep][order], operator[keep][order]
    distinct = run_starts(s, d, o)
    s, d, o = s[distinct], d[distinct], o[distinct]
    seen = np.full((len(s), needed - 1), NONE, dtype=np.int64)
    seen[:, 0] = o
    met = np.ones(len(s), dtype=np.int64)
    hit = np.zeros(len(s), dtype=np.bool_)
    active = np.arange(len(s))
    step = 1
    while len(active):
        active = active[active + step < len(s)]
        later = active + step
        inside = (s[later] == s[active]) & (d[later] - d[active] < window)
        active, later = active[inside], later[inside]
        new = ~(seen[active] == o[later][:, None]).any(axis=1)
        grown, operator_met = active[new], o[later][new]
        reached = met[grown] + 1 >= needed
        hit[grown[reached]] = True
        still = grown[~reached]
        seen[still, met[still]] = operator_met[~reached]
        met[still] += 1
        active = active[~hit[active]]
        step += 1
    return np.unique(s[hit])


def _repeated(lookups: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    if len(lookups) == 0:
        return []
    day = lookups.at // DAY
    window = settings.repeat_window_days
    by_days = _on_enough_days(lookups.subject, day, settings.repeat_days, window)
    by_operators = _by_enough_operators(lookups.subject, day, lookups.operator, settings.repeat_operators, window)
    reported = np.union1d(by_days, by_operators)
    if len(reported) == 0:
        return []
    rows = np.flatnonzero(np.isin(lookups.subject, reported))
    rows = rows[np.lexsort((lookups.id[rows], lookups.at[rows], lookups.subject[rows]))]
    subject = lookups.subject[rows]
    found = []
    for first, end in run_bounds(subject):
        group = rows[first:end]
        key = subject[first]
        tests = [text for flagged, text in ((key in by_days, f"{settings.repeat_days} 日以上"),
                                            (key in by_operators, f"{settings.repeat_operators} 人以上")) if flagged]
        days, operators = len(np.unique(lookups.at[group] // DAY)), len(np.unique(lookups.operator[group]))
        detail = {"lookups": len(group), "days": days, "operators": operators,
                  "reason": f"{window} 日以内に{'・'.join(tests)}が照会(期間中 {len(group)} 回、{days} 日、{operators} 人)"}
        found.append(Discrepancy(Kind.REPEATED_SUBJECT, tuple(lookups.id[group].tolist()), (), detail,
                                 int(lookups.at[group[0]])))
    return found


def _watched(lookups: Operations, lists: AgencyLists) -> list[Discrepancy]:
    if not lists.watched or len(lookups) == 0:
        return []
    hits = np.flatnonzero(np.isin(lookups.subject, np.fromiter(lists.watched, dtype=np.int64)))
    return [Discrepancy(Kind.WATCHLIST_HIT, (int(lookups.id[i]),), (),
                        {"label": lists.watched[int(lookups.subject[i])],
                         "reason": f"注視対象者「{lists.watched[int(lookups.subject[i])]}」への照会"},
                        int(lookups.at[i]))
            for i in hits]
