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

from ..columns import DAY, AgencyLists, IntArray, Operations, run_starts, stable_sort
from ..model import Discrepancy, Kind, SkippedCheck
from ..settings import ReconcileSettings
from .groups import per_group


def skipped_activity(lists: AgencyLists) -> list[SkippedCheck]:
    if lists.terminals is None:
        return [SkippedCheck(Kind.UNREGISTERED_TERMINAL, "この機関の端末が登録されていません")]
    return []


def check_activity(ops: Operations, lists: AgencyLists, settings: ReconcileSettings) -> list[Discrepancy]:
    """`ops` in time order (Operations.in_time_order)."""
    found = _spikes(ops, settings) + _bursts(ops, settings)
    if lists.terminals is not None:
        found += _unregistered_terminals(ops, lists.terminals)
    return found


def _grouped(rows: IntArray, key: IntArray) -> tuple[IntArray, IntArray]:
    """`rows` (positions in time order) grouped by `key` (values ≥ 0, one per row), each group in time order;
    and where each group starts."""
    order, values = stable_sort(key)
    return rows[order], np.flatnonzero(run_starts(values))


def _spikes(ops: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    if len(ops) == 0:
        return []
    day = ops.at // DAY
    first_day = int(day.min())
    days = int(day.max()) - first_day + 1
    cell = (ops.operator + 1) * days + (day - first_day)  # operator and day as one number, by operator then day
    ordered = np.sort(cell)
    first = np.flatnonzero(run_starts(ordered))
    cells, count = ordered[first], np.diff(np.append(first, len(cell)))  # an operator's active days, in order
    cell_operator = cells // days
    # Counts sorted within each operator (the cells are in operator order already), then the middle ones.
    ranked = count[np.lexsort((count, cell_operator))]
    start = np.flatnonzero(run_starts(cell_operator))
    size = np.diff(np.append(start, len(cells)))
    median = np.repeat((ranked[start + (size - 1) // 2] + ranked[start + size // 2]) / 2, size)
    spike = (count >= settings.spike_factor * median) & (count >= settings.spike_minimum)
    if not spike.any():
        return []
    spiked = cells[spike]
    rows = np.flatnonzero(np.isin(cell, spiked, kind="table"))  # a flag per cell number: one pass
    rows, starts = _grouped(rows, np.searchsorted(spiked, cell[rows]))
    details = [{"operations": n, "median": middle,
                "reason": f"1 日 {n} 件(この操作者の中央値 {middle:g} 件の {n / middle:.1f} 倍)"}
               for n, middle in zip(count[spike].tolist(), median[spike].tolist(), strict=True)]
    return per_group(Kind.VOLUME_SPIKE, ops, rows, starts, details)


def _bursts(ops: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    failed = np.flatnonzero(ops.failed)
    gap, needed = settings.burst_minutes * 60, settings.burst_failures
    if len(failed) < needed:
        return []
    rows, _ = _grouped(failed, ops.operator[failed] + 1)
    operator, at = ops.operator[rows], ops.at[rows]
    chain = np.cumsum(run_starts(operator) | np.append(True, np.diff(at) > gap)) - 1
    step = needed - 1
    dense = (chain[step:] == chain[:len(chain) - step]) & (at[step:] - at[:len(at) - step] <= gap)
    burst = np.zeros(int(chain[-1]) + 1, dtype=np.bool_)
    burst[chain[:len(chain) - step][dense]] = True
    picked = burst[chain]
    rows, chain = rows[picked], chain[picked]
    starts = np.flatnonzero(run_starts(chain))
    failures = np.diff(np.append(starts, len(rows))).tolist()
    details = [{"failures": n,
                "reason": f"{settings.burst_minutes} 分以内に {needed} 回以上の照会失敗(連続 {n} 回)"}
               for n in failures]
    return per_group(Kind.FAILED_SEARCH_BURST, ops, rows, starts, details)


def _unregistered_terminals(ops: Operations, terminals: list[int]) -> list[Discrepancy]:
    outside = np.flatnonzero(~np.isin(ops.terminal, np.array(terminals, dtype=np.int64)))
    rows, starts = _grouped(outside, ops.terminal[outside] + 1)
    operations = np.diff(np.append(starts, len(rows))).tolist()
    details = [{"operations": n, "reason": f"この機関に登録されていない端末です(操作 {n} 件)"} for n in operations]
    return per_group(Kind.UNREGISTERED_TERMINAL, ops, rows, starts, details)
