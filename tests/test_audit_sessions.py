"""Audit sessions on a real encrypted database: creation, status rules, autosaved scores, baseline, evidence."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from jukiaudit_desktop.core.audit import NOT_APPLICABLE, AuditStatus, AuditType
from jukiaudit_desktop.core.errors import InputError, JukiAuditError
from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.services import audits, checklists
from jukiaudit_desktop.services.master_data import add_agency
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def agencies(db: Database) -> Database:
    add_agency(db, Agency("K15", "こども・家庭課"))
    add_agency(db, Agency("C01", "佐久地域振興局", AgencyKind.CHIIKI_SHINKOKYOKU))
    add_agency(db, Agency("M01", "松本市", AgencyKind.SHICHOSON))
    return db


def test_new_audit_uses_the_default_checklist_of_its_target(agencies: Database) -> None:
    prefectural = audits.create_audit(agencies, "K15", 2025, AuditType.SELF_CHECK)
    municipal = audits.create_audit(agencies, "M01", 2025, AuditType.SELF_CHECK)
    assert prefectural.status is AuditStatus.PLANNED
    pref_items, muni_items = audits.audit_items(agencies, prefectural.id), audits.audit_items(agencies, municipal.id)
    assert len(pref_items) >= 40
    assert {i.item.category for i in pref_items} == {
        "組織体制", "規程整備", "教育・研修", "入退室管理", "端末管理", "アクセス管理・操作者認証", "本人確認情報管理",
        "帳票管理", "媒体管理", "ドキュメント管理", "委託管理", "緊急時対応", "監査・点検",
        "運用機関"}  # 第2版 adds the 運用機関 items
    questions = " ".join(i.item.question for i in pref_items)
    for register in ("ドキュメント管理簿", "帳票管理簿", "業務端末使用管理簿", "操作ログ"):
        assert register in questions
    assert agencies.scalar("SELECT target FROM checklist_template WHERE id = ?", (municipal.template_id,)) == "市町村"
    assert muni_items and muni_items[0].item.template_id != pref_items[0].item.template_id


def test_unknown_agency_and_bad_year_are_refused(agencies: Database) -> None:
    with pytest.raises(InputError, match="機関コード X99"):
        audits.create_audit(agencies, "X99", 2025, AuditType.INTERNAL)
    with pytest.raises(InputError, match="年度 25"):
        audits.create_audit(agencies, "K15", 25, AuditType.INTERNAL)
    assert agencies.scalar("SELECT count(*) FROM audit") == 0


def test_each_score_change_is_saved_at_once_with_a_trail_entry(agencies: Database) -> None:
    audit = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    before = trail.current_head(agencies).seq
    audits.set_self_score(agencies, audit.id, "A-1", 3)
    audits.set_verified_score(agencies, audit.id, "A-1", 2)
    audits.set_note(agencies, audit.id, "A-1", "体制図が前年度のまま")
    audits.set_verified_score(agencies, audit.id, "B-1", NOT_APPLICABLE)
    assert trail.current_head(agencies).seq == before + 4
    assert not agencies.in_transaction
    stored = agencies.query("SELECT self_score, verified, note FROM audit_score s JOIN checklist_item i "
                            "ON i.id = s.item_id WHERE s.audit_id = ? AND i.code = 'A-1'", (audit.id,))
    assert stored == [(3, 2, "体制図が前年度のまま")]
    row = next(r for r in audits.audit_items(agencies, audit.id) if r.item.code == "B-1")
    assert row.verified == NOT_APPLICABLE and row.self_score is None
    assert audits.score_summary(agencies, audit.id).verified_average == Decimal("2.00")
    actions = [a for (a,) in agencies.query("SELECT action FROM trail ORDER BY seq DESC LIMIT 4")]
    assert actions == ["audit.verified_score", "audit.note", "audit.verified_score", "audit.self_score"]


def test_bad_scores_and_unknown_items_are_refused(agencies: Database) -> None:
    audit = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    with pytest.raises(InputError, match="点数 4"):
        audits.set_verified_score(agencies, audit.id, "A-1", 4)
    with pytest.raises(InputError, match="Z-9"):
        audits.set_self_score(agencies, audit.id, "Z-9", 3)
    assert audits.parse_score("３") == 3 and audits.parse_score("na") == NOT_APPLICABLE
    assert audits.parse_score("該当なし") == NOT_APPLICABLE and audits.parse_score(2.0) == 2
    with pytest.raises(InputError, match="「0」"):
        audits.parse_score("0")


def test_status_moves_only_along_the_allowed_path(agencies: Database) -> None:
    audit = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    with pytest.raises(InputError, match="「計画」から「実施中」には変更できません"):
        audits.set_status(agencies, audit.id, AuditStatus.IN_PROGRESS)
    for status in (AuditStatus.NOTIFIED, AuditStatus.IN_PROGRESS, AuditStatus.RESULT_NOTIFIED):
        audits.set_status(agencies, audit.id, status)
    with pytest.raises(InputError, match="点数と所見は変更できません"):
        audits.set_verified_score(agencies, audit.id, "A-1", 3)
    with pytest.raises(InputError, match="実施中"):
        audits.set_status(agencies, audit.id, AuditStatus.IN_PROGRESS)
    assert audits.set_status(agencies, audit.id, AuditStatus.DONE).status is AuditStatus.DONE
    assert audits.get_audit(agencies, audit.id).status is AuditStatus.DONE


def test_on_site_audit_takes_the_self_scores_of_the_same_year(agencies: Database) -> None:
    self_check = audits.create_audit(agencies, "K15", 2025, AuditType.SELF_CHECK)
    audits.set_self_score(agencies, self_check.id, "A-1", 2)
    audits.set_self_comment(agencies, self_check.id, "A-1", "体制図を更新中")
    internal = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    row = next(r for r in audits.audit_items(agencies, internal.id) if r.item.code == "A-1")
    assert (row.self_score, row.self_comment, row.verified) == (2, "体制図を更新中", None)


def test_next_cycle_starts_from_the_previous_audit_with_scores_cleared(agencies: Database) -> None:
    r7 = audits.create_audit(agencies, "C01", 2025, AuditType.INTERNAL)
    audits.set_self_score(agencies, r7.id, "H-1", 3)
    audits.set_verified_score(agencies, r7.id, "H-1", 1)
    audits.set_note(agencies, r7.id, "H-1", "帳票管理簿なし")
    r10 = audits.start_from_previous(agencies, r7.id, 2028)
    assert (r10.previous_id, r10.audit_type, r10.agency_code) == (r7.id, AuditType.INTERNAL, "C01")
    row = next(r for r in audits.audit_items(agencies, r10.id) if r.item.code == "H-1")
    assert (row.self_score, row.verified, row.note) == (None, None, "")
    assert (row.previous_self, row.previous_verified, row.previous_note) == (3, 1, "帳票管理簿なし")
    # a plain new audit of the same type links the last cycle by itself
    r13 = audits.create_audit(agencies, "C01", 2031, AuditType.INTERNAL)
    assert r13.previous_id == r10.id


def test_a_new_checklist_version_is_used_by_the_next_cycle_and_old_audits_keep_theirs(agencies: Database) -> None:
    r7 = audits.create_audit(agencies, "C01", 2025, AuditType.INTERNAL)
    audits.set_verified_score(agencies, r7.id, "A-1", 2)
    base = checklists.get_template(agencies, r7.template_id)
    edited = checklists.save_new_version(agencies, base.id, [*base.items[1:], base.items[0]])
    r8 = audits.start_from_previous(agencies, r7.id, 2026)
    assert r8.template_id == edited.id and edited.version == base.version + 1
    assert audits.get_audit(agencies, r7.id).template_id == base.id
    assert audits.audit_items(agencies, r8.id)[-1].item.code == "A-1"
    assert audits.audit_items(agencies, r8.id)[-1].previous_verified == 2  # matched by item code


def test_evidence_is_stored_with_its_hash_and_limited_in_size(agencies: Database, tmp_path: Path) -> None:
    audit = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    photo = tmp_path / "入退室管理簿.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    info = audits.add_evidence(agencies, audit.id, photo, item_code="D-2", note="入口の管理簿")
    assert (info.item_code, info.mime, info.size) == ("D-2", "image/jpeg", photo.stat().st_size)
    assert info.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert audits.get_evidence_content(agencies, info.id) == (photo.name, photo.read_bytes())
    assert [e.id for e in audits.list_evidence(agencies, audit.id)] == [info.id]
    audits.set_evidence_limit(agencies, 1000)
    with pytest.raises(InputError, match=r"入退室管理簿.jpg: ファイルが大きすぎます\(10,244 バイト、上限 1,000 バイト\)"):
        audits.add_evidence(agencies, audit.id, photo)
    agencies.execute("UPDATE evidence SET content = ? WHERE id = ?", (b"tampered", info.id))
    with pytest.raises(JukiAuditError, match="ハッシュ値と一致しません"):
        audits.get_evidence_content(agencies, info.id)


def test_evidence_is_not_readable_in_the_database_file(agencies: Database, db_path: Path, tmp_path: Path) -> None:
    audit = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    scan = tmp_path / "scan.pdf"
    marker = b"%PDF-1.4 JUKIAUDIT-EVIDENCE-MARKER-0123456789"
    scan.write_bytes(marker * 50)
    audits.add_evidence(agencies, audit.id, scan)
    agencies.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db_path.read_bytes()
    assert len(raw) > 0 and b"JUKIAUDIT-EVIDENCE-MARKER" not in raw


def test_annual_aggregate_averages_agency_averages_per_type_and_scope(agencies: Database) -> None:
    first = audits.create_audit(agencies, "K15", 2025, AuditType.SELF_CHECK)
    second = audits.create_audit(agencies, "C01", 2025, AuditType.SELF_CHECK)
    town = audits.create_audit(agencies, "M01", 2025, AuditType.SELF_CHECK)
    for code, score in (("A-1", 3), ("A-2", 2), ("A-3", NOT_APPLICABLE)):
        audits.set_self_score(agencies, first.id, code, score)  # 2.5
    for code in ("A-1", "A-2", "A-3", "B-1"):
        audits.set_self_score(agencies, second.id, code, 3 if code != "B-1" else 1)  # 2.5
    audits.set_self_score(agencies, second.id, "B-2", 3)  # (3+3+3+1+3)/5 = 2.6
    audits.set_self_score(agencies, town.id, "A-1", 2)
    rows = {(r.scope, r.audit_type): r for r in audits.annual_aggregate(agencies, 2025)}
    prefecture = rows[("県", AuditType.SELF_CHECK)]
    assert prefecture.agency_count == 2
    assert prefecture.average == Decimal("2.55")  # (2.5 + 2.6) / 2; all items pooled would be 2.57
    assert rows[("市町村", AuditType.SELF_CHECK)].average == Decimal("2.00")
    assert audits.annual_aggregate(agencies, 2024) == []


def test_self_check_for_a_year_is_found_or_started_from_last_year(agencies: Database) -> None:
    r6 = audits.self_check_for(agencies, "K15", 2024)
    audits.set_self_score(agencies, r6.id, "L-3", 2)
    assert audits.self_check_for(agencies, "K15", 2024).id == r6.id
    r7 = audits.self_check_for(agencies, "K15", 2025)
    assert r7.id != r6.id and r7.previous_id == r6.id
    row = next(r for r in audits.audit_items(agencies, r7.id) if r.item.code == "L-3")
    assert (row.self_score, row.previous_self) == (None, 2)


def test_aggregate_leaves_out_unscored_audits_but_counts_history(agencies: Database) -> None:
    scored_audit = audits.create_audit(agencies, "K15", 2025, AuditType.INTERNAL)
    audits.set_verified_score(agencies, scored_audit.id, "A-1", 2)
    audits.create_audit(agencies, "C01", 2025, AuditType.INTERNAL)  # planned, nothing scored yet
    with agencies.transaction():
        agencies.execute("INSERT INTO audit (agency_id, fiscal_year, audit_type, status, is_history) "
                         "SELECT id, 2023, '内部監査', '完了', 1 FROM agency WHERE code = 'C01'")
    (r7,) = audits.annual_aggregate(agencies, 2025)
    assert (r7.agency_count, r7.average) == (1, Decimal("2.00"))
    (r5,) = audits.annual_aggregate(agencies, 2023)
    assert (r5.agency_count, r5.average) == (1, None)
