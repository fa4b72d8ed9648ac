"""Register against log: unregistered operations, unused entries, operator / purpose / count mismatches.

Details hold only what the operation and entry rows do not already say (they stay short to store fast).
"""

from __future__ import annotations

import numpy as np

from ..columns import NONE, IntArray, Operations, RegisterEntries, Vocabulary
from ..model import Discrepancy, Kind


def check_register(ops: Operations, entries: RegisterEntries, owner: IntArray,
                   names: Vocabulary) -> list[Discrepancy]:
    """`owner[i]` is the index of the entry operation i belongs to (-1: none), from attribution.attribute."""
    found: list[Discrepancy] = []
    found += _unregistered(ops, owner)
    found += _mismatches(ops, entries, owner, names)
    found += _entry_checks(ops, entries, owner)
    return found


def _unregistered(ops: Operations, owner: IntArray) -> list[Discrepancy]:
    return [
        Discrepancy(Kind.UNREGISTERED_OPERATION, (int(ops.id[i]),), (), {}, int(ops.at[i]))
        for i in np.flatnonzero(owner < 0)
    ]


def _mismatches(ops: Operations, entries: RegisterEntries, owner: IntArray,
                names: Vocabulary) -> list[Discrepancy]:
    """Per operation: made by another operator ID, or for another 事務, than its entry says."""
    found: list[Discrepancy] = []
    if len(entries) == 0:
        return found
    attributed = owner >= 0
    entry = np.where(attributed, owner, 0)  # whole columns compared: no gathers over every operation
    other_operator = np.flatnonzero(attributed & (ops.operator != entries.operator[entry]))
    entry_jimu = entries.jimu[entry]
    other_jimu = np.flatnonzero(attributed & (ops.jimu != NONE) & (entry_jimu != NONE) & (ops.jimu != entry_jimu))
    for kind, indices, field, name in (
        (Kind.OPERATOR_MISMATCH, other_operator, "register_operator", entries.operator),
        (Kind.PURPOSE_MISMATCH, other_jimu, "register_jimu_code", entries.jimu),
    ):
        for i in indices:
            e = int(owner[i])
            detail = {field: names.name(int(name[e]))}
            found.append(Discrepancy(kind, (int(ops.id[i]),), (int(entries.id[e]),), detail, int(ops.at[i])))
    return found


def _entry_checks(ops: Operations, entries: RegisterEntries, owner: IntArray) -> list[Discrepancy]:
    """Per entry: no operation inside it; its 照会件数 differs from the sum over its operations.

    One line of the register, one problem: an entry with no operation is reported as unused (with its declared
    count in the detail), never also as a count mismatch.
    """
    attributed = owner >= 0
    n_ops = np.bincount(owner[attributed], minlength=len(entries))
    logged = np.bincount(owner[attributed], weights=ops.count[attributed], minlength=len(entries))
    logged = logged.astype(np.int64)
    found: list[Discrepancy] = []
    for e in np.flatnonzero(n_ops == 0):
        declared = {} if entries.count[e] == NONE else {"register_count": int(entries.count[e])}
        found.append(Discrepancy(Kind.UNUSED_REGISTER_ENTRY, (), (int(entries.id[e]),), declared,
                                 int(entries.start[e])))
    wrong = np.flatnonzero((entries.count != NONE) & (entries.count != logged) & (n_ops > 0))
    if len(wrong):
        members = _operations_by_entry(owner, ops, wrong, entries)
        for e in wrong:
            detail = {"register_count": int(entries.count[e]), "logged_count": int(logged[e]),
                      "operations": int(n_ops[e])}
            found.append(Discrepancy(Kind.COUNT_MISMATCH, members.get(int(e), ()), (int(entries.id[e]),),
                                     detail, int(entries.start[e])))
    return found


def _operations_by_entry(owner: IntArray, ops: Operations, wanted: IntArray,
                         entries: RegisterEntries) -> dict[int, tuple[int, ...]]:
    """Operation ids, in time order, of each wanted entry index."""
    is_wanted = np.zeros(len(entries), dtype=np.bool_)
    is_wanted[wanted] = True
    picked = np.flatnonzero((owner >= 0) & is_wanted[np.maximum(owner, 0)])
    order = picked[np.lexsort((ops.id[picked], ops.at[picked], owner[picked]))]
    groups: dict[int, list[int]] = {}
    for e, op_id in zip(owner[order].tolist(), ops.id[order].tolist(), strict=True):
        groups.setdefault(e, []).append(op_id)
    return {e: tuple(ids) for e, ids in groups.items()}
