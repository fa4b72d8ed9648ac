"""A run's discrepancies as the JSON objects the export writes, built as text: byte for byte what
json.dumps(…, ensure_ascii=False) writes for each object, without building 10^5 and more dicts to encode.

A discrepancy's object: {"kind", "oplog": [{"file", "line"} per operation], "register": [the same per register
entry], "detail": the fields its subject row records (the first entry for register kinds, else the first
operation), then the engine's own detail}. A row whose import was removed (the run is stale) has file and line
null and records nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring  # the string encoder json.dumps uses with ensure_ascii=False
from typing import Any, Protocol

from ..reconcile.model import REGISTER_KINDS, Kind
from ..storage.reconcile_repo import RowFacts, detail_json

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


def value(item: Any) -> str:
    """One value as json.dumps(item, ensure_ascii=False) writes it."""
    kind = type(item)
    if kind is str:
        return encode_basestring(item)
    if kind is int:
        return int.__repr__(item)
    if item is None:
        return "null"
    return json.dumps(item, ensure_ascii=False)


class _Rows:
    """The rows of one RowFacts as JSON text."""

    def __init__(self, facts: RowFacts) -> None:
        self.facts = facts
        self.names = frozenset(facts.fields)
        starts: dict[int | None, str] = {
            file_id: f'{{"file": {encode_basestring(name)}, "line": ' for file_id, name in facts.files.items()}
        typed_in = '{"file": null, "line": '
        self.refs = {row[0]: f"{starts.get(row[1], typed_in)}{row[2] if type(row[2]) is int else value(row[2])}}}"
                     for row in facts.rows.values()}

    def list(self, ids: tuple[int, ...]) -> str:
        """The ids' {"file", "line"} objects, as a JSON list."""
        if len(ids) == 1:
            return f"[{self.refs.get(ids[0], _REMOVED)}]"
        return f"[{', '.join([self.refs.get(i, _REMOVED) for i in ids])}]"

    def fields(self, id_: int) -> str | None:
        """What the row records, as the members of a JSON object; None when its import was removed."""
        row = self.facts.rows.get(id_)
        return None if row is None else row[3]


def objects(found: Sequence[Found], operations: RowFacts, entries: RowFacts) -> Iterator[str]:
    """Each discrepancy's JSON object, in order. `operations` and `entries` hold every row they refer to that
    is still stored."""
    kinds = {kind: encode_basestring(kind.value) for kind in Kind}
    details: dict[Any, str] = {}
    oplog, register = _Rows(operations), _Rows(entries)
    for d in found:
        rows, subject_ids = (register, d.register_ids) if d.kind in REGISTER_KINDS else (oplog, d.operation_ids)
        fields = rows.fields(subject_ids[0]) if subject_ids else None
        detail = detail_json(d.detail, details)
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
