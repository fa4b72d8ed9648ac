"""The R7 demo year reproduces the seed's 監査結果 table from item scores, and its findings, read from the seed."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal

import keyring
import pytest
import shared_data
from support.demo_db import DemoTemplate
from support.memory_keyring import MemoryKeyring

from jukiaudit_desktop.core.audit import AuditStatus, AuditType
from jukiaudit_desktop.core.scoring import counted
from jukiaudit_desktop.services import audits, findings
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

SEED = shared_data.SEED
pytestmark = pytest.mark.requires(SEED.exists(), f"the council materials are not available at {SEED}")


def seed_results() -> dict[str, tuple[list[str], int, Decimal]]:
    """【令和7年度監査結果】: audit type → (agency names where listed, agency count, score)."""
    text = SEED.read_text(encoding="utf-8").split("【令和7年度監査結果】")[1].split("【監査での指摘事項")[0]
    results = {}
    for line in text.splitlines():
        match = re.match(r"^(自己点検|内部監査|外部監査) \(R7[^)]*\)\t([^\t]+)\t[^\t]+\t([\d.]+)点$", line)
        if match:
            count = re.search(r"\((\d+)機関\)", match[2])
            names = [n.strip() for n in re.sub(r"\(\d+機関\)", "", match[2]).split("、")]
            results[match[1]] = (names, int(count[1]) if count else len(names), Decimal(match[3]))
    return results


def seed_findings() -> list[tuple[str, int]]:
    text = SEED.read_text(encoding="utf-8").split("【監査での指摘事項と対応案】")[1].split("監査での指摘事項については")[0]
    return [(m[1], int(m[2])) for m in re.finditer(r"・(.+?)。\(県庁:(\d)機関\)", text)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_template: DemoTemplate) -> Database:
    """One copy of the demo database for the module (its tests only read), with its own in-memory keyring."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    database = open_app_database(demo_template.copy_to(tmp_path_factory.mktemp("demo") / "demo.db"))
    yield database
    database.close()
    keyring.set_keyring(previous)


def test_aggregate_reproduces_the_seed_table_from_item_scores(demo_db: Database) -> None:
    seed = seed_results()
    assert set(seed) == {"自己点検", "内部監査", "外部監査"}
    rows = {r.audit_type.value: r for r in audits.annual_aggregate(demo_db, 2025) if r.scope == "県"}
    for audit_type, (names, count, score) in seed.items():
        assert (rows[audit_type].average, rows[audit_type].agency_count) == (score, count), audit_type
        if audit_type != "自己点検":
            assert sorted(a.agency_name for a in rows[audit_type].agencies) == sorted(names)
    in_use = demo_db.scalar("SELECT count(*) FROM agency WHERE coalesce(first_use_year, 0) <= 2025 "
                            "AND kind <> '市町村'")
    placeholders = demo_db.scalar("SELECT count(*) FROM agency WHERE placeholder = 1")
    # the seed names 37 of them (35 事務利用機関, 2 運用機関); 3 are placeholders (【仮】)
    assert rows["自己点検"].agency_count == in_use == seed["自己点検"][1] == 40 and placeholders == 3
    # the figure is really computed from stored item scores: recompute one agency by hand
    sample = rows["内部監査"].agencies[0]
    values = counted(r.verified for r in audits.audit_items(demo_db, sample.audit_id))
    assert sample.average == (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))


def test_findings_match_the_seed_with_followups(demo_db: Database) -> None:
    raised = findings.list_findings(demo_db)
    counts = Counter(f.title for f in raised)
    assert sorted(counts.items()) == sorted(seed_findings())
    assert all(f.audit_type is AuditType.INTERNAL and f.due_date for f in raised)
    internal_names = seed_results()["内部監査"][0]
    assert {f.agency_name for f in raised} <= set(internal_names)
    statuses = {f.status for f in raised}
    assert statuses == {"措置済", "一部措置", "未措置"}  # the default follow-up statuses (未措置: no report yet)
    overdue = findings.list_findings(demo_db, overdue_only=True, today=date(2026, 4, 1))
    assert overdue and all(f.status != "措置済" and not f.closed for f in overdue)
    for f in raised:
        status = audits.get_audit(demo_db, f.audit_id).status
        assert status is (AuditStatus.DONE if f.closed else AuditStatus.FOLLOWING_UP)
        reports = findings.list_followups(demo_db, f.id)
        assert all((r.planned_on is None) == (r.status == "措置済") for r in reports)  # 予定日 where asked


def test_demo_keeps_the_trail_intact(demo_db: Database) -> None:
    assert trail.verify(demo_db) == []
    assert demo_db.scalar("SELECT count(*) FROM trail WHERE action = 'audit.demo'") == 1


def test_low_scores_are_what_to_follow_up(demo_db: Database) -> None:
    self_low = audits.low_scores(demo_db, 2025)
    assert self_low and all(r.score == 2 and r.comment for r in self_low)  # every deduction says why
    internal_low = audits.low_scores(demo_db, 2025, AuditType.INTERNAL)
    raised = {(f.agency_code, f.title) for f in findings.list_findings(demo_db)}
    assert {r.agency_code for r in internal_low if r.score == 1} == {code for code, _ in raised}
    assert audits.low_scores(demo_db, 2025, AuditType.EXTERNAL) == []
