"""Demo step 「監査(令和7年度)」: the default checklists and the R7 audit year, built from item scores.

Seed 資料2 【令和7年度監査結果】: 自己点検 2.99, 内部監査 2.95 (10 named agencies), 外部監査 3.00 (2 named).
Every figure comes out of annual_aggregate from the item scores stored here:
- 自己点検 for every agency using 住基ネット in R7 (first_use_year before 2026): the seed's 40, of which the demo
  master names 36 and marks 4 as counted but not named; 委託管理 is 該当なし except for the 運用機関; one point
  (3 → 2) is taken off a typical weak item per agency, agency by agency (those not audited on site in R7
  first), until the average of agency averages rounds to the seed's figure.
  Externally audited agencies scored all 3 (their audit confirmed 3.00).
- 内部監査 verifies the self scores; the seed's findings lower the verified score of their items to 1:
  管理帳票(ドキュメント管理簿、帳票管理簿)を作成していなかった (4 本庁 agencies) and 業務端末使用管理簿の
  作成及び操作ログとの突合ができていなかった (2). Further points come off only if needed to reach 2.95.
Which agencies had which finding is not in the seed: 県庁 agencies from the internal list are chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import product

from ..core.audit import AuditStatus, AuditType, FindingClass, ItemScore, Severity
from ..core.errors import JukiAuditError
from ..core.followup_status import DEFAULT_FOLLOWUP_STATUSES
from ..core.scoring import counted, exact_mean, round_two
from ..storage import trail
from ..storage.agencies import list_agencies
from ..storage.database import Database
from . import audits, checklists, findings

FISCAL_YEAR = 2025
SELF_CHECK_TARGET, INTERNAL_TARGET, EXTERNAL_TARGET = "2.99", "2.95", "3.00"
INTERNAL = ("こども・家庭課", "県民の学び支援課", "食品・生活衛生課", "農業政策課", "交通指導課", "監査委員事務局",
            "国際交流課", "佐久地域振興局", "松本地域振興局", "北アルプス地域振興局")
EXTERNAL = ("山岳高原観光課", "長野地域振興局")
REGISTERS_MISSING = ("こども・家庭課", "食品・生活衛生課", "農業政策課", "国際交流課")
RECONCILIATION_MISSING = ("県民の学び支援課", "交通指導課")
OUTSOURCING_CATEGORY = "委託管理"
R7_CHECKLIST = "県事務利用機関 自己点検・監査チェックリスト"
# Where self-checks typically lose a point, with the reason the agency writes (seed 資料5: 3点未満の主な理由
# セキュリティ会議・緊急時対応訓練の未実施).
WEAK_ITEMS = {
    "L-3": "今年度は緊急時対応訓練・セキュリティ会議を実施できていない。",
    "C-2": "研修会の内容を一部の操作者にしか伝達できていない。",
    "E-6": "業務端末使用管理簿の責任者確認が四半期ごとになっている。",
    "M-3": "所属内の定期点検の記録を残していない。",
    "D-3": "鍵の貸出記録が一部漏れていた。",
    "I-2": "媒体管理簿の持出し欄に記入漏れがあった。",
    "C-4": "他機関の指摘事項の共有が口頭のみ。",
    "H-3": "帳票の廃棄記録に承認者の記載がないものがあった。",
}
INTERNAL_AUDITORS = ("市町村課 住基ネット担当", "デジタルインフラ整備室 担当")
EXTERNAL_AUDITORS = ("外部監査人((株)インテック)",)
DUE = date(2026, 1, 30)

DONE, PARTLY, NOT_YET = (s.name for s in DEFAULT_FOLLOWUP_STATUSES)  # 措置済 / 一部措置 / 未措置
PLANNED = date(2026, 9, 30)  # the 予定日 the agencies reported for what is left


@dataclass(frozen=True)
class DemoFinding:
    agencies: tuple[str, ...]
    item_codes: tuple[str, ...]
    title: str
    condition: str
    cause: str
    effect: str
    recommendation: str
    criteria: str
    statuses: tuple[tuple[str, ...], ...]  # follow-up reports per agency, in order (the default statuses)


FINDINGS = (
    DemoFinding(
        REGISTERS_MISSING, ("J-1", "H-1"),
        "管理帳票(ドキュメント管理簿、帳票管理簿)を作成していなかった",
        "住基ネット関係のマニュアル・通知等及び本人確認情報を出力した帳票について、ドキュメント管理簿及び"
        "帳票管理簿が作成されておらず、保管状況・廃棄状況を確認できなかった。",
        "担当者の異動の際に管理簿の作成が引き継がれていなかった。",
        "出力帳票や文書の紛失・不適切な廃棄があっても発見できないおそれがある。",
        "ドキュメント管理簿及び帳票管理簿を作成し、保管・持出し・廃棄を記録すること。責任者が定期的に確認すること。",
        "県住基ネットセキュリティ要綱(帳票・ドキュメントの管理)",
        ((PARTLY, DONE), (NOT_YET, PARTLY), (PARTLY,), (DONE,)),
    ),
    DemoFinding(
        RECONCILIATION_MISSING, ("G-3", "E-5"),
        "業務端末使用管理簿の作成及び操作ログとの突合ができていなかった",
        "業務端末使用管理簿が作成されておらず、操作ログ(操作履歴)との突合が行われていなかったため、"
        "照会が業務上必要なものであったか確認できなかった。",
        "突合の手順と担当者が所属内で定められていなかった。",
        "目的外の照会や照合IDの不正使用があっても発見できないおそれがある。",
        "業務端末使用管理簿を備えて使用の都度記録し、少なくとも月1回操作ログと突合して結果を記録すること。",
        "県住基ネットセキュリティ要綱(業務端末の使用記録と確認)",
        ((PARTLY,), ()),
    ),
)


def load(db: Database) -> None:
    """Insert the R7 audit year. Runs inside the demo loader's transaction."""
    checklists.install_default_templates(db)
    in_use = [a for a in list_agencies(db)
              if a.active and a.kind.value != "市町村" and (a.first_use_year or 0) <= FISCAL_YEAR]
    by_name = {a.name: a for a in in_use}
    missing = [n for n in INTERNAL + EXTERNAL if n not in by_name]
    if missing:
        raise JukiAuditError(f"デモの監査対象機関がマスタにありません: {'、'.join(missing)}")
    self_checks = {a.name: _self_check(db, a.code, a.kind.value == "運用機関") for a in in_use}
    not_audited_first = sorted((a for a in in_use if a.name not in EXTERNAL), key=lambda a: a.name in INTERNAL)
    _deduct_until(db, [self_checks[a.name] for a in not_audited_first], SELF_CHECK_TARGET,
                  list(self_checks.values()), audits.set_self_score, "self_score")
    for audit_id in self_checks.values():
        for row in audits.audit_items(db, audit_id):
            if row.self_score == 2 and row.item.code in WEAK_ITEMS:
                audits.set_self_comment(db, audit_id, row.item.code, WEAK_ITEMS[row.item.code])
        _walk(db, audit_id, AuditStatus.DONE)
    internal = {name: _verification(db, by_name[name].code, AuditType.INTERNAL, date(2025, 10, 15) if i < 5
                                     else date(2025, 11, 12), INTERNAL_AUDITORS) for i, name in enumerate(INTERNAL)}
    for finding in FINDINGS:
        for name in finding.agencies:
            for code in finding.item_codes:
                audits.set_verified_score(db, internal[name], code, 1)
    _deduct_until(db, list(internal.values()), INTERNAL_TARGET, list(internal.values()),
                  audits.set_verified_score, "verified")
    external = {name: _verification(db, by_name[name].code, AuditType.EXTERNAL, date(2025, 11, 20),
                                     EXTERNAL_AUDITORS) for name in EXTERNAL}
    for finding in FINDINGS:
        for name, statuses in zip(finding.agencies, finding.statuses, strict=True):
            _raise(db, internal[name], finding, statuses)
    for audit_id in [*internal.values(), *external.values()]:
        has_open = any(not f.closed for f in findings.list_findings(db, audit_id))
        has_any = bool(findings.list_findings(db, audit_id))
        _walk(db, audit_id, AuditStatus.FOLLOWING_UP if has_open else AuditStatus.DONE, via_followup=has_any)
    trail.record(db, "audit.demo", fiscal_year=FISCAL_YEAR, self_checks=len(self_checks), internal=len(internal),
                 external=len(external))


