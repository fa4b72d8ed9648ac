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

from ..columns import DAY, NONE, AgencyLists, BoolArray, IntArray, Operations, run_bounds, run_starts
from ..model import Discrepancy, Kind
from ..settings import ReconcileSettings


def check_subjects(ops: Operations, lists: AgencyLists, settings: ReconcileSettings) -> list[Discrepancy]:
    looked = ops.subject != NONE
    lookups = ops if looked.all() else ops.take(looked)
    return _repeated(lookups, settings) + _watched(lookups, lists)


def _steps_within(subject: IntArray, day: IntArray, step: int, window: int) -> BoolArray:
    """On rows sorted by subject then day: True at row i when row i + step is the same subject and less than
    `window` days later."""
    hit = np.zeros(len(subject), dtype=np.bool_)
    if step == 0:
        hit[:] = True
    elif step < len(subject):
        hit[:-step] = (subject[step:] == subject[:-step]) & (day[step:] - day[:-step] < window)
    return hit


def _operators_within(subject: IntArray, day: IntArray, operator: IntArray, needed: int, window: int) -> BoolArray:
    """On distinct (subject, day, operator) rows in that order: True at the first row of a window in which
    the subject met `needed` distinct operators. From each row the following ones inside its window are
    visited one step at a time, keeping the distinct operators met so far; a start is done when it meets
    `needed` or leaves its window. Only starts with `needed` rows inside their window are visited at all."""
    hit = np.zeros(len(subject), dtype=np.bool_)
    if needed == 1:
        hit[:] = True
        return hit
    starts = np.flatnonzero(_steps_within(subject, day, needed - 1, window))
    seen = np.full((len(starts), needed - 1), NONE, dtype=np.int64)  # per start: the operators met so far
    seen[:, 0] = operator[starts]
    met = np.ones(len(starts), dtype=np.int64)
    reached = np.zeros(len(starts), dtype=np.bool_)
    live = np.arange(len(starts))  # positions in `starts` still visiting
    step = 1
    while len(live):
        live = live[starts[live] + step < len(subject)]
        first = starts[live]
        later = first + step
        inside = (subject[later] == subject[first]) & (day[later] - day[first] < window)
        live, later = live[inside], later[inside]
        new = ~(seen[live] == operator[later][:, None]).any(axis=1)
        grown, operator_met = live[new], operator[later][new]
        enough = met[grown] + 1 >= needed
        reached[grown[enough]] = True
        still = grown[~enough]
        seen[still, met[still]] = operator_met[~enough]
        met[still] += 1
        live = live[~reached[live]]
        step += 1
    hit[starts[reached]] = True
    return hit


def _per_group(group: IntArray, flags: BoolArray, groups: int) -> IntArray:
    """Per group: how many of its rows are flagged."""
    counts: IntArray = np.bincount(group[flags], minlength=groups)
    return counts


def _repeated(lookups: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    """One sort by (subject, day, operator) serves both tests; the reported subjects' rows are then put in
    time order."""
    if len(lookups) == 0:
        return []
    window = settings.repeat_window_days
    day = lookups.at // DAY
    day_and_operator = day * (int(lookups.operator.max()) + 2) + lookups.operator + 1  # one key sorts faster
    order = np.lexsort((day_and_operator, lookups.subject))
    s, d, o = lookups.subject[order], day[order], lookups.operator[order]
    group = np.cumsum(run_starts(s)) - 1
    groups = int(group[-1]) + 1
    distinct_days = run_starts(s, d)
    by_days = _per_group(group[distinct_days],
                         _steps_within(s[distinct_days], d[distinct_days], settings.repeat_days - 1, window), groups)
    triples = np.flatnonzero(run_starts(s, d, o))
    by_operators = _per_group(group[triples], _operators_within(s[triples], d[triples], o[triples],
                                                                settings.repeat_operators, window), groups)
    reported = (by_days > 0) | (by_operators > 0)
    if not reported.any():
        return []
    picked = reported[group]
    rows, row_group = order[picked], group[picked]
    rows_in_time = np.lexsort((lookups.id[rows], lookups.at[rows], row_group))
    rows, row_group = rows[rows_in_time], row_group[rows_in_time]
    days = _per_group(group, distinct_days & picked, groups)
    pairs = np.lexsort((o[picked], group[picked]))
    operators = _per_group(group[picked][pairs], run_starts(group[picked][pairs], o[picked][pairs]), groups)
    ids, times = lookups.id[rows].tolist(), lookups.at[rows].tolist()
    tests_text = {(True, False): f"{settings.repeat_days} 日以上", (False, True): f"{settings.repeat_operators} 人以上",
                  (True, True): f"{settings.repeat_days} 日以上・{settings.repeat_operators} 人以上"}
    found = []
    for first, end in run_bounds(row_group):
        g = int(row_group[first])
        n, n_days, n_operators = end - first, int(days[g]), int(operators[g])
        tests = tests_text[(bool(by_days[g]), bool(by_operators[g]))]
        detail = {"lookups": n, "days": n_days, "operators": n_operators,
                  "reason": f"{window} 日以内に{tests}が照会(期間中 {n} 回、{n_days} 日、{n_operators} 人)"}
        found.append(Discrepancy(Kind.REPEATED_SUBJECT, tuple(ids[first:end]), (), detail, times[first]))
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
