"""Subject and activity kinds end to end: a generated log with a 住民票コード column and planted patterns
(tools/gen_subject_log.py) read by the real importer with a profile naming the column, reconciled by the CLI;
the watch-list; no clear number in the decrypted tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jukiaudit_desktop.core.identifiers import mask

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "gen_subject_log.py"
NEW_KINDS = ("repeated_subject", "watchlist_hit", "volume_spike", "failed_search_burst", "unregistered_terminal")


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    out = tmp_path / "planted"
    subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True,
                   env={"PYTHONPATH": str(ROOT)})
    return out


@pytest.fixture
def loaded(cli: Any, planted: Path) -> Path:
    """Agencies C17 (the log, terminals T01–T03) and C99, the log imported with the generated profile."""
    assert cli("init")[0] == 0
    for code in ("C17", "C99"):
        assert cli("agency", "add", "--code", code, "--name", f"機関{code}")[0] == 0
    for terminal in (planted / "terminals.txt").read_text(encoding="utf-8").split():
        assert cli("terminal", "add", "--agency", "C17", "--code", terminal)[0] == 0
    code, out, err = cli("import-oplog", "--agency", "C17", "--profile", str(planted / "profile.toml"),
                         str(planted / "oplog.csv"))
    assert code == 0, err
    return planted


def _reconcile(cli: Any, out: Path, *options: str) -> dict[str, Any]:
    code, _, err = cli("reconcile", "--agency", "C17", *options, "--json", str(out))
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8"))


def _lines(exported: dict[str, Any], kind: str) -> list[list[int]]:
    return sorted(sorted(ref["line"] for ref in d["oplog"]) for d in exported["discrepancies"] if d["kind"] == kind)


def test_every_new_kind_finds_exactly_the_planted_lines(cli: Any, loaded: Path, tmp_path: Path) -> None:
    truth = json.loads((loaded / "truth.json").read_text(encoding="utf-8"))
    first = _reconcile(cli, tmp_path / "first.json")
    assert _lines(first, "watchlist_hit") == []  # no watch-list yet
    for kind in ("repeated_subject", "volume_spike", "failed_search_burst", "unregistered_terminal"):
        assert _lines(first, kind) == truth[kind], kind
    assert "unregistered_terminal" not in {s["kind"] for s in first["skipped"]}  # C17 has terminals

    code, out, _ = cli("watchlist", "import", str(loaded / "watchlist.csv"))
    assert code == 0 and "削除" in out
    assert cli("watchlist", "import", "--agency", "C99", str(loaded / "watchlist_c99.csv"))[0] == 0
    again = _reconcile(cli, tmp_path / "again.json")
    assert _lines(again, "watchlist_hit") == truth["watchlist_hit"]  # the other agency's entry is not C17's
    labels = sorted(d["detail"]["label"] for d in again["discrepancies"] if d["kind"] == "watchlist_hit")
    assert labels == ["職員の家族(申出)", "職員の家族(申出)", "著名人A"]
    for kind in NEW_KINDS:
        if kind != "watchlist_hit":
            assert _lines(again, kind) == truth[kind]

    repeat = _reconcile(cli, tmp_path / "repeat.json")
    assert (tmp_path / "repeat.json").read_bytes() == (tmp_path / "again.json").read_bytes()
    assert repeat["summary"] == again["summary"]


def test_thresholds_come_from_the_options(cli: Any, loaded: Path, tmp_path: Path) -> None:
    loose = _reconcile(cli, tmp_path / "loose.json", "--repeat-days", "2", "--repeat-operators", "2",
                       "--spike-minimum", "61", "--burst-failures", "4", "--burst-minutes", "5")
    assert len(_lines(loose, "repeated_subject")) > 4  # now also twice, and two operators
    assert _lines(loose, "volume_spike") == []
    bursts = _lines(loose, "failed_search_burst")  # 6 in 5 minutes, and 4 in 3¾ minutes (O03's 4 take 7½)
    assert [len(b) for b in bursts] == [6, 4] and bursts[0] == json.loads(
        (loaded / "truth.json").read_text(encoding="utf-8"))["failed_search_burst"][0]
    assert loose["summary"]["watchlist_hit"] == 0


def test_saved_thresholds_are_the_defaults_of_every_run(cli: Any, loaded: Path, tmp_path: Path) -> None:
    truth = json.loads((loaded / "truth.json").read_text(encoding="utf-8"))
    code, out, _ = cli("reconcile-thresholds")
    assert code == 0 and "--spike-minimum 50" in out and "--repeat-days 3" in out  # nothing saved: the defaults
    code, _, err = cli("reconcile-thresholds", "--repeat-days", "0")
    assert code == 3 and "1 以上" in err
    code, out, _ = cli("reconcile-thresholds", "--spike-minimum", "61")
    assert code == 0 and "--spike-minimum 61" in out and "--repeat-days 3" in out  # only what was given changed
    saved = _reconcile(cli, tmp_path / "saved.json")
    assert _lines(saved, "volume_spike") == []  # O07's 60 is below the saved 61
    assert _lines(saved, "repeated_subject") == truth["repeated_subject"]
    overridden = _reconcile(cli, tmp_path / "overridden.json", "--spike-minimum", "50")  # an option wins
    assert _lines(overridden, "volume_spike") == truth["volume_spike"]


def test_a_terminal_list_missing_skips_the_terminal_check(cli: Any, planted: Path, tmp_path: Path) -> None:
    assert cli("init")[0] == 0
    assert cli("agency", "add", "--code", "C17", "--name", "機関")[0] == 0
    assert cli("import-oplog", "--agency", "C17", "--profile", str(planted / "profile.toml"),
               str(planted / "oplog.csv"))[0] == 0
    exported = _reconcile(cli, tmp_path / "r.json")
    assert [s["kind"] for s in exported["skipped"]] == ["unauthorized_jimu", "unknown_operator",
                                                        "unregistered_terminal"]
    assert "unregistered_terminal" not in exported["summary"]


def test_no_clear_number_is_stored(cli: Any, loaded: Path, db_path: Path) -> None:
    assert cli("watchlist", "import", str(loaded / "watchlist.csv"))[0] == 0
    numbers = {line.split(",")[1] for line in (loaded / "watchlist.csv").read_text(encoding="utf-8").splitlines()[1:]}
    numbers |= {line.rsplit(",", 1)[1] for line in (loaded / "oplog.csv").read_text(encoding="utf-8").splitlines()[1:]}
    from jukiaudit_desktop.services.database_access import open_app_database

    db = open_app_database(db_path)
    try:
        tables = [name for (name,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = "\n".join(repr(row) for table in tables for row in db.query(f'SELECT * FROM "{table}"'))
    finally:
        db.close()
    assert "住民票コード" in dump and "著名人A" in dump  # the dump is really the decrypted content
    leaked = sorted(n for n in numbers if n in dump)
    assert leaked == []
    assert all(n[:7] not in dump for n in numbers if len(n) == 12)


@pytest.mark.parametrize(("content", "where"), [
    ("種別,番号,表示名\n個人番号,400000000018,誤り\n", "watch.csv:2:2"),  # check digit wrong
    ("種別,番号,表示名\n住民票コード,3000000001,短い\n", "watch.csv:2:2"),
    ("種別,番号,表示名\n運転免許,30000000015,種別違い\n", "watch.csv:2:1"),
    ("種別,番号,表示名\n住民票コード,30000000015,\n", "watch.csv:2:3"),
    ("種別,番号,表示名\n住民票コード,30000000015,A\n住民票コード,30000000015,B\n", "watch.csv:3"),
    ("種別,番号,表示名\n住民票コード,30000000015,著名人\x07A\n", "watch.csv:2:3: セルに制御文字(U+0007)"),
])
def test_a_bad_watchlist_file_stores_nothing(cli: Any, tmp_path: Path, content: str, where: str) -> None:
    assert cli("init")[0] == 0
    path = tmp_path / "watch.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli("watchlist", "import", str(path))
    assert code == 3 and where in err
    assert "400000000018" not in err and "3000000001" not in err
    assert cli("watchlist", "list")[1] == ""


def test_list_and_remove(cli: Any, loaded: Path) -> None:
    assert cli("watchlist", "import", str(loaded / "watchlist.csv"))[0] == 0
    code, out, _ = cli("watchlist", "list")
    assert code == 0 and [line.split("\t")[3] for line in out.splitlines()] == [
        "著名人A", "職員の家族(申出)", "未照会の注視対象者"]
    assert "3000001" not in out
    code, out, _ = cli("watchlist", "remove", "1")
    assert code == 0 and "著名人A" in out
    assert cli("watchlist", "remove", "1")[0] == 3
    assert len(cli("watchlist", "list")[1].splitlines()) == 2


def test_an_operators_own_list_decides_unauthorized_jimu(cli: Any, loaded: Path, tmp_path: Path) -> None:
    rows = [row.split(",") for row in (loaded / "oplog.csv").read_text(encoding="utf-8").splitlines()]
    for code in sorted({row[4] for row in rows[1:]}):
        assert cli("jimu", "add", "--code", code, "--name", f"事務{code}", "--agency", "C17")[0] == 0
    assert cli("jimu", "add", "--code", "別表6-9", "--name", "他機関の事務", "--agency", "C99")[0] == 0
    for operator in ("O01", "O02"):
        assert cli("operator", "add", "--agency", "C17", "--code", operator)[0] == 0
    code, _, err = cli("operator-jimu", "set", "--agency", "C17", "--code", "O01", "別表6-9")
    assert code == 3 and "別表6-9" in err  # not one of the agency's
    assert cli("operator-jimu", "set", "--agency", "C17", "--code", "O01", "別表5-5", "別表5-10")[0] == 0
    assert cli("operator-jimu", "list", "--agency", "C17")[1] == "O01\t別表5-10, 別表5-5\n"

    exported = _reconcile(cli, tmp_path / "r.json")
    outside = [line for line, row in enumerate(rows[1:], start=2)
               if row[2] == "O01" and row[4] not in ("別表5-5", "別表5-10")]
    unauthorized = [d for d in exported["discrepancies"] if d["kind"] == "unauthorized_jimu"]
    assert len(outside) > 10  # O01's 条例3-2 and its one 別表6-3: the agency's, not O01's
    assert sorted(d["oplog"][0]["line"] for d in unauthorized) == outside
    assert {d["detail"]["reason"] for d in unauthorized} == {"操作者 O01 の権限外の事務です"}

    assert cli("operator-jimu", "set", "--agency", "C17", "--code", "O01")[0] == 0  # back to the agency's list
    assert _reconcile(cli, tmp_path / "r2.json")["summary"]["unauthorized_jimu"] == 0


def test_sample_is_reproducible_stratified_and_inside_the_period(cli: Any, loaded: Path, tmp_path: Path) -> None:
    rows = [row.split(",") for row in (loaded / "oplog.csv").read_text(encoding="utf-8").splitlines()]

    def sample(seed: str, name: str, *extra: str) -> dict[str, Any]:
        code, out, err = cli("sample", "--agency", "C17", "--from", "2025-04-01", "--to", "R7.4.30", "--n", "30",
                             "--seed", seed, "--json", str(tmp_path / name), *extra)
        assert code == 0, err
        assert f"乱数の種 {seed}" in out
        return json.loads((tmp_path / name).read_text(encoding="utf-8"))

    first = sample("20251001", "a.json", "--pdf", str(tmp_path / "a.pdf"))
    again = sample("20251001", "b.json")
    other = sample("7", "c.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert [line["operation_id"] for line in other["lines"]] != [line["operation_id"] for line in first["lines"]]
    april = [row for row in rows[1:] if row[0].startswith("2025/04/")]
    for drawn in (first, other):
        assert len(drawn["lines"]) == 30
        assert all(line["at"].startswith("2025-04-") for line in drawn["lines"])
        by_jimu = {code: sum(1 for line in drawn["lines"] if line["jimu_code"] == code) for code in
                   {row[4] for row in april}}
        assert by_jimu["別表6-3"] == 1 and by_jimu["別表5-10"] > 5 * by_jimu["別表5-5"] > 0  # ~ volume, one at least
        assert [line["at"] for line in drawn["lines"]] == sorted(line["at"] for line in drawn["lines"])
    assert again["seed"] == 20251001

    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "乱数の種: 20251001" in text and "申請書" in text and "根拠書類" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "a.pdf")], capture_output=True, text=True, check=True).stdout
    assert "IPAex" in fonts
    first_number = rows[first["lines"][0]["line"] - 1][7]
    assert first_number not in text and mask(first_number) in text


def test_sample_results_and_a_deficiency_raised_as_a_finding(cli: Any, loaded: Path, tmp_path: Path) -> None:
    assert cli("sample", "--agency", "C17", "--n", "5", "--seed", "1", "--json", str(tmp_path / "s.json"))[0] == 0
    assert cli("audit", "new", "--agency", "C17", "--year", "2025", "--type", "内部監査")[0] == 0
    assert cli("sample-result", "--sample", "1", "--line", "1", "--result", "確認済")[0] == 0
    code, _, err = cli("sample-result", "--sample", "1", "--line", "2", "--result", "不備")
    assert code == 3 and "備考" in err
    assert cli("sample-result", "--sample", "1", "--line", "2", "--result", "不備", "--note", "申請書なし")[0] == 0
    assert cli("sample-finding", "--sample", "1", "--line", "1", "--audit", "1")[0] == 3  # 確認済: nothing to raise
    code, out, err = cli("sample-finding", "--sample", "1", "--line", "2", "--audit", "1")
    assert code == 0, err
    code, out, _ = cli("finding", "list", "--audit", "1")
    assert "申請書・根拠書類" in out
    assert cli("sample-finding", "--sample", "1", "--line", "2", "--audit", "1")[0] == 3  # only once


def test_lookups_of_a_repeated_subject_show_the_masked_number_only(cli: Any, loaded: Path, tmp_path: Path,
                                                                   db_path: Path) -> None:
    truth = json.loads((loaded / "truth.json").read_text(encoding="utf-8"))
    _reconcile(cli, tmp_path / "r.json")
    from jukiaudit_desktop.services.database_access import open_app_database
    from jukiaudit_desktop.services.reconciliation import export_run, list_discrepancies

    db = open_app_database(db_path)
    try:
        repeated = [d for d in list_discrepancies(db, 1) if d.kind.value == "repeated_subject"]
        lines = [sorted(ref["line"] for ref in d["oplog"]) for d in export_run(db, 1)["discrepancies"]
                 if d["kind"] == "repeated_subject"]
    finally:
        db.close()
    rows = (loaded / "oplog.csv").read_text(encoding="utf-8").splitlines()
    for found, expected in zip(repeated, lines, strict=True):
        code, out, _ = cli("subject", "lookups", "--discrepancy", str(found.id))
        assert code == 0
        number = rows[expected[0] - 1].rsplit(",", 1)[1]
        assert number not in out and mask(number) in out
        assert [int(line.rsplit(":", 1)[1]) for line in out.splitlines()[1:]] == expected
    assert sorted(lines) == truth["repeated_subject"]
    code, _, err = cli("subject", "lookups", "--discrepancy", "999999")
    assert code == 3 and "999999" in err


def test_success_values_are_those_of_each_files_profile(db, tmp_path: Path) -> None:
    from jukiaudit_desktop.core.master import Agency
    from jukiaudit_desktop.importers.profile import OPLOG, default_profile, load_profile
    from jukiaudit_desktop.reconcile.settings import ReconcileSettings
    from jukiaudit_desktop.services import imports, master_data
    from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation

    master_data.add_agency(db, Agency("C17", "機関"))
    header = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果\n"
    for name, operator in (("a.csv", "A1"), ("b.csv", "B1")):
        rows = "".join(f"2025/04/01 10:0{i}:00,T01,{operator},4情報検索,別表5-10,1,該当なし\n" for i in range(5))
        (tmp_path / name).write_text(header + rows + "2025/04/01 11:00:00,T01,X,4情報検索,別表5-10,1,\n",
                                     encoding="utf-8")
    lenient = tmp_path / "lenient.toml"
    lenient.write_text('[oplog]\nsuccess_results = ["正常", "該当なし"]\n[oplog.columns]\nat = "操作日時"\n'
                       'terminal = "端末ID"\noperator = "操作者ID"\nresult = "処理結果"\n', encoding="utf-8")
    imports.import_files(db, "C17", load_profile(lenient).layout(OPLOG), [tmp_path / "a.csv"])
    exported = export_run(db, run_reconciliation(db, "C17", ReconcileSettings()).run_id)
    assert exported["summary"]["failed_search_burst"] == 0  # 該当なし is a success for a.csv's profile
    imports.import_files(db, "C17", default_profile().layout(OPLOG), [tmp_path / "b.csv"])
    exported = export_run(db, run_reconciliation(db, "C17", ReconcileSettings()).run_id)
    bursts = [d for d in exported["discrepancies"] if d["kind"] == "failed_search_burst"]
    assert [[(r["file"], r["line"]) for r in d["oplog"]] for d in bursts] == [[("b.csv", n) for n in range(2, 7)]]


def test_every_new_kind_is_raisable_as_a_finding(cli: Any, loaded: Path, tmp_path: Path, db_path: Path) -> None:
    assert cli("watchlist", "import", str(loaded / "watchlist.csv"))[0] == 0
    _reconcile(cli, tmp_path / "r.json")
    assert cli("audit", "new", "--agency", "C17", "--year", "2025", "--type", "内部監査")[0] == 0
    from jukiaudit_desktop.services.database_access import open_app_database
    from jukiaudit_desktop.services.findings import DISCREPANCY_TITLES
    from jukiaudit_desktop.services.reconciliation import list_discrepancies

    db = open_app_database(db_path)
    try:
        first_of_kind = {}
        for d in list_discrepancies(db, 1):
            first_of_kind.setdefault(d.kind.value, d)
    finally:
        db.close()
    for kind in NEW_KINDS:
        found = first_of_kind[kind]
        code, out, err = cli("finding", "add", "--audit", "1", "--class", "要改善事項", "--discrepancy", str(found.id))
        assert code == 0, err
    code, out, _ = cli("finding", "list", "--audit", "1")
    for kind in NEW_KINDS:
        assert DISCREPANCY_TITLES[kind] in out
