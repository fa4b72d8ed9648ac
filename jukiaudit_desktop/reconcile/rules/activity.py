"""volume_spike, failed_search_burst and unregistered_terminal: how an operator or a terminal was used.

volume_spike — one discrepancy per operator and day. An operator's active days are the days of the period
with at least one operation of theirs; their median is the median of the operation counts of those days
(the mean of the two middle ones for an even number). A day is reported when its count is at least
`spike_factor` × the median and at least `spike_minimum`. Its lines are every operation of that operator
that day, in time order (ties: operation id).

failed_search_burst — one discrepancy per burst. A failure is an operation whose 処理結果 is not a success
value of its log's profile. An operator's failures, in time order, form a chain while each follows the
previous one by at most `burst_minutes` (a chain ends after more than `burst_minutes` without a failure).
A chain is a burst when `burst_failures` of its failures fall within `burst_minutes` (first to last, ends
included). Its lines are every failure of the chain.

unregistered_terminal — one discrepancy per terminal ID that is not registered to the agency, with every
operation on it. Only when the agency has terminals registered; else the check is reported as skipped.
"""

from __future__ import annotations

import numpy as np

from ..columns import DAY, AgencyLists, Operations, run_bounds, run_starts
from ..model import Discrepancy, Kind, SkippedCheck
from ..settings import ReconcileSettings


def skipped_activity(lists: AgencyLists) -> list[SkippedCheck]:
    if lists.terminals is None:
        return [SkippedCheck(Kind.UNREGISTERED_TERMINAL, "この機関の端末が登録されていません")]
    return []


def check_activity(ops: Operations, lists: AgencyLists, settings: ReconcileSettings) -> list[Discrepancy]:
    found = _spikes(ops, settings) + _bursts(ops, settings)
    if lists.terminals is not None:
        found += _unregistered_terminals(ops, lists.terminals)
    return found


def _spikes(ops: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    if len(ops) == 0:
        return []
    order = np.lexsort((ops.id, ops.at, ops.operator))
    operator, day = ops.operator[order], ops.at[order] // DAY
    first = np.flatnonzero(run_starts(operator, day))
    count = np.diff(np.append(first, len(order)))
    group_operator = operator[first]
    # Counts sorted within each operator (the groups are in operator order already), then the middle ones.
    ranked = count[np.lexsort((count, group_operator))]
    start = np.flatnonzero(run_starts(group_operator))
    size = np.diff(np.append(start, len(first)))
    median = (ranked[start + (size - 1) // 2] + ranked[start + size // 2]) / 2
    median_of_group = np.repeat(median, size)
    spike = (count >= settings.spike_factor * median_of_group) & (count >= settings.spike_minimum)
    found = []
    for g in np.flatnonzero(spike).tolist():
        rows = order[first[g]:first[g] + count[g]]
        middle = float(median_of_group[g])
        detail = {"operations": int(count[g]), "median": middle,
                  "reason": f"1 日 {int(count[g])} 件(この操作者の中央値 {middle:g} 件の {count[g] / middle:.1f} 倍)"}
        found.append(Discrepancy(Kind.VOLUME_SPIKE, tuple(ops.id[rows].tolist()), (), detail, int(ops.at[rows[0]])))
    return found


def _bursts(ops: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    failed = np.flatnonzero(ops.failed)
    if len(failed) == 0:
        return []
    order = failed[np.lexsort((ops.id[failed], ops.at[failed], ops.operator[failed]))]
    operator, at = ops.operator[order], ops.at[order]
    gap, needed = settings.burst_minutes * 60, settings.burst_failures
    chain = np.cumsum(run_starts(operator) | np.append(True, np.diff(at) > gap)) - 1
    step = needed - 1
    dense = (chain[step:] == chain[:len(chain) - step]) & (at[step:] - at[:len(at) - step] <= gap)
    bursts = set(chain[:len(chain) - step][dense].tolist())
    found = []
    for first, end in run_bounds(chain):
        if int(chain[first]) in bursts:
            rows = order[first:end]
            detail = {"failures": len(rows),
                      "reason": f"{settings.burst_minutes} 分以内に {needed} 回以上の照会失敗(連続 {len(rows)} 回)"}
            found.append(Discrepancy(Kind.FAILED_SEARCH_BURST, tuple(ops.id[rows].tolist()), (), detail,
                                     int(ops.at[rows[0]])))
    return found


def _unregistered_terminals(ops: Operations, terminals: list[int]) -> list[Discrepancy]:
    outside = np.flatnonzero(~np.isin(ops.terminal, np.array(terminals, dtype=np.int64)))
    order = outside[np.lexsort((ops.id[outside], ops.at[outside], ops.terminal[outside]))]
    found = []
    for first, end in run_bounds(ops.terminal[order]):
        rows = order[first:end]
        detail = {"operations": len(rows), "reason": f"この機関に登録されていない端末です(操作 {len(rows)} 件)"}
        found.append(Discrepancy(Kind.UNREGISTERED_TERMINAL, tuple(ops.id[rows].tolist()), (), detail,
                                 int(ops.at[rows[0]])))
    return found
