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

from .columns import BoolArray, IntArray, Operations, RegisterEntries

_SPAN = np.int64(1) << 40  # separates terminals in a combined (terminal, time) key; > any time range


def attribute(ops: Operations, entries: RegisterEntries, tolerance_seconds: int) -> IntArray:
    """Index into `entries` of the entry each operation belongs to, or -1 for none."""
    best = np.full(len(ops), -1, dtype=np.int64)
    if len(ops) == 0 or len(entries) == 0:
        return best
    widened_start = entries.start - tolerance_seconds
    widened_end = entries.end + tolerance_seconds
    order = np.lexsort((entries.id, widened_start, entries.terminal))
    base = min(int(ops.at.min()), int(widened_start.min()))
    start_key = entries.terminal[order] * _SPAN + (widened_start[order] - base)
    # Longest reach of any window up to here: no earlier entry can contain a time past it.
    reach = np.maximum.accumulate(entries.terminal[order] * _SPAN + (widened_end[order] - base))
    op_key = ops.terminal * _SPAN + (ops.at - base)

    position = np.searchsorted(start_key, op_key, side="right") - 1
    best_distance = np.zeros(len(ops), dtype=np.int64)
    best_other = np.zeros(len(ops), dtype=np.bool_)
    active = np.flatnonzero(position >= 0)
    active = active[reach[position[active]] >= op_key[active]]
    while len(active):
        candidate = order[position[active]]
        at = ops.at[active]
        fits = (entries.terminal[candidate] == ops.terminal[active]) & (widened_end[candidate] >= at)
        distance = np.maximum(np.maximum(entries.start[candidate] - at, at - entries.end[candidate]), 0)
        other = entries.operator[candidate] != ops.operator[active]
        current = best[active]
        better = fits & _better(distance, other, candidate, best_distance[active], best_other[active],
                                current, entries)
        chosen = active[better]
        best[chosen] = candidate[better]
        best_distance[chosen] = distance[better]
        best_other[chosen] = other[better]
        position[active] -= 1
        still = position[active] >= 0
        active = active[still]
        active = active[reach[position[active]] >= op_key[active]]
    return best


def _better(distance: IntArray, other: BoolArray, candidate: IntArray, best_distance: IntArray,
            best_other: BoolArray, current: IntArray, entries: RegisterEntries) -> BoolArray:
    """True where the candidate beats the current choice under the rule in the module docstring."""
    none_yet = current < 0
    safe = np.where(none_yet, candidate, current)
    start, best_start = entries.start[candidate], entries.start[safe]
    ident, best_ident = entries.id[candidate], entries.id[safe]
    result: BoolArray = none_yet | (distance < best_distance) | (
        (distance == best_distance)
        & ((other < best_other) | ((other == best_other)
                                   & ((start < best_start) | ((start == best_start) & (ident < best_ident))))))
    return result
