"""CLI commands: findings-pdf, sheet-issuer, verify-sheet, annual-report, export-findings, export-discrepancies,
make-signing-key, sign-pdf, verify-signature, signer, sheet-reconciliation, sheet-contact, sheet-addressee,
sheet-number-format."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ..core.errors import JukiAuditError
from ..core.wareki import format_wareki, parse_date
from ..security.atomic import write_atomic
from ..services import (
    audits,
    doc_numbers,
    exports,
    inquiry_list,
    reports,
    reports_annual,
    signing,
    trail_heads,
)
from .year_option import fiscal_year

EXIT_MISMATCH = 4


def register(subparsers: Any) -> None:
    sheet = subparsers.add_parser("findings-pdf", help="指摘事項票(監査結果通知書)の PDF を発行する(再発行は同じ文書)")
    which = sheet.add_mutually_exclusive_group(required=True)
    which.add_argument("--audit", type=int, metavar="ID", help="監査 ID(内容が同じなら同じ番号で再発行)")
    which.add_argument("--doc", metavar="NUMBER", help="発行済みの文書番号: 発行時と同じ PDF を再発行する")
    sheet.add_argument("--out", type=Path, required=True, metavar="FILE", help="出力する PDF")
    sheet.add_argument("--date", metavar="DATE", help="発行日(既定: 今日。2025/10/03 や 令和7年10月3日)")
    sheet.add_argument("--allow-incomplete", action="store_true",
                       help="未評価の項目がある、または未実施の監査でも発行する(確認のうえで)")
    sheet.set_defaults(func=cmd_findings_pdf)

    contact = subparsers.add_parser("sheet-contact", help="通知書の担当・連絡先の行を表示する(TEXT を付けると設定、\"\" で消す)")
    contact.add_argument("text", nargs="?", metavar="TEXT", help="例: 担当 市町村課 行政係 電話 026-000-0000")
    contact.set_defaults(func=cmd_sheet_contact)

    addressee = subparsers.add_parser("sheet-addressee", help="機関の長の役職(通知書の宛先)を表示する(TITLE を付けると設定)")
    addressee.add_argument("--agency", required=True, metavar="CODE")
    addressee.add_argument("title", nargs="?", metavar="TITLE", help="例: こども・家庭課長")
    addressee.set_defaults(func=cmd_sheet_addressee)

    number = subparsers.add_parser("sheet-number-format", help="文書番号の書式を表示する(FORMAT を付けると設定)")
    number.add_argument("format", nargs="?", metavar="FORMAT", help="例: 市町村第{n}号({n} は通し番号)")
    number.set_defaults(func=cmd_sheet_number_format)

    issuer = subparsers.add_parser("sheet-issuer", help="指摘事項票の発信者名を表示する(NAME を付けると設定する)")
    issuer.add_argument("name", nargs="?", metavar="NAME", help="例: 長野県 市町村課長")
    issuer.set_defaults(func=cmd_sheet_issuer)

    verify = subparsers.add_parser("verify-sheet", help="指摘事項票(PDF、または紙の QR コード)がデータベースの内容と一致するか確かめる")
    verify.add_argument("file", type=Path, metavar="FILE", nargs="?", help="指摘事項票の PDF")
    verify.add_argument("--qr", metavar="TEXT", help="紙の指摘事項票の QR コードを読み取った文字列")
    verify.set_defaults(func=cmd_verify_sheet)

    annual = subparsers.add_parser("annual-report", help="審議会向けの年次報告を .pdf / .xlsx で作成する")
    annual.add_argument("--year", type=fiscal_year("--year"), required=True, metavar="年度", help="年度(2026 / 令和8 / R8)")
    annual.add_argument("--out", type=Path, required=True, metavar="FILE", help=".pdf または .xlsx")
    annual.set_defaults(func=cmd_annual_report)

    findings = subparsers.add_parser("export-findings", help="指摘事項の一覧を .xlsx / .csv に書き出す")
    findings.add_argument("--out", type=Path, required=True, metavar="FILE", help=".xlsx または .csv")
    findings.add_argument("--year", type=fiscal_year("--year"), metavar="年度", help="年度(2026 / 令和8 / R8)で絞り込む")
    findings.set_defaults(func=cmd_export_findings)

    discrepancies = subparsers.add_parser(
        "export-discrepancies", help="突合の差異の一覧(疑義照会リスト: 和暦、内容の説明、回答・確認者の欄)を .xlsx / .csv に書き出す")
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
    check.add_argument("--cert", type=Path, metavar="CERT.pem",
                       help="信頼する署名者の証明書(省略時はデータベースの信頼済み署名者の一覧で確かめる)")
    check.set_defaults(func=cmd_verify_signature)

    signer = subparsers.add_parser("signer", help="信頼する監査人の証明書(verify-signature が 信頼済み / 未登録 を判定)")
    signer_sub = signer.add_subparsers(dest="signer_command", metavar="COMMAND", required=True)
    signer_add = signer_sub.add_parser("add", help="証明書を信頼済みとして登録する")
    signer_add.add_argument("--cert", type=Path, required=True, metavar="CERT.pem")
    signer_add.set_defaults(func=cmd_signer_add)
    signer_list = signer_sub.add_parser("list", help="信頼済みの証明書の一覧")
    signer_list.set_defaults(func=cmd_signer_list)

    run = subparsers.add_parser("sheet-reconciliation",
                                help="指摘事項票に載せる突合を表示する(--run を付けると選ぶ)")
    run.add_argument("--audit", type=int, required=True, metavar="ID", help="監査 ID")
    run.add_argument("--run", type=int, metavar="RUN", help="突合 ID(監査対象機関のもの)")
    run.set_defaults(func=cmd_sheet_reconciliation)


def cmd_findings_pdf(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    if args.doc is not None:
        pdf, issue = reports.reissue_findings_sheet(db, args.doc)
    else:
        issued_on = None if args.date is None else parse_date(args.date, "--date")
        for warning in reports.issue_date_warnings(db, args.audit, issued_on or date.today()):
            print(f"注意: {warning}")
        pdf, issue = reports.findings_sheet_pdf(db, args.audit, issued_on=issued_on,
                                                allow_incomplete=args.allow_incomplete)
    write_atomic(args.out, pdf)
    what = "再発行しました(同じ文書)" if issue.reprint else "発行しました"
    print(f"{what}: 文書番号 {issue.doc_number}  SHA-256 {issue.content_sha256}  → {args.out}")
    return 0


def _show_or_set(value: str, show: Callable[[Any, argparse.Namespace], str],
                 change: Callable[[Any, argparse.Namespace], None]) -> Callable[[argparse.Namespace, Any], int]:
    """A command that prints one sheet setting, after changing it when the argument `value` was given."""
    def command(args: argparse.Namespace, ctx: Any) -> int:
        db = ctx.db(create=False)
        if getattr(args, value) is not None:
            change(db, args)
        print(show(db, args))
        return 0
    return command


cmd_sheet_issuer = _show_or_set("name", lambda db, a: f"発信者: {reports.issuer(db)}",
                                lambda db, a: reports.set_issuer(db, a.name))
cmd_sheet_contact = _show_or_set("text", lambda db, a: f"担当・連絡先: {reports.contact(db) or '(なし)'}",
                                 lambda db, a: reports.set_contact(db, a.text))
cmd_sheet_addressee = _show_or_set("title", lambda db, a: f"宛先: {reports.head_title(db, a.agency)} 様",
                                   lambda db, a: reports.set_head_title(db, a.agency, a.title))
cmd_sheet_number_format = _show_or_set(
    "format", lambda db, a: f"文書番号の書式: {doc_numbers.number_format(db)}({doc_numbers.FIELDS})",
    lambda db, a: doc_numbers.set_number_format(db, a.format))


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
    report = reports_annual.write_annual_report(ctx.export_db(), args.year, args.out)
    for line in report.results:
        average = "—" if line.average is None else f"{line.average:.2f}点"
        print(f"{line.audit_type}\t{line.agency_count}機関\t{average}")
    print(f"作成しました: {args.out}")
    return 0


def cmd_export_findings(args: argparse.Namespace, ctx: Any) -> int:
    rows = exports.export_findings(ctx.export_db(), args.out, args.year)
    print(f"指摘事項 {rows} 件を書き出しました: {args.out}")
    return 0


def cmd_export_discrepancies(args: argparse.Namespace, ctx: Any) -> int:
    rows = inquiry_list.export_inquiry(ctx.export_db(), args.out, args.run)
    print(f"差異 {rows} 件の疑義照会リストを書き出しました: {args.out}")
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
    db = None if args.cert is not None else ctx.db(create=False)
    checked = signing.check_signature(args.file, db=db, certificate=args.cert)
    if checked.problem:
        print(f"無効: {checked.problem}")
        return EXIT_MISMATCH
    for number, check in enumerate(checked.signatures, start=1):
        print(f"署名 {number}/{len(checked.signatures)}({check.field_name}、{check.signed_revision + 1} 版目まで)")
        print(f"  署名者      {check.signer or '—'}")
        print(f"  証明書 SHA-256 {check.fingerprint or '—'}")
        when = check.signed_at.astimezone() if check.signed_at is not None else None
        print(f"  署名日時    {'—' if when is None else format_wareki(when.date()) + when.strftime(' %H:%M:%S')}")
        trust = "信頼済み" if check.trusted else ("指定の証明書と違います" if args.cert else "未登録")
        print(f"  署名者の確認 {trust}")
        print(f"  {'有効' if check.valid else '無効'}: {check.message}")
    ok = checked.valid and all(check.trusted for check in checked.signatures)
    print("検証結果: " + ("有効(信頼済みの署名者、署名後の変更なし)" if ok else "無効または未確認"))
    return 0 if ok else EXIT_MISMATCH


def cmd_signer_add(args: argparse.Namespace, ctx: Any) -> int:
    signer = signing.add_trusted_signer(ctx.db(create=False), args.cert)
    print(f"信頼済みとして登録しました: {signer.subject}  SHA-256 {signer.sha256}")
    return 0


def cmd_signer_list(args: argparse.Namespace, ctx: Any) -> int:
    signers = signing.list_trusted_signers(ctx.db(create=False))
    for signer in signers:
        print(f"{signer.id}\t{signer.subject}\t{signer.sha256}\t{signer.added_at}")
    if not signers:
        print("信頼済みの署名者は登録されていません(signer add --cert で登録)。")
    return 0


def cmd_sheet_reconciliation(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    if args.run is not None:
        reports.set_sheet_run(db, args.audit, args.run)
    run = reports.sheet_run(db, audits.get_audit(db, args.audit))
    print(f"監査 {args.audit} の指摘事項票に載せる突合: {'なし' if run is None else f'突合 ID {run}'}")
    return 0
