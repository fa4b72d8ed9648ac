"""CLI commands: init, demo, and master data (agency, jimu, terminal, operator)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from typing import Any

from ..core.errors import JukiAuditError
from ..core.master import Agency, Operator, Terminal
from ..core.wareki import format_wareki_or, parse_date
from ..services import demo, master_data, packages
from .year_option import fiscal_year

KIND_HELP = "本庁課 / 地域振興局 / 運用機関 / 執行機関 / 市町村"


def _date(text: str) -> date:
    """argparse type: 2025-04-01, 2025/4/1, R7.4.1 or 令和7年4月1日."""
    try:
        return parse_date(text)
    except JukiAuditError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _subcommands(subparsers: Any, name: str, help_: str) -> Any:
    parser = subparsers.add_parser(name, help=help_)
    return parser.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND", required=True)


def register(subparsers: Any) -> None:
    subparsers.add_parser("init", help="新しい暗号化データベースを作成する").set_defaults(func=cmd_init)
    subparsers.add_parser("demo", help="デモデータ(審議会資料の機関・事務とサンプル機関)を読み込む").set_defaults(
        func=cmd_demo
    )
    _register_agency(_subcommands(subparsers, "agency", "事務利用機関"))
    _register_jimu(_subcommands(subparsers, "jimu", "事務(利用事務の一覧と根拠)"))
    _register_terminal(_subcommands(subparsers, "terminal", "業務端末"))
    _register_operator(_subcommands(subparsers, "operator", "操作者(照合ID)"))


def _register_agency(sub: Any) -> None:
    add = sub.add_parser("add", help="機関を登録する")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--kind", default="本庁課", help=KIND_HELP)
    add.add_argument("--parent", help="所属する部局・執行機関(例: 教育委員会)")
    add.add_argument("--first-use-year", type=fiscal_year("--first-use-year"), help="住基ネットの利用開始年度(2001 / 平成13 / H13)")
    add.set_defaults(func=cmd_agency_add)
    edit = sub.add_parser("edit", help="機関を変更する(指定した項目だけ)")
    edit.add_argument("--code", required=True)
    edit.add_argument("--name")
    edit.add_argument("--kind", help=KIND_HELP)
    edit.add_argument("--parent")
    edit.add_argument("--first-use-year", type=fiscal_year("--first-use-year"))
    edit.add_argument("--inactive", action="store_true", help="利用を終えた機関にする")
    edit.set_defaults(func=cmd_agency_edit)
    sub.add_parser("list", help="機関の一覧(【仮】= 資料で数えられているが名前の無い機関)").set_defaults(
        func=cmd_agency_list)
    delete = sub.add_parser("delete", help="機関を削除する(【仮】の機関は入力済みの監査ごと)")
    delete.add_argument("--code", required=True)
    delete.set_defaults(func=cmd_agency_delete)


def _register_jimu(sub: Any) -> None:
    list_ = sub.add_parser("list", help="事務の一覧(根拠・有効期間・利用できる機関)")
    list_.add_argument("--agency", help="この機関が利用できる事務だけ")
    list_.add_argument("--on", type=_date, help="この日に有効な根拠だけ(例: 2025-04-01, R7.4.1)")
    list_.set_defaults(func=cmd_jimu_list)
    add = sub.add_parser("add", help="事務を登録する")
    add.add_argument("--code", required=True, help="別表5-10 / 別表6-3 / 条例3-2 の形")
    add.add_argument("--name", required=True)
    add.add_argument("--division", help="担当課")
    add.add_argument("--summary", help="利用事務の概要")
    add.add_argument("--agency", action="append", default=[], help="利用できる機関コード(複数可)")
    add.add_argument("--from", dest="valid_from", type=_date, help="有効期間の開始日")
    add.add_argument("--to", dest="valid_to", type=_date, help="有効期間の終了日(その日を含む)")
    add.set_defaults(func=cmd_jimu_add)
    allow = sub.add_parser("allow", help="事務を利用できる機関を追加する")
    allow.add_argument("--code", required=True)
    allow.add_argument("--agency", action="append", required=True, help="機関コード(複数可)")
    allow.set_defaults(func=cmd_jimu_allow)
    rebase = sub.add_parser("rebase", help="事務の根拠を変える(例: 条例から法へ。旧根拠は前日で終了)")
    rebase.add_argument("--code", required=True, help="事務コード")
    rebase.add_argument("--new-code", required=True, help="新しい根拠のコード(例: 別表6-4)")
    rebase.add_argument("--from", dest="effective", type=_date, required=True, help="新しい根拠の開始日(公布日など)")
    rebase.set_defaults(func=cmd_jimu_rebase)


def _register_terminal(sub: Any) -> None:
    add = sub.add_parser("add", help="端末を登録する")
    add.add_argument("--agency", required=True)
    add.add_argument("--code", required=True, help="端末ID(操作ログの表記)")
    add.add_argument("--location", help="設置場所")
    add.set_defaults(func=cmd_terminal_add)
    list_ = sub.add_parser("list", help="端末の一覧")
    list_.add_argument("--agency")
    list_.set_defaults(func=cmd_terminal_list)


def _register_operator(sub: Any) -> None:
    add = sub.add_parser("add", help="操作者を登録する")
    add.add_argument("--agency", required=True)
    add.add_argument("--code", required=True, help="操作者ID(操作ログの表記)")
    add.add_argument("--name")
    add.add_argument("--registered", type=_date, help="登録日")
    add.add_argument("--revoked", type=_date, help="失効日(この日から使えない)")
    add.set_defaults(func=cmd_operator_add)
    revoke = sub.add_parser("revoke", help="操作者IDを失効させる(異動・退職)")
    revoke.add_argument("--agency", required=True)
    revoke.add_argument("--code", required=True)
    revoke.add_argument("--on", type=_date, required=True, help="失効日")
    revoke.set_defaults(func=cmd_operator_revoke)
    list_ = sub.add_parser("list", help="操作者の一覧")
    list_.add_argument("--agency")
    list_.set_defaults(func=cmd_operator_list)


def cmd_init(args: argparse.Namespace, ctx: Any) -> int:
    if ctx.db_path.exists():
        raise JukiAuditError(f"{ctx.db_path}: 既にデータベースがあります。上書きはしません。")
    public = packages.ensure_identity(ctx.db(create=True)).public
    print(f"作成しました: {ctx.db_path}(暗号化済み)\n送付用パッケージの指紋: {public.fingerprint}")
    return 0


def cmd_demo(args: argparse.Namespace, ctx: Any) -> int:
    demo.load_demo(ctx.db())
    labels = "、".join(label for label, _ in demo.DEMO_STEPS)
    print(f"デモデータを読み込みました: {labels}")
    return 0


def cmd_agency_add(args: argparse.Namespace, ctx: Any) -> int:
    kind = master_data.parse_agency_kind(args.kind)
    added = master_data.add_agency(
        ctx.db(), Agency(args.code, args.name, kind, args.parent, first_use_year=args.first_use_year)
    )
    print(f"登録しました: {added.code} {added.name}")
    return 0


def cmd_agency_edit(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    current = master_data.require_agency(db, args.code)
    changed = replace(
        current,
        name=args.name if args.name is not None else current.name,
        kind=master_data.parse_agency_kind(args.kind) if args.kind is not None else current.kind,
        parent_name=args.parent if args.parent is not None else current.parent_name,
        first_use_year=args.first_use_year if args.first_use_year is not None else current.first_use_year,
        active=current.active and not args.inactive,
    )
    master_data.update_agency(db, changed)
    print(f"変更しました: {changed.code} {changed.name}")
    return 0


def cmd_agency_list(args: argparse.Namespace, ctx: Any) -> int:
    for a in master_data.list_agencies(ctx.db()):
        active = "" if a.active else "利用終了"
        print(f"{a.code}\t{a.display_name}\t{a.kind.value}\t{a.parent_name or ''}\t{a.first_use_year or ''}\t{active}".rstrip())
    return 0


def cmd_agency_delete(args: argparse.Namespace, ctx: Any) -> int:
    master_data.delete_agency(ctx.db(), args.code)
    print(f"削除しました: {args.code}")
    return 0


def cmd_jimu_list(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    if args.agency:
        master_data.require_agency(db, args.agency)
    for jimu in master_data.list_jimu(db):
        if args.agency and args.agency not in jimu.agency_codes:
            continue
        bases = [b for b in jimu.bases if args.on is None or b.valid_on(args.on)]
        for basis in bases:
            period = f"{format_wareki_or(basis.valid_from)}～{format_wareki_or(basis.valid_to)}" if basis.valid_from or basis.valid_to else ""
            print(f"{basis.code}\t{jimu.name}\t{basis.citation}\t{period}\t{jimu.division or ''}\t"
                  f"{','.join(c + ('(推定)' if c in jimu.assumed_agency_codes else '') for c in jimu.agency_codes)}")
    return 0


def cmd_jimu_add(args: argparse.Namespace, ctx: Any) -> int:
    added = master_data.add_jimu(ctx.db(), args.code, args.name, division=args.division, summary=args.summary,
                                 agency_codes=args.agency, valid_from=args.valid_from, valid_to=args.valid_to)
    print(f"登録しました: {added.code} {added.name}({added.bases[0].citation})")
    return 0


def cmd_jimu_allow(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db()
    current = master_data.require_jimu(db, args.code)
    codes = list(dict.fromkeys([*current.agency_codes, *args.agency]))
    master_data.update_jimu(db, current.code, name=current.name, division=current.division,
                            summary=current.summary, agency_codes=codes)
    print(f"変更しました: {current.code} を利用できる機関 {','.join(codes)}")
    return 0


def cmd_jimu_rebase(args: argparse.Namespace, ctx: Any) -> int:
    changed = master_data.change_basis(ctx.db(), args.code, args.new_code, args.effective)
    print(f"変更しました: {changed.code} {changed.name} は {format_wareki_or(args.effective)} から {args.new_code}")
    return 0


def cmd_terminal_add(args: argparse.Namespace, ctx: Any) -> int:
    added = master_data.add_terminal(ctx.db(), Terminal(args.agency, args.code, args.location))
    print(f"登録しました: {added.agency_code} {added.code}")
    return 0


def cmd_terminal_list(args: argparse.Namespace, ctx: Any) -> int:
    for t in master_data.list_terminals(ctx.db(), args.agency):
        print(f"{t.agency_code}\t{t.code}\t{t.location or ''}".rstrip())
    return 0


def cmd_operator_add(args: argparse.Namespace, ctx: Any) -> int:
    added = master_data.add_operator(
        ctx.db(), Operator(args.agency, args.code, args.name, args.registered, args.revoked)
    )
    print(f"登録しました: {added.agency_code} {added.operator_code}")
    return 0


def cmd_operator_revoke(args: argparse.Namespace, ctx: Any) -> int:
    revoked = master_data.revoke_operator(ctx.db(), args.agency, args.code, args.on)
    print(f"失効させました: {revoked.agency_code} {revoked.operator_code}({format_wareki_or(args.on)}から)")
    return 0


def cmd_operator_list(args: argparse.Namespace, ctx: Any) -> int:
    for o in master_data.list_operators(ctx.db(), args.agency):
        print(f"{o.agency_code}\t{o.operator_code}\t{o.name or ''}\t{format_wareki_or(o.registered_on)}\t"
              f"{format_wareki_or(o.revoked_on)}".rstrip())
    return 0
