"""The three-way merge of an audit document received in a package, against the version both sides last
exchanged (the *base*):

- a field changed on one side only takes that side's value;
- a field changed on both sides to different values is a **conflict**, shown side by side; the inspector
  chooses mine / theirs / both (both: the two texts kept, one under the other) — never last-writer-wins;
- a record (finding, follow-up, evidence file, explanation of a discrepancy) one side added is added;
- a record one side deleted and the other left as it was in the base is deleted on both (never resurrected);
  deleted on one side and edited on the other, it is a conflict about the whole record (keep or delete).

An audit never exchanged with that peer before has no base: every field that differs is a conflict, and
nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.wareki import format_fiscal_year

CHOICES = ("mine", "theirs", "both")
_BOTH_SEPARATOR = "\n――(相手の記載)――\n"
_MISSING = object()
_FIELD_NAMES = {"self_score": "自己点検の点数", "verified": "確認結果の点数", "note": "所見", "self_comment": "自己点検の意見",
                "status": "状態", "start_date": "開始日", "end_date": "終了日", "place": "場所", "auditors": "監査人",
                "attendees": "出席者", "title": "件名", "condition": "現状", "criteria": "基準", "cause": "原因",
                "effect": "影響", "recommendation": "改善の提言", "due_date": "改善報告期限", "severity": "重要度",
                "finding_class": "区分", "reported_on": "報告日", "item_code": "項目", "reconciliation": "突合結果",
                "explanation": "説明", "discrepancy": "元の不一致"}
_RECORD_NAMES = {"findings": "指摘事項", "followups": "改善報告", "evidence": "証拠ファイル", "explanations": "突合"}


@dataclass(frozen=True)
class Conflict:
    audit_uuid: str
    audit_label: str
    path: str            # e.g. scores/A-01/verified; a whole record: findings/<uuid>
    mine: Any            # None for a whole record: deleted on that side
    theirs: Any

    @property
    def description(self) -> str:
        """The conflicting field in words, e.g. 「項目 A-1 の所見」."""
        parts = self.path.split("/")
        if _record_path(parts):
            return f"{_record_words(parts)}(こちら: {_kept(self.mine)}、相手: {_kept(self.theirs)})"
        field_name = _FIELD_NAMES.get(parts[-1], parts[-1])
        if parts[0] == "scores":
            return f"項目 {parts[1]} の{field_name}"
        if parts[0] in ("findings", "evidence", "explanations"):
            return f"{_record_words(parts[:-1])}の{field_name}"
        return f"監査の{field_name}"

    def shown(self, value: Any) -> str:
        """One side's value in words: a whole record by its title (or 削除), a field as it is."""
        if _record_path(self.path.split("/")):
            if value is None:
                return "(削除)"
            return str(next((value[k] for k in ("title", "file_name", "explanation", "note") if value.get(k)), "(記録あり)"))
        return "(なし)" if value is None else str(value)

    @property
    def both_possible(self) -> bool:
        return isinstance(self.mine, str) and isinstance(self.theirs, str)


def _record_path(parts: list[str]) -> bool:
    return (len(parts) == 2 and parts[0] in ("findings", "evidence")) or (
        len(parts) == 4 and parts[0] == "findings" and parts[2] == "followups") or (
        len(parts) == 3 and parts[0] == "explanations")


def _record_words(parts: list[str]) -> str:
    if parts[0] == "explanations":
        return f"突合({parts[1][:8]})の不一致 {parts[2]} 番"
    words = f"{_RECORD_NAMES[parts[0]]}({parts[1][:8]})"
    return words + (f"の改善報告({parts[3][:8]})" if len(parts) == 4 else "")


def _kept(value: Any) -> str:
    return "削除" if value is None else "変更あり"


def label(document: dict[str, Any]) -> str:
    details = document["details"]
    return f"{document['agency_code']} {format_fiscal_year(details['fiscal_year'])} {details['audit_type']}"


def _flatten(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(value, dict) and value:
        flat: dict[tuple[str, ...], Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, (*prefix, str(key))))
        return flat
    return {prefix: value}


