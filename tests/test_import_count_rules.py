"""Count rules in profiles: which rows count toward 照会件数 (the docs' vendor whose one lookup writes two rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.importers.profile import default_profile, load_profile
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage.database import Database

HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果,住民票コード"
LOG = [  # one person looked up (two rows in one second), one search that found nobody
    "2025/04/01 10:00:05,T001,K10001,住民票コード検索,別表5-10,1,正常,12345678906",
    "2025/04/01 10:00:05,T001,K10001,個人番号検索,別表5-10,1,正常,12345678906",
    "2025/04/01 10:02:40,T001,K10001,4情報検索,別表5-10,1,該当なし,",
]
REGISTER = "使用日,開始時刻,終了時刻,端末ID,使用者ID,利用事務コード,照会件数\n2025/04/01,10:00,10:05,T001,K10001,別表5-10,1\n"
IDENTIFIERS = '[[oplog.identifiers]]\nheader = "住民票コード"\nkind = "住民票コード"\n'


def _profile(tmp_path: Path, rule: str) -> Path:
    path = tmp_path / "vendor_y.toml"
    path.write_text(f'name = "ベンダーY"\n[oplog]\n{rule}\n[oplog.columns]\nat = "操作日時"\nterminal = "端末ID"\n'
                    f'operator = "操作者ID"\nop_kind = "処理区分"\njimu_code = "利用事務コード"\ncount = "照会件数"\n'
                    f'result = "処理結果"\n{IDENTIFIERS}', encoding="utf-8")
    return path


def _count_mismatches(db: Database, tmp_path: Path, agency: str, profile_path: Path) -> list[dict]:
    log = tmp_path / f"{agency}.csv"
    log.write_text("\n".join([HEADER, *LOG, ""]), encoding="utf-8")
    register = tmp_path / f"{agency}_register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    imports.import_files(db, agency, load_profile(profile_path).layout("oplog"), [log])
    imports.import_files(db, agency, default_profile().layout("register"), [register])
    exported = export_run(db, run_reconciliation(db, agency, ReconcileSettings()).run_id)
    return [d["detail"] for d in exported["discrepancies"] if d["kind"] == "count_mismatch"]


def test_rows_count_by_default_and_persons_under_the_vendors_rule(db: Database, tmp_path: Path) -> None:
    by_rows = _count_mismatches(db, tmp_path, "A", _profile(tmp_path, ""))  # no count_rule: the default
    assert [(d["register_count"], d["logged_count"]) for d in by_rows] == [(1, 3)]

    rule = '[oplog.count_rule]\nfailed_results = ["該当なし", "エラー"]\ncount_failed = false\nper = "subject_second"'
    assert _count_mismatches(db, tmp_path, "B", _profile(tmp_path, rule)) == []
    # the rows keep their own 照会件数; only what they count is worked out
    assert db.query("SELECT count, counted FROM operation o JOIN agency a ON a.id = o.agency_id "
                    "WHERE a.code = 'B' ORDER BY o.id") == [(1, 1), (1, 0), (1, 0)]


def test_counting_only_some_kinds_and_failed_rows(db: Database, tmp_path: Path) -> None:
    only_kinds = '[oplog.count_rule]\nop_kinds = ["住民票コード検索", "4情報検索"]'
    found = _count_mismatches(db, tmp_path, "C", _profile(tmp_path, only_kinds))
    assert [(d["register_count"], d["logged_count"]) for d in found] == [(1, 2)]  # the failed search still counts


@pytest.mark.parametrize(("rule", "message"), [
    ('[oplog.count_rule]\nper = "person"', "oplog.count_rule.per"),
    ('[oplog.count_rule]\ncount_failed = "no"', "oplog.count_rule.count_failed: true か false"),
    ('[oplog.count_rule]\nop_kinds = "検索"', "oplog.count_rule.op_kinds: 文字列の並び"),
    ('[oplog.count_rule]\nrows = 1', "不明なキーがあります: rows"),
])
def test_bad_count_rules_are_refused_naming_the_key(tmp_path: Path, rule: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_profile(_profile(tmp_path, rule))


def test_docs_example_is_a_valid_profile(tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "import_profiles.md").read_text(encoding="utf-8")
    example = docs.split("### 例: 1 回の照会で 2 行書くベンダー")[1].split("```toml\n")[1].split("```")[0]
    rule = example.split("[[oplog.identifiers]]")[0]
    profile = load_profile(_profile(tmp_path, rule))
    assert profile.layout("oplog").count_rule.per == "subject_second"
