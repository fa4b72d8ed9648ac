"""CLI commands: audit, score, finding, followup, selfcheck, checklist (audit sessions and their findings)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..core.audit import ItemScore
from ..core.errors import InputError
from ..core.wareki import format_fiscal_year, format_wareki, format_wareki_or, parse_date
from ..security.atomic import write_atomic
from ..services import audits, checklists, findings, followup_statuses, selfcheck_xlsx
from ..services.master_data import require_agency
from .year_option import fiscal_year


def register(subparsers: Any) -> None:
    _register_audit(subparsers)
    score = subparsers.add_parser("score", help="項目の点数・所見を記録する(すぐに保存)")
    score.add_argument("--audit", type=int, required=True)
    score.add_argument("--item", required=True, help="項目コード(例: A-1)")
    score.add_argument("--self", dest="self_score", metavar="N", help="自己点検の点数 1～3 / 該当なし(na)")
    score.add_argument("--verified", metavar="N", help="監査人の点数 1～3 / 該当なし(na)")
    score.add_argument("--note", help="監査人の所見")
    score.set_defaults(func=cmd_score)
    _register_finding(subparsers)
    _register_followup(subparsers)
    _register_selfcheck(subparsers)
    _register_checklist(subparsers)


def _register_audit(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="監査(自己点検・内部監査・外部監査)")
    sub = audit.add_subparsers(dest="audit_command", metavar="SUBCOMMAND", required=True)
    list_ = sub.add_parser("list", help="監査の一覧")
    list_.add_argument("--year", type=fiscal_year("--year"), help="年度(2026 / 令和8 / R8)")
    list_.add_argument("--agency", help="機関コード")
    list_.add_argument("--type", help="自己点検 / 内部監査 / 外部監査")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(func=cmd_audit_list)
    show = sub.add_parser("show", help="監査の項目(自己点検と監査人の点数)と指摘事項")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_audit_show)
    new = sub.add_parser("new", help="監査を作成する")
    new.add_argument("--agency", required=True, help="機関コード")
    new.add_argument("--year", type=fiscal_year("--year"), required=True, help="年度(2026 / 令和8 / R8)")
    new.add_argument("--type", required=True, help="自己点検 / 内部監査 / 外部監査")
    new.add_argument("--template", type=int, help="チェックリスト ID(既定: 最新版)")
    new.add_argument("--from-previous", type=int, metavar="AUDIT_ID", help="前回の監査を基にする")
    new.add_argument("--start", help="開始日(2025/10/03、R7.10.3 など)")
    new.add_argument("--end", help="終了日")
    new.add_argument("--place", default="")
    new.add_argument("--auditor", action="append", default=[], help="監査人(複数指定可)")
    new.set_defaults(func=cmd_audit_new)
    edit = sub.add_parser("edit", help="監査の詳細(日程・場所・監査人・出席者)を変更する(指定した項目だけ)")
    edit.add_argument("id", type=int)
    edit.add_argument("--start", help="開始日(空文字で未定に戻す)")
    edit.add_argument("--end", help="終了日(空文字で未定に戻す)")
    edit.add_argument("--place")
    edit.add_argument("--auditor", action="append", help="監査人(複数指定可; 指定するとすべて置き換え)")
    edit.add_argument("--attendee", action="append", help="対象機関出席者(複数指定可; 指定するとすべて置き換え)")
    edit.set_defaults(func=cmd_audit_edit)
    status = sub.add_parser("status", help="監査の状態を進める")
    status.add_argument("id", type=int)
    status.add_argument("status", help="計画 / 通知済 / 実施中 / 結果通知済 / 改善確認中 / 完了")
    status.set_defaults(func=cmd_audit_status)
    aggregate = sub.add_parser("aggregate", help="年度の監査結果(種別ごとの平均点)")
    aggregate.add_argument("--year", type=fiscal_year("--year"), required=True)
    aggregate.add_argument("--json", action="store_true")
    aggregate.set_defaults(func=cmd_audit_aggregate)
    low = sub.add_parser("low-scores", help="3点未満の項目(フォローアップ対象)")
    low.add_argument("--year", type=fiscal_year("--year"), required=True)
    low.add_argument("--type", default="自己点検", help="自己点検 / 内部監査 / 外部監査")
    low.add_argument("--json", action="store_true")
    low.set_defaults(func=cmd_audit_low_scores)
    evidence = sub.add_parser("evidence", help="証跡ファイルを添付する / 一覧 / 取り出す / 削除する")
    ev_sub = evidence.add_subparsers(dest="evidence_command", metavar="SUBCOMMAND", required=True)
    ev_add = ev_sub.add_parser("add")
    ev_add.add_argument("--audit", type=int, required=True)
    ev_add.add_argument("--item", help="項目コード")
    ev_add.add_argument("--note", default="")
    ev_add.add_argument("file", type=Path)
    ev_add.set_defaults(func=cmd_evidence_add)
    ev_list = ev_sub.add_parser("list")
    ev_list.add_argument("--audit", type=int, required=True)
    ev_list.set_defaults(func=cmd_evidence_list)
    ev_get = ev_sub.add_parser("get")
    ev_get.add_argument("id", type=int)
    ev_get.add_argument("--out", type=Path, required=True)
    ev_get.set_defaults(func=cmd_evidence_get)
    ev_delete = ev_sub.add_parser("delete", help="誤って添付したファイルを削除する(指摘事項票の発行前に添付したものは不可)")
    ev_delete.add_argument("id", type=int)
    ev_delete.set_defaults(func=cmd_evidence_delete)


def _register_finding(subparsers: Any) -> None:
    finding = subparsers.add_parser("finding", help="指摘事項")
    sub = finding.add_subparsers(dest="finding_command", metavar="SUBCOMMAND", required=True)
    add = sub.add_parser("add", help="指摘事項を登録する")
    add.add_argument("--audit", type=int, required=True)
    add.add_argument("--class", dest="finding_class", required=True, help="不適切事項 / 要改善事項 / 注意事項 / 意見")
    add.add_argument("--title")
    source = add.add_mutually_exclusive_group()
    source.add_argument("--item", help="チェックリストの項目コード")
    source.add_argument("--discrepancy", type=int, help="突合の差異 ID")
    add.add_argument("--severity", default="中", help="高 / 中 / 低")
    for name in ("condition", "criteria", "cause", "effect", "recommendation"):
        add.add_argument(f"--{name}", default=None)
    add.add_argument("--due", help="改善報告の期限")
    add.set_defaults(func=cmd_finding_add)
    list_ = sub.add_parser("list", help="指摘事項の一覧")
    list_.add_argument("--audit", type=int)
    list_.add_argument("--overdue", action="store_true", help="期限を過ぎて完了していないものだけ")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(func=cmd_finding_list)
    delete = sub.add_parser("delete", help="誤って登録した指摘事項を削除する(発行済みの指摘事項票に載ったものは不可)")
    delete.add_argument("--id", type=int, required=True)
    delete.set_defaults(func=cmd_finding_delete)


def _register_followup(subparsers: Any) -> None:
    followup = subparsers.add_parser("followup", help="改善報告")
    sub = followup.add_subparsers(dest="followup_command", metavar="SUBCOMMAND", required=True)
    add = sub.add_parser("add", help="改善報告を記録する")
    add.add_argument("--finding", type=int, required=True)
    add.add_argument("--status", required=True, help="改善状況(既定の区分: 措置済 / 一部措置 / 未措置; "
                     "`followup statuses` で一覧)")
    add.add_argument("--date", help="報告日(既定: 今日)")
    add.add_argument("--planned", help="予定日(措置を終える予定の日; 一部措置・未措置などで必要)")
    add.add_argument("--note", default="")
    add.set_defaults(func=cmd_followup_add)
    statuses = sub.add_parser("statuses", help="改善状況の区分を表示する / 設定する(--set)")
    statuses.add_argument("--set", nargs="+", metavar="NAME[:完了][:予定日]",
                          help="よい順にすべて(例: 措置済:完了 一部措置:予定日 未措置:予定日)。"
                               "完了: 指摘事項を完了とする。予定日: 報告に予定日を求める。新しい指摘は最後の区分から")
    statuses.set_defaults(func=cmd_followup_statuses)


def _register_selfcheck(subparsers: Any) -> None:
    selfcheck = subparsers.add_parser("selfcheck", help="自己点検表(.xlsx)")
    sub = selfcheck.add_subparsers(dest="selfcheck_command", metavar="SUBCOMMAND", required=True)
    export = sub.add_parser("export", help="記入用の自己点検表を出力する(--audit、または --agency と --year)")
    export.add_argument("--audit", type=int)
    export.add_argument("--agency", help="機関コード(その年度の自己点検がなければ作成)")
    export.add_argument("--year", type=fiscal_year("--year"), help="年度(2026 / 令和8 / R8)")
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(func=cmd_selfcheck_export)
    export_all = sub.add_parser("export-all", help="年度の全機関の自己点検表をフォルダに出力する")
    export_all.add_argument("--year", type=fiscal_year("--year"), required=True)
    export_all.add_argument("--dir", type=Path, required=True)
    export_all.set_defaults(func=cmd_selfcheck_export_all)
    import_ = sub.add_parser("import", help="記入済みの自己点検表を取り込む")
    import_.add_argument("file", type=Path)
    import_.add_argument("--audit", type=int, help="取り込み先の監査 ID(様式の記録と照合)")
    import_.set_defaults(func=cmd_selfcheck_import)


def _register_checklist(subparsers: Any) -> None:
    checklist = subparsers.add_parser("checklist", help="チェックリスト")
    sub = checklist.add_subparsers(dest="checklist_command", metavar="SUBCOMMAND", required=True)
    list_ = sub.add_parser("list", help="チェックリストの一覧(版ごと)")
    list_.set_defaults(func=cmd_checklist_list)
    export = sub.add_parser("export", help="チェックリストをファイルに書き出す")
    export.add_argument("id", type=int)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(func=cmd_checklist_export)
    import_ = sub.add_parser("import", help="チェックリストのファイルを取り込む(新しい版になる)")
    import_.add_argument("file", type=Path)
    import_.set_defaults(func=cmd_checklist_import)
    install = sub.add_parser("install-defaults", help="既定のチェックリストを登録する")
    install.set_defaults(func=cmd_checklist_install)


# ---------------------------------------------------------------- output helpers


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return None  # exact fractions are internal; the two-decimal Decimal beside them is what is reported
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def _print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), ensure_ascii=False, indent=1))


def _day(text: str | None, what: str) -> date | None:
    return None if not text else parse_date(text, what)


def _score_arg(text: str | None) -> int | None:
    return None if text is None else audits.parse_score(text)


# ---------------------------------------------------------------- commands


def cmd_audit_list(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False, read_only=True)
    agency_id = require_agency(db, args.agency).id if args.agency else None
    audit_type = audits.parse_audit_type(args.type) if args.type else None
    rows = audits.list_audits(db, args.year, agency_id, audit_type)
    if args.json:
        _print_json(rows)
        return 0
    for a in rows:
        print(f"{a.id}\t{format_fiscal_year(a.fiscal_year)}\t{a.audit_type.value}\t{a.agency_code}\t{a.agency_name}\t"
              f"{a.status.value}\t{format_wareki_or(a.start_date)}")
    return 0


def _item_json(row: ItemScore) -> dict[str, Any]:
    item = row.item
    return {"code": item.code, "category": item.category, "question": item.question, "method": item.method,
            "self": audits.score_label(row.self_score), "verified": audits.score_label(row.verified),
            "note": row.note, "self_comment": row.self_comment,
            "previous_self": audits.score_label(row.previous_self),
            "previous_verified": audits.score_label(row.previous_verified), "previous_note": row.previous_note}


def cmd_audit_show(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False, read_only=True)
    audit = audits.get_audit(db, args.id)
    items = audits.audit_items(db, args.id)
    summary = audits.score_summary(db, args.id)
    found = findings.list_findings(db, args.id)
    carried = findings.open_findings_from_previous(db, args.id)
    if args.json:
        _print_json({"audit": audit, "summary": summary, "items": [_item_json(r) for r in items],
                     "findings": found, "open_findings_from_previous": carried})
        return 0
    print(f"監査 {audit.id}: {format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} "
          f"{audit.agency_code} {audit.agency_name}({audit.status.value})")
    print(f"平均点: 自己点検 {summary.self_average or '-'} / 監査人 {summary.verified_average or '-'}")
    for row in items:
        print(f"{row.item.code}\t{audits.score_label(row.self_score) or '-'}\t{audits.score_label(row.verified) or '-'}"
              f"\t{row.item.question}")
    for f in found:
        print(f"指摘 {f.id}\t{f.finding_class.value}\t{f.status}\t{f.title}")
    for f in carried:
        print(f"前回からの未完了の指摘 {f.id}\t{format_fiscal_year(f.fiscal_year)}\t{f.status}\t{f.title}")
    return 0


def cmd_audit_new(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    details = {"start_date": _day(args.start, "--start"), "end_date": _day(args.end, "--end"), "place": args.place,
               "auditors": tuple(args.auditor)}
    audit_type = audits.parse_audit_type(args.type)
    if args.from_previous:
        previous = audits.get_audit(db, args.from_previous)
        if previous.agency_code != args.agency:
            raise InputError(f"監査 {previous.id} は機関 {previous.agency_code} のものです(--agency {args.agency})。")
        audit = audits.start_from_previous(db, args.from_previous, args.year, audit_type, **details)
    else:
        audit = audits.create_audit(db, args.agency, args.year, audit_type, template_id=args.template, **details)
    print(f"作成しました: 監査 {audit.id}({format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} "
          f"{audit.agency_name})")
    return 0


def cmd_audit_edit(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    current = audits.get_audit(db, args.id)
    audit = audits.update_details(
        db, args.id,
        start_date=current.start_date if args.start is None else _day(args.start, "--start"),
        end_date=current.end_date if args.end is None else _day(args.end, "--end"),
        place=current.place if args.place is None else args.place,
        auditors=current.auditors if args.auditor is None else args.auditor,
        attendees=current.attendees if args.attendee is None else args.attendee)
    print(f"監査 {audit.id} の詳細: {format_wareki_or(audit.start_date, '日程未定')}～"
          f"{format_wareki_or(audit.end_date, '未定')} 場所 {audit.place or '-'} "
          f"監査人 {'、'.join(audit.auditors) or '-'} 出席者 {'、'.join(audit.attendees) or '-'}")
    return 0


def cmd_audit_status(args: argparse.Namespace, ctx: Any) -> int:
    audit = audits.set_status(ctx.db(), args.id, audits.parse_status(args.status))
    print(f"監査 {audit.id} の状態: {audit.status.value}")
    return 0


def cmd_audit_aggregate(args: argparse.Namespace, ctx: Any) -> int:
    rows = audits.annual_aggregate(ctx.db(), args.year)
    if args.json:
        _print_json([{"scope": r.scope, "audit_type": r.audit_type.value, "agency_count": r.agency_count,
                      "average": None if r.average is None else str(r.average),
                      "agencies": [{"code": a.agency_code, "name": a.agency_name,
                                    "average": None if a.average is None else str(a.average)} for a in r.agencies]}
                     for r in rows])
        return 0
    print(f"{format_fiscal_year(args.year)} 監査結果(機関ごとの平均点の平均、3点満点)")
    for r in rows:
        print(f"{r.scope}\t{r.audit_type.value}\t{r.agency_count}機関\t{r.average or '-'}点")
    return 0


def cmd_audit_low_scores(args: argparse.Namespace, ctx: Any) -> int:
    rows = audits.low_scores(ctx.db(), args.year, audits.parse_audit_type(args.type))
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        print(f"{r.item_code}\t{r.agency_code}\t{r.agency_name}\t{r.score}点\t{r.question}\t{r.comment}")
    return 0


def cmd_score(args: argparse.Namespace, ctx: Any) -> int:
    if args.self_score is None and args.verified is None and args.note is None:
        raise InputError("--self、--verified、--note のいずれかを指定してください。")
    db = ctx.db()
    if args.self_score is not None:
        audits.set_self_score(db, args.audit, args.item, _score_arg(args.self_score))
    if args.verified is not None:
        audits.set_verified_score(db, args.audit, args.item, _score_arg(args.verified))
    if args.note is not None:
        audits.set_note(db, args.audit, args.item, args.note)
    print(f"保存しました: 監査 {args.audit} 項目 {args.item}")
    return 0


def cmd_evidence_add(args: argparse.Namespace, ctx: Any) -> int:
    info = audits.add_evidence(ctx.db(), args.audit, args.file, item_code=args.item, note=args.note)
    print(f"添付しました: {info.id} {info.file_name} ({info.size:,} バイト, SHA-256 {info.sha256})")
    return 0


def cmd_evidence_list(args: argparse.Namespace, ctx: Any) -> int:
    for e in audits.list_evidence(ctx.db(), args.audit):
        print(f"{e.id}\t{e.item_code or '-'}\t{e.file_name}\t{e.size}\t{e.sha256}\t{e.note}")
    return 0


def cmd_evidence_get(args: argparse.Namespace, ctx: Any) -> int:
    name, content = audits.get_evidence_content(ctx.db(), args.id)
    write_atomic(args.out, content)
    print(f"書き出しました: {name} → {args.out}")
    return 0


def cmd_evidence_delete(args: argparse.Namespace, ctx: Any) -> int:
    info = audits.delete_evidence(ctx.db(), args.id)
    print(f"削除しました: {info.id} {info.file_name}(SHA-256 {info.sha256} は監査証跡に残ります)")
    return 0


def cmd_finding_add(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    fields: dict[str, Any] = {"finding_class": findings.parse_finding_class(args.finding_class),
                              "severity": findings.parse_severity(args.severity),
                              "due_date": _day(args.due, "--due")}
    for name in ("condition", "criteria", "cause", "effect", "recommendation"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    if args.discrepancy is not None:
        if args.title:
            fields["title"] = args.title
        finding = findings.raise_from_discrepancy(db, args.audit, args.discrepancy, **fields)
    else:
        if not args.title:
            raise InputError("--title を指定してください(差異から登録するときは省略できます)。")
        finding = findings.add_finding(db, args.audit, fields.pop("finding_class"), args.title, item_code=args.item,
                                       **fields)
    print(f"登録しました: 指摘事項 {finding.id} {finding.finding_class.value} {finding.title}")
    return 0


def cmd_finding_delete(args: argparse.Namespace, ctx: Any) -> int:
    finding = findings.delete_finding(ctx.db(), args.id)
    reopened = f"(差異 {finding.discrepancy_id} は未対応に戻りました)" if finding.discrepancy_id is not None else ""
    print(f"削除しました: 指摘事項 {finding.id} {finding.title}{reopened}")
    return 0


def cmd_finding_list(args: argparse.Namespace, ctx: Any) -> int:
    rows = findings.list_findings(ctx.db(), args.audit, overdue_only=args.overdue)
    if args.json:
        _print_json(rows)
        return 0
    for f in rows:
        print(f"{f.id}\t{format_fiscal_year(f.fiscal_year)}\t{f.agency_code}\t{f.agency_name}\t{f.finding_class.value}\t"
              f"{f.status}\t{format_wareki_or(f.due_date)}\t{f.title}")
    return 0


def cmd_followup_add(args: argparse.Namespace, ctx: Any) -> int:
    reported = _day(args.date, "--date") or date.today()
    planned = _day(args.planned, "--planned")
    followup = findings.add_followup(ctx.db(), args.finding, reported, args.status, args.note, planned)
    plan = f"、予定日 {format_wareki(planned)}" if planned else ""
    print(f"記録しました: 指摘事項 {followup.finding_id} は「{followup.status}」({format_wareki(reported)}{plan})")
    return 0


def cmd_followup_statuses(args: argparse.Namespace, ctx: Any) -> int:
    if args.set:
        current = followup_statuses.set_statuses(ctx.db(), [followup_statuses.parse_spec(s) for s in args.set])
        print("改善状況の区分を設定しました。")
    else:
        current = followup_statuses.statuses(ctx.db(read_only=True))
    for number, status in enumerate(current.items, 1):
        marks = "、".join(m for m, on in (("完了とする", status.closes), ("予定日を求める", status.asks_date)) if on)
        print(f"{number}\t{status.name}\t{marks}")
    print(f"新しい指摘事項は「{current.initial}」から始まります。")
    return 0


def cmd_selfcheck_export(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    if args.audit is not None:
        audit_id = args.audit
    elif args.agency and args.year:
        audit_id = audits.self_check_for(db, args.agency, args.year).id
    else:
        raise InputError("--audit、または --agency と --year を指定してください。")
    path = selfcheck_xlsx.export_form(db, audit_id, args.out)
    print(f"出力しました: {path}(監査 {audit_id})")
    return 0


def cmd_selfcheck_export_all(args: argparse.Namespace, ctx: Any) -> int:
    paths = selfcheck_xlsx.export_forms(ctx.db(), args.year, args.dir)
    print(f"出力しました: {len(paths)} 機関 → {args.dir}")
    return 0


def cmd_selfcheck_import(args: argparse.Namespace, ctx: Any) -> int:
    result = selfcheck_xlsx.import_form(ctx.db(), args.file, args.audit)
    print(f"取り込みました: 監査 {result.audit_id}({result.agency})、{result.items} 項目(うち該当なし {result.not_applicable})")
    return 0


def cmd_checklist_list(args: argparse.Namespace, ctx: Any) -> int:
    for t in checklists.list_templates(ctx.db()):
        print(f"{t.id}\t{t.name}\t第{t.version}版\t{t.target}\t{t.items}項目")
    return 0


def cmd_checklist_export(args: argparse.Namespace, ctx: Any) -> int:
    path = checklists.export_template(ctx.export_db(), args.id, args.out)
    print(f"書き出しました: {path}")
    return 0


def cmd_checklist_import(args: argparse.Namespace, ctx: Any) -> int:
    template = checklists.import_template(ctx.db(), args.file)
    print(f"取り込みました: チェックリスト {template.id} {template.name} 第{template.version}版({len(template.items)}項目)")
    return 0


def cmd_checklist_install(args: argparse.Namespace, ctx: Any) -> int:
    installed = checklists.install_default_templates(ctx.db())
    print(f"登録しました: {len(installed)} 件" if installed else "既定のチェックリストは登録済みです。")
    return 0
