"""Sealed packages between three installations: two laptops and the office (issue 18)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.packages import three_machines

from jukiaudit_desktop.core.audit import AuditType, FindingClass
from jukiaudit_desktop.core.errors import InputError, JukiAuditError
from jukiaudit_desktop.security import sealing
from jukiaudit_desktop.services import audits, findings, master_demo, packages
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

ITEM = "A-1"


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[dict[str, Database]]:
    with three_machines(tmp_path) as dbs:
        yield dbs


def _send(dbs: dict[str, Database], sender: str, audit_ids: list[int], to: str, out: Path) -> Path:
    packages.export_package(dbs[sender], audit_ids, to, out)
    return out


def _audit(db: Database, agency: str) -> int:
    audit = audits.create_audit(db, agency, 2026, AuditType.INTERNAL, place="会議室", auditors=["監査 一郎"])
    assert audit.id is not None
    return audit.id


def _local_id(db: Database, uuid: str) -> int:
    value = db.scalar("SELECT id FROM audit WHERE uuid = ?", (uuid,))
    assert value is not None, "audit not found by its UUID"
    return int(value)


def _uuid(db: Database, audit_id: int) -> str:
    return str(db.scalar("SELECT uuid FROM audit WHERE id = ?", (audit_id,)))


def _note(db: Database, audit_id: int, code: str = ITEM) -> str | None:
    return next(i.note for i in audits.audit_items(db, audit_id) if i.item.code == code)


def _verified(db: Database, audit_id: int, code: str) -> int | None:
    return next(i.verified for i in audits.audit_items(db, audit_id) if i.item.code == code)


def test_two_laptops_merge_into_the_office_with_conflicts_chosen(machines: dict[str, Database],
                                                                   tmp_path: Path) -> None:
    office, lap_a, lap_b = machines["office"], machines["lap_a"], machines["lap_b"]
    a = _audit(lap_a, "C01")
    audits.set_verified_score(lap_a, a, ITEM, 2)
    audits.set_note(lap_a, a, ITEM, "管理簿を確認した")
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(b"\xff\xd8JPEG evidence bytes 0123456789")
    audits.add_evidence(lap_a, a, evidence, item_code=ITEM)
    finding = findings.add_finding(lap_a, a, FindingClass.NEEDS_IMPROVEMENT, "管理簿の記載漏れ", item_code=ITEM,
                                   condition="4月分の記載がない")
    assert finding.id is not None
    b = _audit(lap_b, "C02")
    audits.set_verified_score(lap_b, b, ITEM, 3)

    # Each laptop sends its audit to the office: both arrive whole.
    for result in (packages.import_package(office, _send(machines, "lap_a", [a], "office", tmp_path / "a1.jkp")),
                   packages.import_package(office, _send(machines, "lap_b", [b], "office", tmp_path / "b1.jkp"))):
        assert len(result.new) == 1 and not result.conflicts
    a_office = _local_id(office, _uuid(lap_a, a))
    assert _verified(office, a_office, ITEM) == 2 and _note(office, a_office) == "管理簿を確認した"
    assert [f.title for f in findings.list_findings(office, a_office)] == ["管理簿の記載漏れ"]
    (info,) = audits.list_evidence(office, a_office)
    assert audits.get_evidence_content(office, info.id)[1] == evidence.read_bytes()
    assert _verified(office, _local_id(office, _uuid(lap_b, b)), ITEM) == 3

    # The office hands audit A to laptop B, and then both laptops edit it.
    packages.import_package(lap_b, _send(machines, "office", [a_office], "lap_b", tmp_path / "o1.jkp"))
    a_on_b = _local_id(lap_b, _uuid(lap_a, a))
    audits.set_note(lap_a, a, ITEM, "管理簿を確認した。4月分なし")
    audits.set_note(lap_b, a_on_b, ITEM, "管理簿は5月から")
    audits.set_verified_score(lap_b, a_on_b, "A-2", 1)            # only B touched this item
    findings.add_followup(lap_a, finding.id, date(2026, 12, 1), "一部措置", "記載を再開", date(2027, 1, 31))

    # A's change arrives first: the office had not changed A since, so it simply takes it.
    plan = packages.import_package(office, _send(machines, "lap_a", [a], "office", tmp_path / "a2.jkp"))
    assert plan.updated and not plan.conflicts
    assert _note(office, a_office) == "管理簿を確認した。4月分なし"

    # B's change conflicts on the note (both changed it since B last exchanged it with the office).
    b2 = _send(machines, "lap_b", [a_on_b], "office", tmp_path / "b2.jkp")
    dry = packages.plan_import(office, b2)
    (conflict,) = dry.conflicts
    assert (conflict.path, conflict.mine, conflict.theirs) == (f"scores/{ITEM}/note", "管理簿を確認した。4月分なし",
                                                               "管理簿は5月から")
    before = trail.current_head(office)
    with pytest.raises(JukiAuditError, match="競合が 1 件"):
        packages.import_package(office, b2)
    assert trail.current_head(office) == before and _note(office, a_office) == "管理簿を確認した。4月分なし"

    packages.import_package(office, b2, default="both")
    assert _note(office, a_office) == "管理簿を確認した。4月分なし\n――(相手の記載)――\n管理簿は5月から"
    assert _verified(office, a_office, "A-2") == 1                  # B's own change merged without asking
    assert [(f.status, f.planned_on) for f in findings.list_followups(
        office, findings.list_findings(office, a_office)[0].id)] == [("一部措置", date(2027, 1, 31))]  # A's, with its 予定日
    assert len(audits.list_audits(office, fiscal_year=2026)) == 2

    # Re-importing a package adds nothing; every trail still verifies.
    with pytest.raises(InputError, match="取込済み"):
        packages.import_package(office, b2)
    for db in machines.values():
        assert trail.verify(db) == []


def test_theirs_takes_the_other_side_and_mine_keeps_ours(machines: dict[str, Database], tmp_path: Path) -> None:
    office, lap_a = machines["office"], machines["lap_a"]
    a = _audit(lap_a, "C03")
    packages.import_package(office, _send(machines, "lap_a", [a], "office", tmp_path / "a1.jkp"))
    a_office = _local_id(office, _uuid(lap_a, a))
    audits.set_verified_score(office, a_office, ITEM, 1)
    audits.set_verified_score(lap_a, a, ITEM, 3)
    package = _send(machines, "lap_a", [a], "office", tmp_path / "a2.jkp")
    packages.import_package(office, package, {f"scores/{ITEM}/verified": "mine"}, default="theirs")
    assert _verified(office, a_office, ITEM) == 1
    audits.set_verified_score(lap_a, a, ITEM, 2)
    packages.import_package(office, _send(machines, "lap_a", [a], "office", tmp_path / "a3.jkp"), default="theirs")
    assert _verified(office, a_office, ITEM) == 2


def test_identical_audit_is_recognised(machines: dict[str, Database], tmp_path: Path) -> None:
    office, lap_a = machines["office"], machines["lap_a"]
    a = _audit(lap_a, "C04")
    packages.import_package(office, _send(machines, "lap_a", [a], "office", tmp_path / "a1.jkp"))
    plan = packages.import_package(office, _send(machines, "lap_a", [a], "office", tmp_path / "a2.jkp"))
    assert plan.identical and not plan.new and not plan.updated


def _file_state(db: Database) -> str:
    """The database's bytes: the main file and its write-ahead log (where a commit lands first)."""
    files = (db.path, db.path.with_name(db.path.name + "-wal"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


def test_refusals_change_nothing(machines: dict[str, Database], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    office, lap_a = machines["office"], machines["lap_a"]
    a = _audit(lap_a, "C05")
    audits.set_note(lap_a, a, ITEM, "秘密のメモ 佐久")
    good = _send(machines, "lap_a", [a], "office", tmp_path / "good.jkp").read_bytes()

    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x01
    cases = {"flipped.jkp": (bytes(flipped), "署名が正しくありません"),
             "truncated.jkp": (good[: len(good) - 100], "署名が正しくありません"),
             "short.jkp": (good[:30], "途中で切れて"),
             "not_a_package.jkp": (b"PK\x03\x04 hello", "送付用パッケージではありません")}
    packages.export_package(lap_a, [a], "lap_b", tmp_path / "for_b.jkp")
    cases["for_b.jkp"] = ((tmp_path / "for_b.jkp").read_bytes(), "別の宛先")
    with monkeypatch.context() as patch:
        patch.setattr(packages, "schema_version", lambda: 999)
        packages.export_package(lap_a, [a], "office", tmp_path / "newer.jkp")
    cases["newer.jkp"] = ((tmp_path / "newer.jkp").read_bytes(), "新しい版")
    stranger = open_app_database(tmp_path / "stranger.db", create=True)
    with stranger.transaction():
        master_demo.load(stranger)
    packages.ensure_identity(stranger, "stranger")
    packages.add_peer(stranger, tmp_path / "office.pub", "office")
    s = _audit(stranger, "C05")
    packages.export_package(stranger, [s], "office", tmp_path / "stranger.jkp")
    stranger.close()
    cases["stranger.jkp"] = ((tmp_path / "stranger.jkp").read_bytes(), "登録されていません")

    before = _file_state(office)
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=message):
            packages.import_package(office, tmp_path / name)
        assert _file_state(office) == before, name
    assert office.scalar("SELECT count(*) FROM audit WHERE fiscal_year = 2026") == 0


def test_nothing_of_the_content_is_readable_in_the_file(machines: dict[str, Database], tmp_path: Path) -> None:
    lap_a = machines["lap_a"]
    a = _audit(lap_a, "C01")
    audits.set_note(lap_a, a, ITEM, "秘密のメモ")
    secret = tmp_path / "scan.pdf"
    secret.write_bytes(b"%PDF-1.4 EVIDENCE-CONTENT-MARKER")
    audits.add_evidence(lap_a, a, secret)
    data = _send(machines, "lap_a", [a], "office", tmp_path / "a.jkp").read_bytes()
    # The agency code as the package's JSON holds it, quoted: a bare 3-byte "C01" turns up by chance in random
    # ciphertext of this size now and then (it failed a whole-suite run).
    for clear in ("秘密のメモ", "佐久地域振興局", '"C01"', "会議室", "監査 一郎", "scan.pdf"):
        for encoding in ("utf-8", "utf-16-le", "cp932"):
            assert clear.encode(encoding) not in data, clear
    assert b"EVIDENCE-CONTENT-MARKER" not in data


def test_public_key_file_with_a_wrong_fingerprint_is_refused(tmp_path: Path) -> None:
    public = sealing.Identity.generate("x").public
    text = public.to_bytes().replace(public.fingerprint[:4].encode(), b"0000", 1)
    with pytest.raises(sealing.SealError, match="指紋"):
        sealing.PublicIdentity.from_bytes(text, "x.pub")


def test_cli_round_trip_and_refusal_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jukiaudit_desktop.cli import main

    def run(name: str, *argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(tmp_path / f"{name}.db"), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    for name in ("office", "laptop"):
        assert run(name, "init")[0] == 0
        assert run(name, "agency", "add", "--code", "K99", "--name", "市町村課", "--kind", "本庁課")[0] == 0
        code, out, _ = run(name, "identity", "export", "--out", str(tmp_path / f"{name}.pub"))
        assert code == 0 and "指紋" in out
    assert run("office", "peer", "add", str(tmp_path / "laptop.pub"), "--name", "監査 花子")[0] == 0
    assert run("laptop", "peer", "add", str(tmp_path / "office.pub"), "--name", "本庁", "--office")[0] == 0
    code, out, _ = run("laptop", "peer", "list", "--json")
    assert code == 0 and '"office": true' in out
    assert run("laptop", "audit", "new", "--agency", "K99", "--year", "2026", "--type", "内部監査")[0] == 0
    package = tmp_path / "r8.jkp"
    assert run("laptop", "package", "export", "--year", "2026", "--to", "本庁", "--out", str(package))[0] == 0
    code, out, _ = run("office", "package", "import", str(package), "--dry-run")
    assert code == 0 and "新規: K99 令和8年度 内部監査" in out and "何も取り込んでいません" in out
    assert run("office", "package", "import", str(package))[0] == 0
    code, _, err = run("office", "package", "import", str(package))
    assert code == 3 and "取込済み" in err
    code, _, err = run("laptop", "package", "import", str(package))
    assert code == 3 and "別の宛先" in err
    code, out, _ = run("office", "audit", "list")
    assert "K99" in out
    assert run("office", "peer", "remove", "監査 花子")[0] == 0       # a lost laptop: no longer trusted
    assert run("laptop", "package", "export", "--year", "2026", "--to", "本庁", "--out", str(package))[0] == 0
    code, _, err = run("office", "package", "import", str(package))
    assert code == 3 and "登録されていません" in err


def test_master_data_flows_from_the_office_only(machines: dict[str, Database], tmp_path: Path) -> None:
    from jukiaudit_desktop.services import checklists, master_data
    from jukiaudit_desktop.storage import packages_repo

    office, lap_a = machines["office"], machines["lap_a"]
    checklists.install_default_templates(office)
    fresh = open_app_database(tmp_path / "fresh.db", create=True)
    packages.ensure_identity(fresh, "fresh")
    packages.export_identity(fresh, tmp_path / "fresh.pub")
    packages.add_peer(fresh, tmp_path / "office.pub", "office", office=True)
    packages.add_peer(office, tmp_path / "fresh.pub", "fresh")

    package = tmp_path / "master.jkp"
    packages.export_package(office, [], "fresh", package, master=True)
    dry = packages.plan_import(fresh, package)
    assert dry.master_changes["agency"] == [office.scalar("SELECT count(*) FROM agency"), 0]
    assert fresh.scalar("SELECT count(*) FROM agency") == 0           # a dry run writes nothing
    packages.import_package(fresh, package)
    assert packages_repo.read_master_data(fresh) == packages_repo.read_master_data(office)

    # A change at the office arrives as one update; the laptop's own edit of master data is overwritten.
    for db, code, name in ((office, "C01", "佐久地域振興局(改称)"), (fresh, "C02", "上田(手元で変更)")):
        master_data.update_agency(db, replace(master_data.require_agency(db, code), name=name))
    packages.export_package(office, [], "fresh", tmp_path / "master2.jkp", master=True)
    plan = packages.import_package(fresh, tmp_path / "master2.jkp")
    assert plan.master_changes["agency"] == [0, 2]
    assert packages_repo.read_master_data(fresh) == packages_repo.read_master_data(office)
    fresh.close()

    # A laptop's master data is never taken by the office.
    packages.export_package(lap_a, [], "office", tmp_path / "from_laptop.jkp", master=True)
    with pytest.raises(InputError, match="本庁"):
        packages.import_package(office, tmp_path / "from_laptop.jkp")
