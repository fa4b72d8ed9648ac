"""Drawing operations for checking 申請書・根拠書類 on site: stratified by 事務, reproducible from a seed.

The rule, checkable by hand:
  1. Strata are the 事務 codes used in the period (operations without a code form one stratum, "").
  2. Every stratum gets one line; the other n − (number of strata) lines are shared in proportion to the
     strata's operation counts: each gets the whole part of its quota, the rest go one by one to the largest
     remainders (ties: the 事務 code in text order). A stratum never gets more lines than it has operations.
     With fewer operations than n, every operation is drawn; with more strata than n, every stratum gets one.
  3. Within each stratum, taken in 事務 code order, the lines are drawn without replacement from its operation
     ids in ascending order by one random.Random(seed): the same data and seed give the same lines.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction


def allocate(volumes: Mapping[str, int], n: int) -> dict[str, int]:
    """Lines per stratum (rule 2)."""
    strata = sorted(code for code, volume in volumes.items() if volume > 0)
    share = {code: 1 for code in strata}
    rest = max(n - len(strata), 0)
    spare = {code: volumes[code] - 1 for code in strata}
    total = sum(spare.values())
    if rest == 0 or total == 0:
        return share
    if rest >= total:
        return {code: volumes[code] for code in strata}
    quota = {code: Fraction(rest * spare[code], total) for code in strata}
    for code in strata:
        share[code] += int(quota[code])
    left = rest - sum(int(q) for q in quota.values())
    by_remainder = sorted(strata, key=lambda c: (-(quota[c] - int(quota[c])), c))
    for code in by_remainder[:left]:
        share[code] += 1
    return share


def draw(operations: Sequence[tuple[int, str]], n: int, seed: int) -> list[int]:
    """Operation ids drawn from (id, 事務 code) pairs (rules 1–3), in ascending id order."""
    by_stratum: dict[str, list[int]] = {}
    for operation_id, code in operations:
        by_stratum.setdefault(code, []).append(operation_id)
    share = allocate({code: len(ids) for code, ids in by_stratum.items()}, n)
    rng = random.Random(seed)
    drawn: list[int] = []
    for code in sorted(share):
        drawn += rng.sample(sorted(by_stratum[code]), share[code])
    return sorted(drawn)
