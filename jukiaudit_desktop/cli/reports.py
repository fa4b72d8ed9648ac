"""CLI commands: findings-pdf, verify-sheet, annual-report, export-findings, export-discrepancies."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..security.atomic import write_atomic
from ..services import exports, reports, reports_annual

EXIT_MISMATCH = 4


def register(subparsers: Any) -> None:
    sheet = subparsers.add_parser("findings-pdf", help="指摘事項票(監査結果通知書)の PDF を発行する(再発行は同じ文書)")
    sheet.add_argument("--audit", type=int, required=True, metavar="ID", help="監査 ID")
    sheet.add_argument("--out", type=Path, required=True, metavar="FILE", help="出力する PDF")
    sheet.set_defaults(func=cmd_findings_pdf)

    verify = subparsers.add_parser("verify-sheet", help="指摘事項票の PDF がデータベースの内容と一致するか確かめる")
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.set_defaults(func=cmd_verify_sheet)

    annual = subparsers.add_parser("annual-report", help="審議会向けの年次報告を .pdf / .xlsx で作成する")
    annual.add_argument("--year", type=int, required=True, metavar="YYYY", help="年度(西暦)")
    annual.add_argument("--out", type=Path, required=True, metavar="FILE", help=".pdf または .xlsx")
    annual.set_defaults(func=cmd_annual_report)

    findings = subparsers.add_parser("export-findings", help="指摘事項の一覧を .xlsx / .csv に書き出す")
    findings.add_argument("--out", type=Path, required=True, metavar="FILE", help=".xlsx または .csv")
    findings.add_argument("--year", type=int, metavar="YYYY", help="年度(西暦)で絞り込む")
    findings.set_defaults(func=cmd_export_findings)

    discrepancies = subparsers.add_parser("export-discrepancies", help="突合の不一致の一覧を .xlsx / .csv に書き出す")
    discrepancies.add_argument("--out", type=Path, required=True, metavar="FILE", help=".xlsx または .csv")
    discrepancies.add_argument("--run", type=int, metavar="ID", help="突合 ID で絞り込む")
    discrepancies.set_defaults(func=cmd_export_discrepancies)


def cmd_findings_pdf(args: argparse.Namespace, ctx: Any) -> int:
    pdf, issue = reports.findings_sheet_pdf(ctx.db(create=False), args.audit)
    write_atomic(args.out, pdf)
    what = "再発行しました(同じ文書)" if issue.reprint else "発行しました"
    print(f"{what}: 文書番号 {issue.doc_number}  SHA-256 {issue.content_sha256}  → {args.out}")
    return 0


def cmd_verify_sheet(args: argparse.Namespace, ctx: Any) -> int:
    result = reports.verify_sheet(ctx.db(create=False), args.file)
    print(f"文書番号 {result.doc_number}")
    print(f"PDF のハッシュ      {result.sheet_sha256}")
    print(f"発行時のハッシュ    {result.issued_sha256}")
    print(f"現在の内容のハッシュ {result.current_sha256}")
    if result.matches:
        print("一致: この指摘事項票は発行時のまま、データベースの現在の内容と一致します。")
        return 0
    for problem in result.explain():
        print(f"不一致: {problem}")
    return EXIT_MISMATCH


def cmd_annual_report(args: argparse.Namespace, ctx: Any) -> int:
    report = reports_annual.write_annual_report(ctx.db(create=False), args.year, args.out)
    for line in report.results:
        average = "—" if line.average is None else f"{line.average:.2f}点"
        print(f"{line.audit_type}\t{line.agency_count}機関\t{average}")
    print(f"作成しました: {args.out}")
    return 0


def cmd_export_findings(args: argparse.Namespace, ctx: Any) -> int:
    rows = exports.export_findings(ctx.db(create=False), args.out, args.year)
    print(f"指摘事項 {rows} 件を書き出しました: {args.out}")
    return 0


def cmd_export_discrepancies(args: argparse.Namespace, ctx: Any) -> int:
    rows = exports.export_discrepancies(ctx.db(create=False), args.out, args.run)
    print(f"不一致 {rows} 件を書き出しました: {args.out}")
    return 0