def _r7_template(db: Database) -> int:
    """R7 was audited with the first version of the checklist; later versions apply to later audits."""
    return checklists.template_id(db, R7_CHECKLIST, 1)


def _self_check(db: Database, agency_code: str, outsources: bool) -> int:
    audit = audits.create_audit(db, agency_code, FISCAL_YEAR, AuditType.SELF_CHECK, start_date=date(2025, 6, 2),
                                end_date=date(2025, 7, 31), auditors=("各機関責任者",), template_id=_r7_template(db))
    for row in audits.audit_items(db, audit.id):
        na = row.item.category == OUTSOURCING_CATEGORY and not outsources
        audits.set_self_score(db, audit.id, row.item.code, 0 if na else 3)
    return audit.id


def _verification(db: Database, agency_code: str, audit_type: AuditType, day: date,
                  auditors: tuple[str, ...]) -> int:
    """An on-site audit: self scores come from the R7 self-check; the auditor confirms them."""
    audit = audits.create_audit(db, agency_code, FISCAL_YEAR, audit_type, start_date=day, end_date=day,
                                place="執務室", auditors=auditors, template_id=_r7_template(db))
    for row in audits.audit_items(db, audit.id):
        audits.set_verified_score(db, audit.id, row.item.code, row.self_score)
    return audit.id


