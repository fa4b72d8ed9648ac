"""CLI commands of the audit plan: `plan` (propose / save), `plan check`, `plan pdf`, `plan matrix`, pins, periods."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.planning import AuditKind, PlanSettings
from ..core.wareki import format_fiscal_year, parse_date
from ..security.atomic import write_atomic
from ..services import planning
from ..services.planning import PlanProposal
from .year_option import fiscal_year

ACTIONS = ("propose", "show", "check", "pdf", "matrix", "pin", "unpin", "period")


def register(subparsers: Any) -> None:
    plan = subparsers.add_parser(
        "plan", help="監査計画(3年1期): 作成・検査・PDF・カバレッジ表",
        description="plan --year 2026 [--internal 9] [--external 2] [--prefer-overdue] [--json OUT] [--save] | "
                    "plan show --year 2026 [--json] | plan check --year 2026 | "
                    "plan pdf --year 2026 --out FILE | plan matrix --period 第7期 --xlsx OUT | "
                    "plan pin --agency K03 --year 2027 --type 外部監査 | plan unpin --agency K03 --year 2027 | "
                    "plan period --name 第8期 --first-year 2029 --last-year 2031")
    plan.add_argument("action", nargs="?", default="propose", choices=ACTIONS, help="既定: propose(計画案の作成)")
    plan.add_argument("--year", type=fiscal_year("--year"), help="計画する年度(2026 / 令和8 / R8)")
    plan.add_argument("--external", type=int,
                      help="担当者の設定: 外部監査の年間枠(機関数)。既定は保存済みの設定、なければ設定なし(外部監査を計画しない)")
    plan.add_argument("--internal", type=int,
                      help="担当者の設定: --year の年度の内部監査の機関数(新規機関を除く)。固定した機関を含めてこの数まで")
    plan.add_argument("--prefer-overdue", action="store_true",
                      help="担当者の設定: 改善報告の期限を過ぎた指摘事項のある機関を先に計画する")
    plan.add_argument("--as-of", help="指摘事項の期限超過を判定する日(既定: 今日)")
    plan.add_argument("--json", metavar="OUT", nargs="?", const="-", type=str,
                      help="計画案を JSON で書き出す(plan show では OUT を省くと標準出力)")
    plan.add_argument("--save", action="store_true", help="計画案を保存する(固定した機関はそのまま)")
    plan.add_argument("--out", type=Path, help="plan pdf の出力ファイル")
    plan.add_argument("--period", help="期の名前(例 第7期)")
    plan.add_argument("--xlsx", type=Path, help="plan matrix の .xlsx 出力")
    plan.add_argument("--pdf", type=Path, help="plan matrix の印刷用 PDF 出力")
    plan.add_argument("--agency", help="機関コード(pin / unpin)")
    plan.add_argument("--type", default=AuditKind.INTERNAL.value, help="内部監査 / 外部監査(pin)")
    plan.add_argument("--name", help="期の名前(period)")
    plan.add_argument("--first-year", type=fiscal_year("--first-year"), help="期の開始年度(2026 / 令和8 / R8)")
    plan.add_argument("--last-year", type=fiscal_year("--last-year"), help="期の終了年度(2028 / 令和10 / R10)")
    plan.set_defaults(func=cmd_plan)


def _required(args: argparse.Namespace, *names: str) -> None:
    missing = [f"--{n.replace('_', '-')}" for n in names if getattr(args, n) is None]
    if missing:
        raise InputError(f"plan {args.action} には {' '.join(missing)} が必要です。")


def cmd_plan(args: argparse.Namespace, ctx: Any) -> int:
    handlers = {"propose": _propose, "show": _show, "check": _check, "pdf": _pdf, "matrix": _matrix, "pin": _pin,
                "unpin": _unpin, "period": _period}
    return handlers[args.action](args, ctx)


def proposal_json(proposal: PlanProposal) -> dict[str, Any]:
    agencies = {a.id: a for a in proposal.situation.agencies}
    years = proposal.situation.plan_years
    settings = proposal.situation.settings
    return {
        "fiscal_year": proposal.situation.year,
        "period": proposal.situation.period.name,
        "external_budget": settings.external_budget,
        "internal_counts": {str(y): n for y, n in settings.internal_counts},
        "prefer_overdue": settings.prefer_overdue,
        "entries": [{"fiscal_year": e.fiscal_year, "agency_code": agencies[e.agency_id].code,
                     "agency_name": agencies[e.agency_id].name, "audit_type": e.kind.value,
                     "new_agency": agencies[e.agency_id].is_new_in(e.fiscal_year), "pinned": e.pinned,
                     "reason": e.reason} for e in proposal.entries],
        "summary": {str(y): {k.value: sum(1 for e in proposal.entries_in(y) if e.kind is k) for k in AuditKind}
                    for y in years},
    }


def _settings(args: argparse.Namespace, ctx: Any) -> PlanSettings:
    """The stored settings of the year, with what the command line sets on top."""
    stored = planning.plan_settings(ctx.db(), args.year)
    counts = dict(stored.internal_counts)
    if args.internal is not None:
        counts[args.year] = args.internal
    return PlanSettings(stored.external_budget if args.external is None else args.external,
                        tuple(sorted(counts.items())), stored.prefer_overdue or args.prefer_overdue)


def _propose(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "year")
    as_of = parse_date(args.as_of, "--as-of") if args.as_of else date.today()
    proposal = planning.propose_plan(ctx.db(), args.year, _settings(args, ctx), as_of)
    if args.save:
        planning.save_plan(ctx.db(), proposal)
    data = proposal_json(proposal)
    if args.json:
        write_atomic(Path(args.json), (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    for year, counts in data["summary"].items():
        names = [f"{e['agency_code']} {e['agency_name']}({e['audit_type'][:2]})" for e in data["entries"]
                 if e["fiscal_year"] == int(year)]
        print(f"{format_fiscal_year(int(year))}: 内部 {counts['内部監査']} / 外部 {counts['外部監査']} — {'、'.join(names)}")
    print("保存しました。" if args.save else "(保存していません。保存するには --save)")
    return 0


def _show(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "year")
    data = planning.saved_plan_data(ctx.db(), args.year)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.json not in (None, "-"):
        write_atomic(Path(args.json), text.encode("utf-8"))
    elif args.json == "-":
        print(text, end="")
        return 0
    for audit in data["audits"]:
        new = "(新規)" if audit["new_agency"] else ""
        print(f"{audit['audit_type']}\t{audit['agency_code']}\t{audit['agency_name']}{new}\t{audit['reason']}")
    return 0


def _check(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "year")
    plan = planning.stored_plan(ctx.db(), args.year)
    for violation in plan.violations:
        print(violation.message)
    if plan.violations:
        print(f"規則違反 {len(plan.violations)}件({plan.situation.period.label}、{format_fiscal_year(args.year)}以降の計画)")
        return 3
    print(f"規則違反はありません({plan.situation.period.label}、{format_fiscal_year(args.year)}以降の計画 "
          f"{len(plan.entries)}件)。")
    if plan.unplanned:
        print(f"期内の後の年度で計画する機関: {len(plan.unplanned)}機関")
    return 0


def _pdf(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "year", "out")
    doc_number = planning.write_plan_pdf(ctx.db(), args.year, args.out)
    print(f"書き出しました: {args.out}(文書番号 {doc_number})")
    return 0


def _matrix(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "period")
    if args.xlsx is None and args.pdf is None:
        raise InputError("plan matrix には --xlsx か --pdf が必要です。")
    db = ctx.export_db()
    period = planning.period_by_name(db, args.period)
    for path in (args.xlsx, args.pdf):
        if path is not None:
            matrix = planning.write_matrix(db, period, path)
            print(f"書き出しました: {path}({len(matrix.rows)}機関、期内に監査のない機関 {len(matrix.gaps)})")
    return 0


def _pin(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "agency", "year")
    try:
        kind = AuditKind(args.type)
    except ValueError:
        raise InputError(f"--type は 内部監査 か 外部監査 です(指定: {args.type})。") from None
    planning.pin_agency(ctx.db(), args.agency, args.year, kind)
    print(f"固定しました: {args.agency} {format_fiscal_year(args.year)} {kind.value}")
    return 0


def _unpin(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "agency", "year")
    released = planning.unpin_agency(ctx.db(), args.agency, args.year)
    print(f"固定を解除しました: {args.agency}({released}件)")
    return 0


def _period(args: argparse.Namespace, ctx: Any) -> int:
    _required(args, "name", "first_year", "last_year")
    period = planning.add_period(ctx.db(), args.name, args.first_year, args.last_year)
    print(f"登録しました: {period.label}")
    return 0
