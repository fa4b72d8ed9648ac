"""CLI commands: findings-pdf, sheet-issuer, verify-sheet, annual-report, export-findings, export-discrepancies,
make-signing-key, sign-pdf, verify-signature."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..core.errors import JukiAuditError
from ..security.atomic import write_atomic
from ..services import exports, reports, reports_annual, signing, trail_heads

EXIT_MISMATCH = 4


def register(subparsers: Any) -> None:
    sheet = subparsers.add_parser("findings-pdf", help="指摘事項票(監査結果通知書)の PDF を発行する(再発行は同じ文書)")
    sheet.add_argument("--audit", type=int, required=True, metavar="ID", help="監査 ID")
    sheet.add_argument("--out", type=Path, required=True, metavar="FILE", help="出力する PDF")
    sheet.set_defaults(func=cmd_findings_pdf)

    issuer = subparsers.add_parser("sheet-issuer", help="指摘事項票の発信者名を表示する(NAME を付けると設定する)")
    issuer.add_argument("name", nargs="?", metavar="NAME", help="例: 長野県 市町村課長")
    issuer.set_defaults(func=cmd_sheet_issuer)

    verify = subparsers.add_parser("verify-sheet", help="指摘事項票(PDF、または紙の QR コード)がデータベースの内容と一致するか確かめる")
    verify.add_argument("file", type=Path, metavar="FILE", nargs="?", help="指摘事項票の PDF")
    verify.add_argument("--qr", metavar="TEXT", help="紙の指摘事項票の QR コードを読み取った文字列")
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

    make_key = subparsers.add_parser("make-signing-key", help="監査人の署名鍵(自己署名証明書、.p12)を作る")
    make_key.add_argument("--name", required=True, help="署名者の氏名")
    make_key.add_argument("--org", default="", help="所属")
    make_key.add_argument("--out", type=Path, required=True, metavar="KEY.p12")
    make_key.add_argument("--key-passphrase-env", required=True, metavar="VAR", help="署名鍵のパスフレーズを読む環境変数")
    make_key.set_defaults(func=cmd_make_signing_key)

    sign = subparsers.add_parser("sign-pdf", help="PDF に電子署名(PAdES)を付け、その場で検証する")
    sign.add_argument("file", type=Path, metavar="FILE")
    sign.add_argument("--key", type=Path, required=True, metavar="KEY.p12")
    sign.add_argument("--key-passphrase-env", required=True, metavar="VAR", help="署名鍵のパスフレーズを読む環境変数")
    sign.add_argument("--out", type=Path, required=True, metavar="SIGNED.pdf")
    sign.add_argument("--reason", default="監査結果の確認")
    sign.add_argument("--location", default="")
    sign.set_defaults(func=cmd_sign_pdf)

    check = subparsers.add_parser("verify-signature", help="PDF の電子署名を検証する(オフライン)")
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument("--cert", type=Path, metavar="CERT.pem", help="信頼する署名者の証明書")
    check.set_defaults(func=cmd_verify_signature)


def cmd_findings_pdf(args: argparse.Namespace, ctx: Any) -> int:
    pdf, issue = reports.findings_sheet_pdf(ctx.db(create=False), args.audit)
    write_atomic(args.out, pdf)
    what = "再発行しました(同じ文書)" if issue.reprint else "発行しました"
    print(f"{what}: 文書番号 {issue.doc_number}  SHA-256 {issue.content_sha256}  → {args.out}")
    return 0


def cmd_sheet_issuer(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    if args.name is not None:
        reports.set_issuer(db, args.name)
    print(f"発信者: {reports.issuer(db)}")
    return 0


def cmd_verify_sheet(args: argparse.Namespace, ctx: Any) -> int:
    if (args.file is None) == (args.qr is None):
        raise JukiAuditError("PDF ファイルか --qr のどちらか一方を指定してください。")
    db = ctx.db(create=False, read_only=True)
    result = reports.verify_sheet(db, args.file) if args.file else reports.verify_paper_sheet(db, args.qr)
    print(f"文書番号 {result.doc_number}")
    print(f"票のハッシュ        {result.sheet_sha256}")
    print(f"発行時のハッシュ    {result.issued_sha256}")
    print(f"現在の内容のハッシュ {result.current_sha256}")
    head_problem = trail_heads.check_sheet_head(db, result.doc_number, args.file)
    if head_problem is not None:  # the chain no longer holds the head the sheet printed: rebuilt or cut
        print(f"不一致: {head_problem.message}")
        return EXIT_MISMATCH
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


def _key_passphrase(var: str) -> str:
    value = os.environ.get(var)
    if value is None:
        raise JukiAuditError(f"環境変数 {var} が設定されていません(--key-passphrase-env で指定)。")
    return value


def cmd_make_signing_key(args: argparse.Namespace, ctx: Any) -> int:
    cert = signing.create_signing_key(args.out, args.name, args.org, _key_passphrase(args.key_passphrase_env))
    print(f"署名鍵を作成しました: {args.out}(パスフレーズで保護)  証明書: {cert}")
    return 0


def cmd_sign_pdf(args: argparse.Namespace, ctx: Any) -> int:
    check = signing.sign_file(args.file, args.out, args.key, _key_passphrase(args.key_passphrase_env),
                              reason=args.reason, location=args.location)
    print(f"署名しました: {args.out}  署名者 {check.signer}")
    print(f"検証: {check.message}")
    return 0


def cmd_verify_signature(args: argparse.Namespace, ctx: Any) -> int:
    check = signing.check_signature(args.file, args.cert)
    if check.signer:
        print(f"署名者 {check.signer}")
    print(check.message)
    return 0 if check.valid and (args.cert is None or check.trusted) else EXIT_MISMATCH