def _aggregate(items: list[list[ItemScore]], field: str) -> Decimal:
    """The average of the audits' averages of `field`, as annual_aggregate computes it."""
    means = [exact_mean(counted(getattr(s, field) for s in rows)) for rows in items]
    total = exact_mean([m for m in means if m is not None])
    return Decimal(0) if total is None else round_two(total)


ScoreSetter = Callable[[Database, int, str, "int | None"], None]


def _deduct_until(db: Database, candidates: list[int], target: str, population: list[int], setter: ScoreSetter,
                  field: str) -> None:
    """Take one point off a weak item of each candidate audit in turn until the population rounds to target.
    The scores are read once and followed as they are set; the result is checked on the database."""
    goal = Decimal(target)
    items = {audit_id: audits.audit_items(db, audit_id) for audit_id in dict.fromkeys([*population, *candidates])}
    for code, audit_id in product(WEAK_ITEMS, candidates):
        if _aggregate([items[a] for a in population], field) <= goal:
            break
        number = next(i for i, s in enumerate(items[audit_id]) if s.item.code == code)
        current = getattr(items[audit_id][number], field)
        if current and current > 1:
            setter(db, audit_id, code, current - 1)
            items[audit_id][number] = replace(items[audit_id][number], **{field: current - 1})
    reached = _aggregate([audits.audit_items(db, a) for a in population], field)
    if reached != goal:
        raise JukiAuditError(f"デモの点数が {target} になりません(現在 {reached})。")


def _walk(db: Database, audit_id: int, final: AuditStatus, via_followup: bool = False) -> None:
    path = [AuditStatus.NOTIFIED, AuditStatus.IN_PROGRESS, AuditStatus.RESULT_NOTIFIED]
    if via_followup:
        path.append(AuditStatus.FOLLOWING_UP)
    if final is AuditStatus.DONE:
        path.append(AuditStatus.DONE)
    for status in path:
        audits.set_status(db, audit_id, status)


def _raise(db: Database, audit_id: int, finding: DemoFinding, statuses: tuple[str, ...]) -> None:
    raised = findings.add_finding(
        db, audit_id, FindingClass.NEEDS_IMPROVEMENT, finding.title, item_code=finding.item_codes[0],
        severity=Severity.MEDIUM, condition=finding.condition, criteria=finding.criteria, cause=finding.cause,
        effect=finding.effect, recommendation=finding.recommendation, due_date=DUE)
    for number, status in enumerate(statuses):
        reported = date(2026, 1, 20) if number == 0 else date(2026, 3, 13)
        findings.add_followup(db, raised.id, reported, status, f"改善報告(第{number + 1}回)",
                              None if status == DONE else PLANNED)
