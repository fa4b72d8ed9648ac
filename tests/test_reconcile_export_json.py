"""`reconcile --json` builds each discrepancy's object as text (services.reconcile_export): the file must be byte for
byte json.dumps of the run's objects as an independent reading builds them from the stored run — with file
names, terminals and operators holding quotes, backslashes, control characters and characters outside the BMP,
typed-in register entries (no file), a removed import (stale run), and details that override a row's field."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from support.imports import REGISTER, slice_of_log

from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.reconcile.model import REGISTER_KINDS, Discrepancy, Kind
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import master_data, reconcile_export, reconciliation, rows_ahead
from jukiaudit_desktop.storage import reconcile_repo
from jukiaudit_desktop.storage.database import Database
from jukiaudit_desktop.storage.reconcile_repo import OPERATION_FACTS, REGISTER_FACTS

ODD = 'T"\\\x01\t\u2028😀'  # a quote, a backslash, control characters, a line separator, beyond the BMP
OPERATION_FIELDS = [name for name, _ in OPERATION_FACTS]
REGISTER_FIELDS = [name for name, _ in REGISTER_FACTS]


def fields_of(row: tuple[Any, ...] | None, register: bool) -> dict[str, Any]:
    """A row of reconcile_repo.operation_rows or register_rows as the export's fields (a removed row: none)."""
    if row is None:
        return {}
    if register:
        return dict(zip(REGISTER_FIELDS, row[3:9], strict=True))
    return dict(zip(OPERATION_FIELDS, (row[3], row[4], row[5], row[7], row[8]), strict=True))


def ref(row: tuple[Any, ...] | None) -> dict[str, Any]:
    return {"file": None, "line": None} if row is None else {"file": row[1], "line": row[2]}


def expected_run(db: Database, run_id: int) -> dict[str, Any]:
    """The stored run as the export must give it, read row by row through the repository's display queries
    (not the export's): file and line of every row, the subject row's fields, then the detail."""
    run = reconciliation.require_run(db, run_id)
    found = reconciliation.list_discrepancies(db, run_id)
    skipped = {s["kind"] for s in run.skipped}
    summary = {kind.value: sum(d.kind is kind for d in found) for kind in Kind if kind.value not in skipped}
    objects = []
    for d in found:
        operations = {r[0]: r for r in reconcile_repo.operation_rows(db, d.operation_ids)}
        entries = {r[0]: r for r in reconcile_repo.register_rows(db, d.register_ids)}
        oplog = [operations.get(i) for i in d.operation_ids]
        register = [entries.get(i) for i in d.register_ids]
        subject = (register if d.kind in REGISTER_KINDS else oplog)[:1]
        objects.append({"kind": d.kind.value, "oplog": [ref(r) for r in oplog], "register": [ref(r) for r in register],
                        "detail": {**(fields_of(subject[0], d.kind in REGISTER_KINDS) if subject else {}),
                                   **d.detail}})
    return {**({"stale": run.stale} if run.stale else {}), "summary": summary, "skipped": run.skipped,
            "discrepancies": objects}


def file_text(run: dict[str, Any]) -> bytes:
    return (json.dumps(run, ensure_ascii=False).replace('}, {"kind": ', '},\n{"kind": ') + "\n").encode("utf-8")


@pytest.fixture
def odd_db(db: Database, cli, tmp_path: Path) -> Database:
    """The samples (the log under a file name with a quote and a character beyond the BMP), plus an operation
    and a typed-in register entry whose terminal and operator hold ODD."""
    master_data.add_agency(db, Agency("C09", "テスト機関"))
    log = slice_of_log(tmp_path, 'log "α" 😀.csv', 2, 3188)
    assert cli("import-oplog", "--agency", "C09", str(log))[0] == 0
    assert cli("import-register", "--agency", "C09", str(REGISTER))[0] == 0
    with db.transaction():  # rows no importer accepts (control characters): written as another client would
        file_id, agency_id = db.execute("SELECT id, agency_id FROM import_file WHERE kind = 'oplog'").fetchone()
        db.execute("INSERT INTO operation (file_id, line, agency_id, at, terminal, operator, op_kind, jimu_code, "
                   "count, result) VALUES (?, 9999, ?, '2025-05-04T23:59:00', ?, ?, '4情報検索', NULL, 2, '正常')",
                   (file_id, agency_id, ODD, ODD))
        db.execute("INSERT INTO register_entry (file_id, line, agency_id, start_at, end_at, terminal, operator, "
                   "jimu_code, count) VALUES (NULL, NULL, ?, '2025-05-07T10:00', '2025-05-07T10:30', ?, ?, "
                   "'別表5-13', 3)", (agency_id, ODD, ODD))
        # that client leaves no column cache for the file it changed: the run builds it from the rows
        db.execute("DELETE FROM operation_columns WHERE file_id = ?", (file_id,))
    return db


