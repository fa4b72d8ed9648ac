"""Packages carry reconciliation runs, issued sheets and the office's identifier key; deletions merge three
ways (issue 18)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.packages import three_machines

from jukiaudit_desktop.core.audit import AuditType, FindingClass
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.importers.profile import default_profile, load_profile
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import audits, doc_numbers, findings, packages, reconciliation, reports
from jukiaudit_desktop.storage import subject_keys, trail
from jukiaudit_desktop.storage.database import Database

AGENCY = "C01"
LOG = ("操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果,住民票コード\n"
       "2026/04/06 10:00:05,T001,K10001,住民票コード検索,別表5-10,1,正常,12345678906\n"
       "2026/04/06 10:02:40,T001,K10001,4情報検索,別表5-10,1,該当なし,\n"
       "2026/04/06 19:40:00,T001,K10001,住民票コード検索,別表5-10,1,正常,98765432109\n"
       "2026/04/07 11:00:00,T002,K10002,住民票コード検索,別表5-10,1,正常,12345678906\n")
REGISTER = ("使用日,開始時刻,終了時刻,端末ID,使用者ID,利用事務コード,照会件数\n"
            "2026/04/06,10:00,10:05,T001,K10001,別表5-10,1\n2026/04/08,09:00,09:30,T003,K10003,別表5-10,2\n")
PROFILE = ('name = "識別子つき"\n[oplog.columns]\nat = "操作日時"\nterminal = "端末ID"\noperator = "操作者ID"\n'
           'op_kind = "処理区分"\njimu_code = "利用事務コード"\ncount = "照会件数"\nresult = "処理結果"\n'
           '[[oplog.identifiers]]\nheader = "住民票コード"\nkind = "住民票コード"\n')


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[dict[str, Database]]:
    with three_machines(tmp_path) as dbs:
        yield dbs


def _reconciled_audit(db: Database, tmp_path: Path, name: str) -> tuple[int, int]:
    """An audit of AGENCY whose sheet reports a run over a small log with identifiers: (audit id, run id)."""
    (tmp_path / f"{name}.csv").write_text(LOG, encoding="utf-8")
    (tmp_path / f"{name}_register.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "profile.toml").write_text(PROFILE, encoding="utf-8")
    profile = load_profile(tmp_path / "profile.toml")
    from jukiaudit_desktop.services import imports
    imports.import_files(db, AGENCY, profile.layout("oplog"), [tmp_path / f"{name}.csv"])
    imports.import_files(db, AGENCY, default_profile().layout("register"), [tmp_path / f"{name}_register.csv"])
    run = reconciliation.run_reconciliation(db, AGENCY, ReconcileSettings()).run_id
    audit = audits.create_audit(db, AGENCY, 2026, AuditType.INTERNAL, place="会議室", auditors=["監査 一郎"])
    assert audit.id is not None
    reports.set_sheet_run(db, audit.id, run)
    return audit.id, run


def _uuid_of(db: Database, audit_id: int) -> str:
    return str(db.scalar("SELECT uuid FROM audit WHERE id = ?", (audit_id,)))


def _audit_here(db: Database, uuid: str) -> int:
    return int(db.scalar("SELECT id FROM audit WHERE uuid = ?", (uuid,)))


def _file_state(db: Database) -> str:
    """The database's bytes: the main file and its write-ahead log (where a commit lands first)."""
    files = (db.path, db.path.with_name(db.path.name + "-wal"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


def test_run_and_issued_sheet_arrive_and_verify_at_the_office(machines: dict[str, Database], tmp_path: Path) -> None:
    office, lap_a = machines["office"], machines["lap_a"]
    # The office's key reaches the laptop once, under the seal, before the laptop hashes anything.
    plan = packages.import_package(lap_a, packages.export_package(office, [], "lap_a", tmp_path / "m.jkp",
                                                                  master=True).path)
    assert plan.subject_key is not None
    assert subject_keys.subject_key(lap_a) == subject_keys.subject_key(office)

    audit_id, run_id = _reconciled_audit(lap_a, tmp_path, "a")
    found = reconciliation.list_discrepancies(lap_a, run_id)
    assert len(found) >= 3
    reconciliation.mark_explained(lap_a, found[0].id, "研修用の照会(記録あり)")
    findings.add_finding(lap_a, audit_id, FindingClass.NEEDS_IMPROVEMENT, "先に書いた所見")
    raised = findings.raise_from_discrepancy(lap_a, audit_id, found[1].id)
    pdf, issue = reports.findings_sheet_pdf(lap_a, audit_id, allow_incomplete=True)
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(pdf)
    assert reports.verify_sheet(lap_a, sheet).matches

    out = packages.export_package(lap_a, [audit_id], "office", tmp_path / "a.jkp")
    sealed = out.path.read_bytes()
    masks = [str(m) for (m,) in lap_a.query("SELECT subject_mask FROM operation WHERE subject_mask IS NOT NULL")]
    for text in ("K10001", "別表5-10", "研修用の照会", issue.doc_number, *masks):
        assert text.encode() not in sealed, text
    assert b"%PDF" not in sealed
    dry = packages.plan_import(office, out.path)
    assert any(line.startswith("突合結果 1 件") for line in packages.carried_lines(dry))
    plan = packages.import_package(office, out.path)
    assert len(plan.runs) == 1 and [s["doc_number"] for _a, s in plan.sheets] == [issue.doc_number]

    here = _audit_here(office, _uuid_of(lap_a, audit_id))
    result = reports.verify_sheet(office, sheet)
    assert result.matches, result.explain()
    # The run, its discrepancies with their explanations, and the rows they point at, as on the laptop.
    run_here = office.scalar("SELECT reconciliation_id FROM audit WHERE id = ?", (here,))
    theirs = [(d.ordinal, d.kind, d.status, d.explanation, d.detail)
              for d in reconciliation.list_discrepancies(lap_a, run_id)]
    mine = [(d.ordinal, d.kind, d.status, d.explanation, d.detail)
            for d in reconciliation.list_discrepancies(office, run_here)]
    assert mine == theirs
    rows = "SELECT o.line, o.at, o.subject_hash FROM discrepancy d, json_each(d.operation_ids) j " \
           "JOIN operation o ON o.id = j.value WHERE d.reconciliation_id = ? ORDER BY d.ordinal, j.key"
    assert office.query(rows, (run_here,)) == lap_a.query(rows, (run_id,))
    (finding_here,) = [f for f in findings.list_findings(office, here) if f.title == raised.title]
    assert finding_here.discrepancy_id is not None
    # Identifiers hashed on the laptop are the office's hashes: the same person matches on both machines.
    assert office.scalar("SELECT count(DISTINCT subject_hash) FROM operation WHERE subject_hash IS NOT NULL") == 2
    assert trail.verify(office) == [] and trail.verify(lap_a) == []

    with pytest.raises(InputError, match="取込済み"):
        packages.import_package(office, out.path)
    # The same log imported at the office is recognised as stored already: the file came whole.
    from jukiaudit_desktop.services import imports
    batch = imports.import_files(office, AGENCY, load_profile(tmp_path / "profile.toml").layout("oplog"),
                                 [tmp_path / "a.csv"])
    assert office.scalar("SELECT count(*) FROM operation o JOIN agency g ON g.id = o.agency_id WHERE g.code = ?",
                         (AGENCY,)) == LOG.count("\n") - 1, batch


def test_a_run_hashed_with_another_key_is_refused(machines: dict[str, Database], tmp_path: Path) -> None:
    office, lap_b = machines["office"], machines["lap_b"]  # lap_b never received the office's key
    audit_id, _run = _reconciled_audit(lap_b, tmp_path, "b")
    out = packages.export_package(lap_b, [audit_id], "office", tmp_path / "b.jkp")
    before = _file_state(office)
    with pytest.raises(InputError, match="異なる鍵"):
        packages.import_package(office, out.path)
    assert _file_state(office) == before
    # Later the office's key does not replace the laptop's own: its hashes would be orphaned.
    plan = packages.import_package(lap_b, packages.export_package(office, [], "lap_b", tmp_path / "m.jkp",
                                                                  master=True).path)
    assert plan.subject_key is None and "採用しませんでした" in plan.notes[0]


def test_a_laptop_never_sends_the_key(machines: dict[str, Database], tmp_path: Path) -> None:
    lap_a, lap_b = machines["lap_a"], machines["lap_b"]
    audit = audits.create_audit(lap_a, AGENCY, 2026, AuditType.INTERNAL)
    assert audit.id is not None
    package = packages.export_package(lap_a, [audit.id], "lap_b", tmp_path / "a.jkp")
    plan = packages.plan_import(lap_b, package.path)
    assert plan.subject_key is None


def test_deletions_propagate_and_are_not_resurrected(machines: dict[str, Database], tmp_path: Path) -> None:
    office, lap_a = machines["office"], machines["lap_a"]
    audit = audits.create_audit(lap_a, AGENCY, 2026, AuditType.INTERNAL)
    assert audit.id is not None
    keep = findings.add_finding(lap_a, audit.id, FindingClass.NEEDS_IMPROVEMENT, "残す所見")
    gone = findings.add_finding(lap_a, audit.id, FindingClass.NEEDS_IMPROVEMENT, "取り消す所見")
    edited = findings.add_finding(lap_a, audit.id, FindingClass.NEEDS_IMPROVEMENT, "相手が直す所見")
    packages.import_package(office, packages.export_package(lap_a, [audit.id], "office", tmp_path / "1.jkp").path)
    here = _audit_here(office, _uuid_of(lap_a, audit.id))

    # The laptop deletes two findings (one of them the office has edited meanwhile).
    for finding in (gone, edited):
        with lap_a.transaction():
            lap_a.execute("DELETE FROM finding WHERE id = ?", (finding.id,))
            trail.record(lap_a, "finding.delete", finding_id=finding.id)
    office_edited = next(f for f in findings.list_findings(office, here) if f.title == edited.title)
    assert office_edited.id is not None
    findings.update_finding(office, office_edited.id, condition="本庁で追記")

    package = packages.export_package(lap_a, [audit.id], "office", tmp_path / "2.jkp").path
    plan = packages.plan_import(office, package)
    (conflict,) = plan.conflicts  # deleted there, edited here: the inspector decides
    assert conflict.theirs is None and "削除" in conflict.description
    before = _file_state(office)
    packages.import_package(office, package, {conflict.path: "mine"})
    assert _file_state(office) != before  # the byte-identical checks above can see a change
    assert sorted(f.title for f in findings.list_findings(office, here)) == sorted([keep.title, edited.title])

    # Back on the laptop: the deleted finding does not come back; the one the office kept does.
    back = packages.export_package(office, [here], "lap_a", tmp_path / "3.jkp").path
    packages.import_package(lap_a, back)
    assert sorted(f.title for f in findings.list_findings(lap_a, audit.id)) == sorted([keep.title, edited.title])
    assert trail.verify(office) == [] and trail.verify(lap_a) == []


def test_a_sheet_number_used_here_for_another_sheet_is_refused(machines: dict[str, Database], tmp_path: Path) -> None:
    office, lap_a = machines["office"], machines["lap_a"]
    numbers = []
    for db, agency in ((office, "C02"), (lap_a, "C03")):
        doc_numbers.set_number_format(db, "市町村第{n}号")  # the same format on both machines
        audit = audits.create_audit(db, agency, 2026, AuditType.INTERNAL)
        assert audit.id is not None
        numbers.append((audit.id, reports.findings_sheet_pdf(db, audit.id, allow_incomplete=True)[1].doc_number))
    assert numbers[0][1] == numbers[1][1] == "市町村第1号"
    out = packages.export_package(lap_a, [numbers[1][0]], "office", tmp_path / "a.jkp")
    before = _file_state(office)
    with pytest.raises(InputError, match="文書番号 市町村第1号 はこの端末で別の文書"):
        packages.import_package(office, out.path)
    assert _file_state(office) == before


def test_the_offices_watch_list_flows_to_laptops_that_hash_with_its_key(machines: dict[str, Database],
                                                                       tmp_path: Path) -> None:
    from jukiaudit_desktop.services import watchlist

    office, lap_a, lap_b = machines["office"], machines["lap_a"], machines["lap_b"]
    watchlist.add_entry(office, "住民票コード", "12345678906", "著名人A")            # the office's list
    watchlist.add_entry(office, "個人番号", "123456789018", "職員の家族(申出)", AGENCY)  # one agency's
    watched = office.query("SELECT subject_hash, label FROM watchlist_entry ORDER BY label")

    # lap_a has hashed nothing: it adopts the office's key with the master data, so the hashes match there.
    plan = packages.import_package(lap_a, packages.export_package(office, [], "lap_a", tmp_path / "a.jkp",
                                                                  master=True).path)
    assert plan.master_changes["watchlist_entry"] == [2, 0]
    assert lap_a.query("SELECT subject_hash, label FROM watchlist_entry ORDER BY label") == watched
    assert lap_a.scalar("SELECT count(*) FROM watchlist_entry w JOIN agency a ON a.id = w.agency_id "
                        "WHERE a.code = ?", (AGENCY,)) == 1
    assert lap_a.scalar("SELECT count(*) FROM watchlist_entry WHERE agency_id IS NULL") == 1
    assert trail.verify(lap_a) == []

    # lap_b hashed its own log first and keeps its key: the office's hashes would match nobody there.
    _reconciled_audit(lap_b, tmp_path, "b")
    plan = packages.import_package(lap_b, packages.export_package(office, [], "lap_b", tmp_path / "b.jkp",
                                                                  master=True).path)
    assert plan.master_changes["watchlist_entry"] == [0, 0]
    assert any("監視対象は取り込みませんでした" in note for note in plan.notes), plan.notes
    assert lap_b.scalar("SELECT count(*) FROM watchlist_entry") == 0
