"""`jukiaudit reconcile` end to end on a generated set (gen_oplog.py) and on the samples; explain / reopen."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import datetime, time
from pathlib import Path

import holidays
import pytest
from test_reconcile_helpers import (
    GENERATOR,
    SAMPLES,
    ensure_agency,
    lines_by_kind,
    load_oplog,
    load_register,
)

from jukiaudit_desktop.cli import main

TRUTH_NAMES = {"unregistered": "unregistered_operation", "unused_entry": "unused_register_entry"}


def _independent_off_hours(oplog: Path) -> list[int]:
    """Off-hours lines computed row by row with the standard library, as a cross-check of the engine."""
    japan = holidays.Japan(years=range(2025, 2028))
    lines = []
    with oplog.open(encoding="cp932", newline="") as f:
        for line, row in enumerate(list(csv.reader(f))[1:], start=2):
            at = datetime.strptime(row[0], "%Y/%m/%d %H:%M:%S")
            if at.weekday() >= 5 or at.date() in japan or not time(8, 30) <= at.time() <= time(17, 30):
                lines.append(line)
    return lines


def test_generated_set_matches_its_truth_through_the_cli(db, db_path: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(GENERATOR), "--ops", "20000", "--seed", "11", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, tmp_path / "oplog.csv")
    load_register(db, agency_id, tmp_path / "register.csv")
    out = tmp_path / "result.json"

    # The generator's truth knows the nine register and list kinds; its busy days are left out by the option.
    assert main(["--db", str(db_path), "reconcile", "--agency", "C09", "--spike-minimum", "100000",
                 "--json", str(out)]) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    expected = {TRUTH_NAMES.get(k, k): v for k, v in truth.items() if isinstance(v, list) and v}
    expected["off_hours"] = _independent_off_hours(tmp_path / "oplog.csv")
    assert len(expected["off_hours"]) > len(expected["unregistered_operation"])  # holidays are in the set
    assert lines_by_kind(result) == expected
    assert result["summary"]["concurrent_session"] == 0
    assert sum(result["summary"].values()) == len(result["discrepancies"])


def test_cli_period_tolerance_hours_and_explain(db, db_path: Path, tmp_path: Path, capsys) -> None:
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    out = tmp_path / "april.json"

    code = main(["--db", str(db_path), "reconcile", "--agency", "C09", "--from", "2025-04-01", "--to", "R7.4.30",
                 "--hours", "09:00-17:30", "--tolerance", "5", "--json", str(out)])

    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    found = lines_by_kind(result)
    assert found["unregistered_operation"] == [830, 1334]  # the night operations after April are outside
    assert len(found["off_hours"]) > 2  # 08:40 sessions start before 09:00
    assert "未確認: unknown_operator" in capsys.readouterr().out

    run_id = db.scalar("SELECT max(id) FROM reconciliation")
    first = db.scalar("SELECT min(id) FROM discrepancy WHERE reconciliation_id = ?", (run_id,))
    assert main(["--db", str(db_path), "discrepancy", "explain", "--id", str(first), "--reason", "障害時の再照会"]) == 0
    assert db.query("SELECT status, explanation FROM discrepancy WHERE id = ?", (first,)) == [
        ("explained", "障害時の再照会")]
    assert main(["--db", str(db_path), "discrepancy", "reopen", "--id", str(first)]) == 0
    assert db.query("SELECT status, explanation FROM discrepancy WHERE id = ?", (first,)) == [("open", None)]


def test_cli_bad_input_says_what_is_wrong(db, db_path: Path, tmp_path: Path, capsys) -> None:
    ensure_agency(db)
    out = tmp_path / "x.json"
    assert main(["--db", str(db_path), "reconcile", "--agency", "NOPE", "--json", str(out)]) == 3
    assert "NOPE" in capsys.readouterr().err
    assert main(["--db", str(db_path), "reconcile", "--agency", "C09", "--hours", "9-5", "--json", str(out)]) == 3
    assert "業務時間" in capsys.readouterr().err
    assert main(["--db", str(db_path), "reconcile", "--agency", "C09", "--from", "2025-05-01", "--to", "2025-04-01",
                 "--json", str(out)]) == 3
    assert "期間" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("register_file, row_offset", [("register_cp932.csv", 0), ("register.xlsx", 2)])
def test_samples_through_the_real_importers_and_the_cli(db, db_path: Path, tmp_path: Path, register_file: str,
                                                        row_offset: int) -> None:
    base = ["--db", str(db_path)]
    assert main([*base, "import-oplog", "--agency", "C09", str(SAMPLES / "oplog_cp932.csv")]) == 0
    assert main([*base, "import-register", "--agency", "C09", str(SAMPLES / register_file)]) == 0
    out = tmp_path / "samples.json"

    assert main([*base, "reconcile", "--agency", "C09", "--json", str(out)]) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    raw = json.loads((SAMPLES / "expected_discrepancies.json").read_text(encoding="utf-8"))
    expected = {k: v for k, v in raw.items() if isinstance(v, list) and v}
    for kind in ("count_mismatch", "unused_register_entry"):  # xlsx: sheet row = CSV line + 2
        expected[kind] = [line + row_offset for line in expected[kind]]
    expected["volume_spike"] = [98, 2180]  # see test_reconcile_samples
    assert lines_by_kind(result) == expected
    assert {ref["file"] for d in result["discrepancies"] for ref in d["register"]} == {register_file}


def test_json_written_in_chunks_is_the_run_as_one_document(db, db_path: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON is encoded and its rows read a few discrepancies at a time: across every chunk boundary the
    file is byte for byte the one json.dumps gives for the whole stored run, one discrepancy a line."""
    from jukiaudit_desktop.cli import reconcile as cli_reconcile
    from jukiaudit_desktop.services import reconciliation, rows_ahead

    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    monkeypatch.setattr(cli_reconcile, "_JSON_CHUNK", 3)
    monkeypatch.setattr(rows_ahead, "_CHUNK_ROWS", 5)
    out = tmp_path / "run.json"

    assert main(["--db", str(db_path), "reconcile", "--agency", "C09", "--json", str(out)]) == 0

    stored = reconciliation.export_run(db, db.scalar("SELECT max(id) FROM reconciliation"))
    assert len(stored["discrepancies"]) > 20  # many chunks of both sizes
    whole = json.dumps(stored, ensure_ascii=False).replace('}, {"kind": ', '},\n{"kind": ') + "\n"
    assert out.read_bytes() == whole.encode("utf-8")
    lines = out.read_text(encoding="utf-8").splitlines()
    # the first skipped check and the first discrepancy share a line with what comes before them
    assert len(lines) == len(stored["skipped"]) + len(stored["discrepancies"]) - 1
    assert all(line.startswith('{"kind": ') for line in lines[1:])