def test_the_cli_json_is_json_dumps_of_the_stored_run(odd_db: Database, cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from jukiaudit_desktop.cli import reconcile as cli_reconcile

    monkeypatch.setattr(cli_reconcile, "_JSON_CHUNK", 7)  # chunk edges everywhere
    monkeypatch.setattr(rows_ahead, "_CHUNK_ROWS", 11)
    out = tmp_path / "run.json"

    assert cli("reconcile", "--agency", "C09", "--json", str(out))[0] == 0

    expected = expected_run(odd_db, odd_db.scalar("SELECT max(id) FROM reconciliation"))
    assert out.read_bytes() == file_text(expected)
    kinds = {d["kind"] for d in expected["discrepancies"]}
    assert {"off_hours", "unused_register_entry", "count_mismatch", "operator_mismatch"} <= kinds
    assert any(d["detail"].get("terminal") == ODD and d["oplog"][0]["file"] == 'log "α" 😀.csv'
               for d in expected["discrepancies"])
    assert any(d["detail"].get("operator") == ODD and d["register"] == [{"file": None, "line": None}]
               for d in expected["discrepancies"])  # the typed-in entry: no file, no line


def test_a_stale_run_names_no_file_for_rows_of_a_removed_import(odd_db: Database, cli) -> None:
    run_id = reconciliation.run_reconciliation(odd_db, "C09", reconciliation.ReconcileSettings()).run_id
    batch = json.loads(cli("import", "list", "--agency", "C09", "--json")[1])[0]
    assert batch["kind"] == "oplog" and cli("import", "remove", str(batch["id"]))[0] == 0

    exported = reconciliation.export_run(odd_db, run_id)

    assert exported == expected_run(odd_db, run_id)
    assert exported["stale"]
    assert {"file": None, "line": None} in [ref for d in exported["discrepancies"] for ref in d["oplog"]]


def test_details_that_override_or_resemble_each_other_and_odd_values_are_encoded_as_json_dumps(
        odd_db: Database) -> None:
    """Hand-made discrepancies on stored rows: a detail overriding a field keeps the field's place; 1, 1.0 and
    True are equal in Python but not in JSON; lists, floats, None; no subject row; rows missing; REAL values
    (which SQLite would write otherwise than json) in an operation and a register entry."""
    with odd_db.transaction():
        odd_db.execute("UPDATE operation SET count = 2.5 WHERE id = (SELECT max(id) FROM operation)")
        odd_db.execute("UPDATE register_entry SET count = 1e20 WHERE id = (SELECT max(id) FROM register_entry)")
    odd_op, plain_op = odd_db.query("SELECT max(id), min(id) FROM operation")[0]
    odd_entry, plain_entry = odd_db.query("SELECT max(id), min(id) FROM register_entry")[0]
    gone = 10**9
    found = [
        Discrepancy(Kind.OFF_HOURS, (odd_op,), (), {"reason": "土曜日"}),
        Discrepancy(Kind.OFF_HOURS, (plain_op,), (), {"reason": "土曜日"}),
        Discrepancy(Kind.VOLUME_SPIKE, (odd_op, plain_op, gone), (), {"operations": 1, "median": 1}),
        Discrepancy(Kind.VOLUME_SPIKE, (plain_op, odd_op), (), {"operations": 1, "median": 1.0}),
        Discrepancy(Kind.VOLUME_SPIKE, (plain_op,), (), {"operations": 1, "median": True}),
        Discrepancy(Kind.VOLUME_SPIKE, (plain_op,), (), {"operations": 1, "median": -0.0}),
        Discrepancy(Kind.VOLUME_SPIKE, (plain_op,), (), {"operations": 1, "median": 0.0}),
        Discrepancy(Kind.OPERATOR_MISMATCH, (plain_op,), (odd_entry,), {"count": 99, "register_operator": ODD}),
        Discrepancy(Kind.OPERATOR_MISMATCH, (odd_op,), (plain_entry,), {"at": None}),
        Discrepancy(Kind.REPEATED_SUBJECT, (plain_op,), (), {"days": [1, 2], "label": None}),
        Discrepancy(Kind.REPEATED_SUBJECT, (plain_op,), (), {"days": [1, 2.0], "label": None}),
        Discrepancy(Kind.COUNT_MISMATCH, (odd_op, plain_op), (odd_entry,), {"register_count": 2.5, "logged_count": 4}),
        Discrepancy(Kind.UNUSED_REGISTER_ENTRY, (), (plain_entry,), {}),
        Discrepancy(Kind.UNUSED_REGISTER_ENTRY, (), (gone,), {"register_count": 1}),
        Discrepancy(Kind.UNREGISTERED_OPERATION, (gone,), (), {}),
        Discrepancy(Kind.COUNT_MISMATCH, (odd_op,), (), {"logged_count": 1}),  # no entry: no subject row
    ]
    rows = reconcile_export.named(found)
    operation_ids, entry_ids = rows.operations, rows.entries

    texts = list(reconcile_export.objects(
        found, reconcile_repo.detail_texts(d.detail for d in found),
        reconcile_repo.operation_facts(odd_db, operation_ids, rows.operation_subjects),
        reconcile_repo.register_facts(odd_db, entry_ids, rows.entry_subjects)))

    operations = {r[0]: r for r in reconcile_repo.operation_rows(odd_db, operation_ids)}
    entries = {r[0]: r for r in reconcile_repo.register_rows(odd_db, entry_ids)}
    assert isinstance(operations[odd_op][8], float) and isinstance(entries[odd_entry][8], float)
    for d, text in zip(found, texts, strict=True):
        register = d.kind in REGISTER_KINDS
        subject = (d.register_ids if register else d.operation_ids)[:1]
        fields = fields_of((entries if register else operations).get(subject[0]), register) if subject else {}
        assert text == json.dumps({"kind": d.kind.value, "oplog": [ref(operations.get(i)) for i in d.operation_ids],
                                   "register": [ref(entries.get(i)) for i in d.register_ids],
                                   "detail": {**fields, **d.detail}}, ensure_ascii=False)


def test_sqlite_writes_every_character_as_json_does(odd_db: Database) -> None:
    """The rows' fields are written by SQLite's json_quote: on every code point (but surrogates, which no text
    column holds) it must escape as Python's json.dumps(…, ensure_ascii=False)."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    with odd_db.transaction():
        odd_db.execute("UPDATE operation SET operator = ? WHERE id = (SELECT min(id) FROM operation)", (every,))
    first = odd_db.scalar("SELECT min(id) FROM operation")

    written = reconcile_repo.operation_facts(odd_db, [first], [first]).members[first]

    [row] = reconcile_repo.operation_rows(odd_db, [first])
    assert written == json.dumps(fields_of(row, register=False), ensure_ascii=False)[1:-1]
    assert row[5] == every


def test_only_the_subjects_fields_are_read_and_an_odd_row_named_elsewhere_keeps_its_place(odd_db: Database) -> None:
    """The fields are read only for the rows discrepancies are about; a row holding a REAL value (written by
    json instead of SQLite) that is only named (a volume_spike's second operation) still gets its file and line,
    and no fields."""
    with odd_db.transaction():
        odd_db.execute("UPDATE operation SET count = 2.5 WHERE id = (SELECT max(id) FROM operation)")
    odd_op, plain_op = odd_db.query("SELECT max(id), min(id) FROM operation")[0]
    found = [Discrepancy(Kind.VOLUME_SPIKE, (plain_op, odd_op), (), {"operations": 2, "median": 1})]
    rows = reconcile_export.named(found)
    assert (rows.operations, rows.operation_subjects, rows.entries, rows.entry_subjects) == (
        [plain_op, odd_op], [plain_op], [], [])

    facts = reconcile_repo.operation_facts(odd_db, rows.operations, rows.operation_subjects)

    operations = {r[0]: r for r in reconcile_repo.operation_rows(odd_db, [plain_op, odd_op])}
    assert set(facts.members) == {plain_op}
    assert {i: json.loads(text) for i, text in facts.refs.items()} == {i: ref(operations[i]) for i in operations}
    [text] = reconcile_export.objects(found, reconcile_repo.detail_texts(d.detail for d in found), facts,
                                      reconcile_repo.register_facts(odd_db, [], []))
    assert text == json.dumps({"kind": "volume_spike", "oplog": [ref(operations[plain_op]), ref(operations[odd_op])],
                               "register": [], "detail": {**fields_of(operations[plain_op], register=False),
                                                          "operations": 2, "median": 1}}, ensure_ascii=False)


def test_the_export_reads_its_rows_in_chunks_cut_by_the_rows_named(odd_db: Database,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A chunk ends once its discrepancies name _CHUNK_ROWS rows (one volume_spike names a day's operations), and
    holds one discrepancy at least; the chunks, in order, are the run."""
    monkeypatch.setattr(rows_ahead, "_CHUNK_ROWS", 11)
    settings = ReconcileSettings(spike_minimum=1, spike_factor=1.5)  # volume_spikes naming many operations
    run_id = reconciliation.run_reconciliation(odd_db, "C09", settings).run_id
    found = reconciliation.list_discrepancies(odd_db, run_id)
    assert max(len(d.operation_ids) for d in found) > 11  # a discrepancy naming more rows than a chunk's

    ahead = rows_ahead.RowsAhead(odd_db, found)
    with contextlib.closing(ahead):
        chunks = [chunk for chunk, _ in ahead]

    assert [d for chunk in chunks for d in chunk] == found and len(chunks) > 5
    for chunk in chunks:
        named = [len(d.operation_ids) + len(d.register_ids) for d in chunk]
        assert len(chunk) == 1 or sum(named[:-1]) < 11
        assert sum(named) >= 11 or chunk is chunks[-1]
