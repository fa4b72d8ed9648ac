"""The shared samples reconcile to exactly expected_discrepancies.json, and runs are repeatable."""

from __future__ import annotations

import json

import pytest
from test_reconcile_helpers import SAMPLES, ensure_agency, lines_by_kind, load_oplog, load_register

from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage import trail


def _expected() -> dict[str, list[int]]:
    raw = json.loads((SAMPLES / "expected_discrepancies.json").read_text(encoding="utf-8"))
    return {k: sorted(v) for k, v in raw.items() if isinstance(v, list) and v}


def test_samples_reconcile_to_exactly_the_expected_discrepancies(db) -> None:
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")

    result = run_reconciliation(db, "C09", ReconcileSettings())
    exported = export_run(db, result.run_id)

    # The two busiest days of the samples (K10005 106 operations, K10000 124) are ≥ 5 × their operator's median.
    assert lines_by_kind(exported) == {**_expected(), "volume_spike": [98, 2180]}
    assert {d["oplog"][0]["file"] for d in exported["discrepancies"] if d["oplog"]} == {"oplog_cp932.csv"}
    assert exported["summary"]["concurrent_session"] == 0
    assert [s["kind"] for s in exported["skipped"]] == ["unauthorized_jimu", "unknown_operator",
                                                         "unregistered_terminal"]
    assert not trail.verify(db)
    assert db.scalar("SELECT action FROM trail ORDER BY seq DESC LIMIT 1") == "reconcile.run"


def test_same_input_gives_the_same_output_in_the_same_order(db) -> None:
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    first = export_run(db, run_reconciliation(db, "C09", ReconcileSettings()).run_id)
    second = export_run(db, run_reconciliation(db, "C09", ReconcileSettings()).run_id)
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)
    assert len(first["discrepancies"]) == 41


def test_cancel_stores_nothing_and_deleting_a_run_deletes_its_discrepancies(db) -> None:
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    seen: list[str] = []
    progress = Progress(lambda done, total, message: (seen.append(message), progress.cancel()))
    with pytest.raises(CancelledError):
        run_reconciliation(db, "C09", ReconcileSettings(), progress=progress)
    assert seen == ["操作ログを読み込んでいます"]
    assert db.scalar("SELECT count(*) FROM reconciliation") == 0

    run_id = run_reconciliation(db, "C09", ReconcileSettings()).run_id
    assert db.scalar("SELECT count(*) FROM discrepancy WHERE reconciliation_id = ?", (run_id,)) == 41
    with db.transaction():
        db.execute("DELETE FROM reconciliation WHERE id = ?", (run_id,))
    assert db.scalar("SELECT count(*) FROM discrepancy") == 0


def test_a_run_inside_an_open_transaction_sees_its_rows(db) -> None:
    agency_id = ensure_agency(db)
    with db.transaction():  # e.g. a demo loader that imports and reconciles in one transaction
        load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
        load_register(db, agency_id, SAMPLES / "register_cp932.csv")
        result = run_reconciliation(db, "C09", ReconcileSettings())
    assert len(result.outcome.discrepancies) == 41
