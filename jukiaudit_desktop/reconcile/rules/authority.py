"""unknown_operator and unauthorized_jimu: checked against the agency's operator list and 事務 lists.

An operation's 事務 is checked against its operator's own list of authorised 事務 when the operator has one
(the reason then names the operator), else against the agency's list.
"""

from __future__ import annotations

import numpy as np

from ..columns import (
    DAY,
    NONE,
    AgencyLists,
    IntArray,
    JimuValidity,
    Operations,
    OperatorValidity,
    Vocabulary,
    run_bounds,
)
from ..model import Discrepancy, Kind, SkippedCheck


def skipped_checks(lists: AgencyLists) -> list[SkippedCheck]:
    skipped = []
    if lists.jimu is None and not lists.operator_jimu:
        skipped.append(SkippedCheck(Kind.UNAUTHORIZED_JIMU, "この機関の利用できる事務が登録されていません"))
    if lists.operators is None:
        skipped.append(SkippedCheck(Kind.UNKNOWN_OPERATOR, "この機関の操作者一覧が登録されていません"))
    return skipped


def check_authority(ops: Operations, lists: AgencyLists, names: Vocabulary) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    own_list = np.isin(ops.operator, np.fromiter(lists.operator_jimu, dtype=np.int64))
    if lists.jimu is not None:
        agency_checked = ops.take(~own_list) if lists.operator_jimu else ops
        found += _unauthorized_jimu(agency_checked, lists.jimu, "この機関の権限外の事務です")
    mine = np.flatnonzero(own_list)
    mine = mine[np.argsort(ops.operator[mine], kind="stable")]
    for first, end in run_bounds(ops.operator[mine]):
        code = int(ops.operator[mine[first]])
        found += _unauthorized_jimu(ops.take(mine[first:end]), lists.operator_jimu[code],
                                    f"操作者 {names.name(code)} の権限外の事務です")
    if lists.operators is not None:
        found += _unknown_operators(ops, lists)
    return found


def _per_name_and_day(ops: Operations, names_of_ops: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Unique (name code, day) pairs of the operations, and for each operation the index of its pair."""
    pairs = np.stack([names_of_ops, ops.at // DAY], axis=1)
    unique, index = np.unique(pairs, axis=0, return_inverse=True)
    return unique[:, 0], unique[:, 1], index.reshape(-1)


def _unauthorized_jimu(ops: Operations, authorised: list[JimuValidity], not_listed: str) -> list[Discrepancy]:
    """A 事務 code is authorised on a day when one of the listed bases with that code is valid then."""
    codes, days, index = _per_name_and_day(ops, ops.jimu)
    by_code: dict[int, list[JimuValidity]] = {}
    for validity in authorised:
        by_code.setdefault(validity.jimu, []).append(validity)
    reasons: list[str | None] = []
    for code, day in zip(codes.tolist(), days.tolist(), strict=True):
        ranges = by_code.get(code, [])
        if code == NONE:
            reasons.append(None)
        elif not ranges:
            reasons.append(not_listed)
        elif any((j.first_day is None or j.first_day <= day) and (j.last_day is None or day <= j.last_day)
                 for j in ranges):
            reasons.append(None)
        else:
            reasons.append("根拠の有効期間外です")
    return _report(ops, Kind.UNAUTHORIZED_JIMU, reasons, index)


def _unknown_operators(ops: Operations, lists: AgencyLists) -> list[Discrepancy]:
    """Known and valid: registered on or before the day, and not yet revoked (revoked_on is the first
    invalid day)."""
    assert lists.operators is not None
    codes, days, index = _per_name_and_day(ops, ops.operator)
    by_code: dict[int, list[OperatorValidity]] = {}
    for validity in lists.operators:
        by_code.setdefault(validity.operator, []).append(validity)
    reasons: list[str | None] = []
    for code, day in zip(codes.tolist(), days.tolist(), strict=True):
        entries = by_code.get(code, [])
        if not entries:
            reasons.append("操作者一覧にない操作者IDです")
        elif any((o.first_day is None or o.first_day <= day) and (o.end_day is None or day < o.end_day)
                 for o in entries):
            reasons.append(None)
        elif all(o.first_day is not None and day < o.first_day for o in entries):
            reasons.append("登録日より前の操作です")
        else:
            reasons.append("失効(異動・退職)後の操作です")
    return _report(ops, Kind.UNKNOWN_OPERATOR, reasons, index)


def _report(ops: Operations, kind: Kind, reasons: list[str | None], index: IntArray) -> list[Discrepancy]:
    bad = np.array([r is not None for r in reasons], dtype=np.bool_)
    found = []
    for i in np.flatnonzero(bad[index]):
        found.append(Discrepancy(kind, (int(ops.id[i]),), (), {"reason": reasons[index[i]]}, int(ops.at[i])))
    return found
