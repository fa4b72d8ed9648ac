"""Which register entry each operation belongs to (the attribution rule), vectorised with numpy.

An operation belongs to an entry on the same terminal whose window [start, end] (end minute inclusive),
widened by the tolerance on each side, contains the operation time. When several widened windows contain
it (overlapping or adjacent entries), the first of these wins, in order:
  1. the entry whose own (unwidened) window contains it, else the one whose window is nearest in time;
  2. the entry of the operation's own operator;
  3. the entry that starts earliest;
  4. the entry with the lowest id (the earlier line of the register).
"""

from __future__ import annotations

import numpy as np

from .columns import BoolArray, IntArray, Operations, RegisterEntries, grouped_order

_SPAN = np.int64(1) << 40  # separates terminals in a combined (terminal, time) key; > any time range


def attribute(ops: Operations, entries: RegisterEntries, tolerance_seconds: int) -> IntArray:
    """Index into `entries` of the entry each operation belongs to, or -1 for none. `ops` in time order
    (Operations.in_time_order): they are searched by terminal and time, which keeps the search's memory reads
    close together (at 10^7 operations, a search in the operations' own order costs three times as much)."""
    found = np.full(len(ops), -1, dtype=np.int64)
    if len(ops) == 0 or len(entries) == 0:
        return found
    rows = grouped_order(ops.terminal)  # by terminal, then time
    at, terminal, operator = ops.at[rows], ops.terminal[rows], ops.operator[rows]
    widened_start = entries.start - tolerance_seconds
    widened_end = entries.end + tolerance_seconds
    order = np.lexsort((entries.id, widened_start, entries.terminal))
    base = min(int(at.min()), int(widened_start.min()))
    start_key = entries.terminal[order] * _SPAN + (widened_start[order] - base)
    # Longest reach of any window up to here: no earlier entry can contain a time past it.
    reach = np.maximum.accumulate(entries.terminal[order] * _SPAN + (widened_end[order] - base))
    op_key = terminal * _SPAN + (at - base)

    position = np.searchsorted(start_key, op_key, side="right") - 1
    # First round, over whole columns (every operation takes part): the latest-starting window before each
    # operation, taken when it holds the operation.
    reaching = (position >= 0) & (reach[np.maximum(position, 0)] >= op_key)
    candidate = order[np.maximum(position, 0)]
    fits = reaching & (entries.terminal[candidate] == terminal) & (widened_end[candidate] >= at)
    best = np.where(fits, candidate, -1)
    # Later rounds: earlier windows that still reach the operation, each weighed against the choice so far.
    active = np.flatnonzero(reaching & (position >= 1))
    position[active] -= 1
    active = active[reach[position[active]] >= op_key[active]]
    while len(active):
        candidate = order[position[active]]
        fits = (entries.terminal[candidate] == terminal[active]) & (widened_end[candidate] >= at[active])
        fitting, candidate = active[fits], candidate[fits]
        better = _better(candidate, best[fitting], at[fitting], operator[fitting], entries)
        best[fitting[better]] = candidate[better]
        position[active] -= 1
        active = active[position[active] >= 0]
        active = active[reach[position[active]] >= op_key[active]]
    found[rows] = best
    return found


def _better(candidate: IntArray, current: IntArray, at: IntArray, operator: IntArray,
            entries: RegisterEntries) -> BoolArray:
    """True where the candidate entry beats the current one (-1: none yet) for operations at `at` by
    `operator`, under the rule in the module docstring."""
    none_yet = current < 0
    safe = np.where(none_yet, candidate, current)
    distance, best_distance = _distance(entries, candidate, at), _distance(entries, safe, at)
    other, best_other = entries.operator[candidate] != operator, entries.operator[safe] != operator
    start, best_start = entries.start[candidate], entries.start[safe]
    ident, best_ident = entries.id[candidate], entries.id[safe]
    result: BoolArray = none_yet | (distance < best_distance) | (
        (distance == best_distance)
        & ((other < best_other) | ((other == best_other)
                                   & ((start < best_start) | ((start == best_start) & (ident < best_ident))))))
    return result


def _distance(entries: RegisterEntries, entry: IntArray, at: IntArray) -> IntArray:
    """Seconds from each time to its entry's own (unwidened) window; 0 inside it."""
    distance: IntArray = np.maximum(np.maximum(entries.start[entry] - at, at - entries.end[entry]), 0)
    return distance