def _unflatten(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path, value in sorted(flat.items()):
        node = root
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return root


def _records(document: dict[str, Any]) -> dict[tuple[str, ...], tuple[dict[str, Any], str]]:
    """Every record of the document by path → (the dict holding it, its key)."""
    found: dict[tuple[str, ...], tuple[dict[str, Any], str]] = {}
    for name in ("findings", "evidence"):
        for key in document.get(name, {}):
            found[(name, key)] = (document[name], key)
    for key, finding in document.get("findings", {}).items():
        for followup in finding.get("followups", {}):
            found[("findings", key, "followups", followup)] = (finding["followups"], followup)
    for run, explained in document.get("explanations", {}).items():
        for ordinal in explained:
            found[("explanations", run, ordinal)] = (explained, ordinal)
    return found


def _settle_deletions(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any], choices: dict[str, str],
                      default: str | None, conflicts: list[Conflict]) -> None:
    """Records in the base that one side no longer has: removed from the other side too when it left them as
    they were; a conflict about the whole record when it edited them. Changes `mine` and `theirs` in place."""
    in_base, in_mine, in_theirs = _records(base), _records(mine), _records(theirs)
    for path in sorted(set(in_base) - (set(in_mine) & set(in_theirs))):
        base_record = in_base[path][0][in_base[path][1]]
        present = in_mine.get(path) or in_theirs.get(path)
        if present is None:
            continue  # deleted on both sides
        holder, key = present
        if holder[key] == base_record:
            del holder[key]  # deleted on one side, unchanged on the other
            continue
        deleted_here = path not in in_mine
        conflict = Conflict(mine["uuid"], label(mine), "/".join(path), None if deleted_here else holder[key],
                            holder[key] if deleted_here else None)
        conflicts.append(conflict)
        keep = choices.get(conflict.path, default) == ("theirs" if deleted_here else "mine")
        if not keep:
            del holder[key]
        else:  # both sides get the edited record, so the field merge sees no difference
            other = mine if deleted_here else theirs
            _holder_at(other, path)[path[-1]] = holder[key]


def _holder_at(document: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = document
    for key in path[:-1]:
        node = node.setdefault(key, {})
    return node


def merge(base: dict[str, Any] | None, mine: dict[str, Any], theirs: dict[str, Any], choices: dict[str, str],
          default: str | None, conflicts: list[Conflict]) -> dict[str, Any]:
    """`mine` and `theirs` merged against `base` (see the module's rules); conflicts are appended, and resolved
    by `choices` (path → mine/theirs/both) or `default` where given, else provisionally as mine."""
    if base is not None:
        mine, theirs = _copy(mine), _copy(theirs)
        _settle_deletions(base, mine, theirs, choices, default, conflicts)
    flat_base = _flatten(base) if base is not None else {}
    flat_mine, flat_theirs = _flatten(mine), _flatten(theirs)
    merged: dict[tuple[str, ...], Any] = {}
    for path in sorted(set(flat_mine) | set(flat_theirs)):
        m, t, b = flat_mine.get(path, _MISSING), flat_theirs.get(path, _MISSING), flat_base.get(path, _MISSING)
        if m == t or t is _MISSING or b == t:
            merged[path] = m
        elif m is _MISSING or b == m:
            merged[path] = t
        else:
            conflict = Conflict(mine["uuid"], label(mine), "/".join(path), m, t)
            conflicts.append(conflict)
            merged[path] = _resolve(conflict, choices.get(conflict.path, default))
    # A path one side lacks only because it holds more below it (an empty {} leaf beside a filled one).
    return _unflatten({path: value for path, value in merged.items() if value is not _MISSING})


def _copy(value: Any) -> Any:
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value


def _resolve(conflict: Conflict, choice: str | None) -> Any:
    if choice == "theirs":
        return conflict.theirs
    if choice == "both" and conflict.both_possible:
        return f"{conflict.mine}{_BOTH_SEPARATOR}{conflict.theirs}"
    return conflict.mine  # unresolved conflicts block the import before anything is written


def unresolved(conflicts: list[Conflict], choices: dict[str, str], default: str | None) -> list[Conflict]:
    """Conflicts that no choice settles (a "both" for a non-text field settles nothing)."""
    return [c for c in conflicts
            if (choice := choices.get(c.path, default)) is None or (choice == "both" and not c.both_possible)]
