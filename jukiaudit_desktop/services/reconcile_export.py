"""A run's discrepancies as the JSON objects the export writes, built as text: byte for byte what
json.dumps(…, ensure_ascii=False) writes for each object, without building 10^5 and more dicts to encode.

A discrepancy's object: {"kind", "oplog": [{"file", "line"} per operation], "register": [the same per register
entry], "detail": the fields its subject row records (the first entry for register kinds, else the first
operation), then the engine's own detail}. A row whose import was removed (the run is stale) has file and line
null and records nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring  # the string encoder json.dumps uses with ensure_ascii=False
from typing import Any, Protocol

from ..reconcile.model import REGISTER_KINDS, Kind
from ..storage.reconcile_repo import RowFacts

_REMOVED = '{"file": null, "line": null}'  # where the row of a removed import was


class Found(Protocol):
    """A discrepancy as the engine found it (reconcile.model.Discrepancy) or as stored (StoredDiscrepancy)."""

    @property
    def kind(self) -> Kind: ...
    @property
    def operation_ids(self) -> tuple[int, ...]: ...
    @property
    def register_ids(self) -> tuple[int, ...]: ...
    @property
    def detail(self) -> dict[str, Any]: ...


class _Rows:
    """The rows of one RowFacts as JSON text."""

    def __init__(self, facts: RowFacts) -> None:
        self.names = frozenset(facts.fields)
        self.refs = facts.refs
        self.members = facts.members

    def list(self, ids: tuple[int, ...]) -> str:
        """The ids' {"file", "line"} objects, as a JSON list."""
        if not ids:
            return "[]"
        if len(ids) == 1:
            return f"[{self.refs.get(ids[0], _REMOVED)}]"
        return f"[{', '.join([self.refs.get(i, _REMOVED) for i in ids])}]"

    def fields(self, id_: int) -> str | None:
        """What the subject row records, as the members of a JSON object; None when its import was removed."""
        return self.members.get(id_)


@dataclass(frozen=True)
class Named:
    """The rows some discrepancies name: every operation and register entry, and the subjects among them (the
    row each discrepancy is about, whose fields its object holds)."""

    operations: list[int]
    operation_subjects: list[int]
    entries: list[int]
    entry_subjects: list[int]


def named(found: Sequence[Found]) -> Named:
    rows = Named([], [], [], [])
    for d in found:
        rows.operations.extend(d.operation_ids)
        rows.entries.extend(d.register_ids)
        subjects, subject_ids = ((rows.entry_subjects, d.register_ids) if d.kind in REGISTER_KINDS
                                 else (rows.operation_subjects, d.operation_ids))
        subjects.extend(subject_ids[:1])
    return rows


def objects(found: Sequence[Found], details: Iterable[str], operations: RowFacts, entries: RowFacts) -> Iterator[str]:
    """Each discrepancy's JSON object, in order. `details`: each one's detail as JSON (reconcile_repo.detail_texts);
    `operations` and `entries` hold every row `found` names (named) that is still stored."""
    kinds = {kind: encode_basestring(kind.value) for kind in Kind}
    oplog, register = _Rows(operations), _Rows(entries)
    for d, detail in zip(found, details, strict=True):
        rows, subject_ids = (register, d.register_ids) if d.kind in REGISTER_KINDS else (oplog, d.operation_ids)
        fields = rows.fields(subject_ids[0]) if subject_ids else None
        if fields is None:
            merged = detail
        elif not d.detail:
            merged = f"{{{fields}}}"
        elif rows.names.isdisjoint(d.detail):
            merged = f"{{{fields}, {detail[1:]}"
        else:  # the detail overrides a field in place: as {**fields, **detail} would
            merged = json.dumps({**json.loads(f"{{{fields}}}"), **d.detail}, ensure_ascii=False)
        yield (f'{{"kind": {kinds[d.kind]}, "oplog": {oplog.list(d.operation_ids)}, '
               f'"register": {register.list(d.register_ids)}, "detail": {merged}}}')
