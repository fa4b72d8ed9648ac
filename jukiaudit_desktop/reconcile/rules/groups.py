"""One discrepancy per group of operations (a subject, an operator's day, a burst, a terminal), built once the
groups are known as arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..columns import IntArray, Operations
from ..model import Discrepancy, Kind


def per_group(kind: Kind, ops: Operations, rows: IntArray, starts: IntArray,
              details: list[dict[str, Any]]) -> list[Discrepancy]:
    """`ops` in time order (Operations.in_time_order); `rows`: positions in `ops`, group after group, each group
    in time order; `starts`: where each group begins in `rows`; `details`: one per group. The discrepancies
    come in the engine's order within a kind (time of the first operation, then its id), which for
    operations in time order is the order of the groups' first positions."""
    firsts = rows[starts]
    ids = tuple(ops.id[rows].tolist())  # a slice of a tuple is the group's tuple: one copy
    bounds = np.append(starts, len(rows)).tolist()
    times = ops.at[firsts].tolist()
    return [Discrepancy(kind, ids[bounds[g]:bounds[g + 1]], (), details[g], times[g])
            for g in np.argsort(firsts).tolist()]
