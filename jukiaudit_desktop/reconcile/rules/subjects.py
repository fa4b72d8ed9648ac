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

from ..columns import DAY, NONE, SUBJECT_DIGITS, AgencyLists, BoolArray, IntArray, Operations, run_starts
from ..model import Discrepancy, Kind
from ..settings import ReconcileSettings
from .groups import per_group


def check_subjects(ops: Operations, lists: AgencyLists, settings: ReconcileSettings) -> list[Discrepancy]:
    """`ops` in time order (Operations.in_time_order). The lookups are grouped by subject once, for both
    kinds: `rows` (positions in `lookups`) subject after subject, each subject's in time order, and `group`
    the subject of each as 0, 1, … in the order of the subject numbers."""
    looked = ops.subject != NONE
    lookups = ops if looked.all() else ops.take(looked)
    if len(lookups) == 0:
        return []
    rows, value = _by_subject(lookups.subject)
    starts = run_starts(value)
    group = np.cumsum(starts) - 1
    return _repeated(lookups, rows, group, settings) + _watched(lookups, value[starts], rows, group, lists)


def _by_subject(subject: IntArray) -> tuple[IntArray, IntArray]:
    """Positions ordered by subject number, each subject's in position order; and their subject numbers.

    One plain sort does it, of the subject's leading bits and the position packed into one number (numpy
    sorts integers several times faster than it argsorts them). Subjects with the same leading bits (rare
    for 60-bit hashes) then lie interleaved in one run of equal leading bits: only such runs are sorted again,
    by subject and position. Subject numbers are ≥ 0 and below 2^60 (columns.SUBJECT_DIGITS)."""
    position_bits = max(len(subject) - 1, 1).bit_length()
    shift = max(4 * SUBJECT_DIGITS - (63 - position_bits), 0)
    packed = np.sort(((subject >> shift) << position_bits) | np.arange(len(subject)))
    rows, lead = packed & ((1 << position_bits) - 1), packed >> position_bits
    value = subject[rows]
    same_lead = lead[1:] == lead[:-1]
    mixed = same_lead & (value[1:] != value[:-1])
    if mixed.any():
        run = np.cumsum(np.append(True, ~same_lead))
        again = np.flatnonzero(np.isin(run, run[1:][mixed]))  # whole runs, in lead order: they keep their places
        resorted = again[np.lexsort((rows[again], value[again]))]
        rows[again], value[again] = rows[resorted], value[resorted]
    return rows, value


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
    """On (subject, day, operator) rows sorted by subject then day: True at the first row of a window in which
    the subject met `needed` distinct operators. From each row the following ones inside its window are
    visited one step at a time, keeping the distinct operators met so far; a start is done when it meets
    `needed` or leaves its window. Only starts with `needed` rows inside their window are visited at all, so
    the fewer repeated rows (same subject, day and operator) the fewer visits."""
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


def _repeated(lookups: Operations, rows: IntArray, group: IntArray,
              settings: ReconcileSettings) -> list[Discrepancy]:
    window = settings.repeat_window_days
    day, operator = lookups.at[rows] // DAY, lookups.operator[rows]
    groups = int(group[-1]) + 1
    new_day = run_starts(group, day)
    by_days = np.bincount(group[new_day][_steps_within(group[new_day], day[new_day], settings.repeat_days - 1,
                                                       window)], minlength=groups) > 0
    # Rows repeating the previous row's subject, day and operator add nothing to the operators' test.
    new = run_starts(group, day, operator)
    by_operators = np.bincount(group[new][_operators_within(group[new], day[new], operator[new],
                                                            settings.repeat_operators, window)],
                               minlength=groups) > 0
    reported = by_days | by_operators
    if not reported.any():
        return []
    picked = reported[group]
    rows, row_group = rows[picked], group[picked]
    starts = np.flatnonzero(run_starts(row_group))
    lookups_of = np.diff(np.append(starts, len(rows)))
    reported_groups = row_group[starts]
    days_of = np.bincount(group[new_day & picked], minlength=groups)[reported_groups]
    width = int(operator.max()) + 2
    pairs = np.sort(row_group * width + operator[picked] + 1)  # (subject, operator)
    operators_of = np.bincount(pairs[run_starts(pairs)] // width, minlength=groups)[reported_groups]
    met = (by_days[reported_groups] + 2 * by_operators[reported_groups]).tolist()  # 1: days, 2: operators, 3: both
    days, operators = f"{settings.repeat_days} 日以上", f"{settings.repeat_operators} 人以上"
    tests = ["", days, operators, f"{days}・{operators}"]
    details = [{"lookups": n, "days": n_days, "operators": n_operators,
                "reason": f"{window} 日以内に{tests[m]}が照会(期間中 {n} 回、{n_days} 日、{n_operators} 人)"}
               for n, n_days, n_operators, m in zip(lookups_of.tolist(), days_of.tolist(), operators_of.tolist(), met,
                                                    strict=True)]
    return per_group(Kind.REPEATED_SUBJECT, lookups, rows, starts, details)


def _watched(lookups: Operations, subjects: IntArray, rows: IntArray, group: IntArray,
             lists: AgencyLists) -> list[Discrepancy]:
    if not lists.watched:
        return []
    listed = np.isin(subjects, np.fromiter(lists.watched, dtype=np.int64))
    hits = np.sort(rows[listed[group]])  # in time order
    labels = [lists.watched[subject] for subject in lookups.subject[hits].tolist()]
    details = [{"label": label, "reason": f"注視対象者「{label}」への照会"} for label in labels]
    return per_group(Kind.WATCHLIST_HIT, lookups, hits, np.arange(len(hits)), details)
