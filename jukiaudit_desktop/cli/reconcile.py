"""CLI commands: reconcile (operation log × 業務端末使用管理簿), reconcile-calendar, reconcile-thresholds, discrepancy
explain / reopen / answers (the answered 疑義照会 list)."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
from datetime import date
from pathlib import Path
from typing import Any

from ..core.collector import collector_paused
from ..core.wareki import parse_date
from ..reconcile.settings import ReconcileSettings, national_holidays, parse_hours
from ..security.atomic import atomic_handle
from ..services import agency_calendar, analysis_thresholds, reconciliation
from ..storage.database import Database
from ..storage.reconcile_repo import Period


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("reconcile", help="操作ログと業務端末使用管理簿を突合し、結果を JSON に書き出す")
    run.add_argument("--agency", required=True, metavar="CODE", help="機関コード")
    run.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="期間の開始日(含む)")
    run.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="期間の終了日(含む)")
    run.add_argument("--tolerance", type=int, default=5, metavar="MINUTES", help="記帳時刻の許容幅(分、既定 5)")
    run.add_argument("--hours", metavar="HH:MM-HH:MM", help="業務時間(既定: 機関の設定、なければ 08:30-17:30)")
    run.add_argument("--closed-days", metavar="LIST",
                     help="祝日・土日以外の休業日、カンマ区切り: 12-29(毎年)や 2025-12-29"
                          "(既定: 機関の設定、なければ年末年始 12-29～01-03)")
    run.add_argument("--session-gap", type=int, default=30, metavar="MINUTES",
                     help="同一端末の操作をひと続きの使用とみなす間隔(分、既定 30、同時使用の判定)")
    add_subject_options(run)
    run.add_argument("--json", required=True, type=Path, metavar="OUT", help="結果を書き出す JSON ファイル")
    run.set_defaults(func=cmd_reconcile)

    calendar = subparsers.add_parser("reconcile-calendar", help="機関の業務時間と休業日(突合の既定)を表示・設定する")
    calendar.add_argument("--agency", required=True, metavar="CODE", help="機関コード")
    calendar.add_argument("--hours", metavar="HH:MM-HH:MM", help="業務時間(例 08:30-17:15)")
    calendar.add_argument("--closed-days", metavar="LIST", help="祝日・土日以外の休業日、カンマ区切り(空文字で なし)")
    calendar.set_defaults(func=cmd_calendar)

    thresholds = subparsers.add_parser("reconcile-thresholds",
                                       help="対象者・操作の分析のしきい値(突合の既定)を表示・保存する")
    add_subject_options(thresholds)
    thresholds.set_defaults(func=cmd_thresholds)

    discrepancy = subparsers.add_parser("discrepancy", help="突合の差異を説明済みにする / 元に戻す")
    sub = discrepancy.add_subparsers(dest="discrepancy_command", metavar="SUBCOMMAND", required=True)
    explain = sub.add_parser("explain", help="差異を説明済みにする(理由を記録)")
    explain.add_argument("--id", type=int, required=True, help="差異 ID")
    explain.add_argument("--reason", required=True, help="説明の内容")
    explain.set_defaults(func=cmd_explain)
    reopen = sub.add_parser("reopen", help="説明済みを取り消して未対応に戻す")
    reopen.add_argument("--id", type=int, required=True, help="差異 ID")
    reopen.set_defaults(func=cmd_reopen)
    answers = sub.add_parser("answers", help="回答を記入した疑義照会リスト(.xlsx / .csv)を読み、各回答を差異の説明として記録する")
    answers.add_argument("file", type=Path, metavar="FILE")
    answers.set_defaults(func=cmd_answers)


# (option, settings field, type, help) of the subject and activity kinds; an option not given takes the saved
# threshold (services.analysis_thresholds), else ReconcileSettings' default.
_SUBJECT_OPTIONS = (
    ("--repeat-days", "repeat_days", int, "同一対象者への繰り返し照会: 判定期間内の照会日数"),
    ("--repeat-operators", "repeat_operators", int, "同一対象者への繰り返し照会: 判定期間内の照会者数"),
    ("--repeat-window", "repeat_window_days", int, "同一対象者への繰り返し照会: 判定期間(日)"),
    ("--spike-factor", "spike_factor", float, "照会件数の急増: 操作者の 1 日の件数の中央値に対する倍率"),
    ("--spike-minimum", "spike_minimum", int, "照会件数の急増: 1 日の最少件数"),
    ("--burst-failures", "burst_failures", int, "照会失敗の連続: 件数"),
    ("--burst-minutes", "burst_minutes", int, "照会失敗の連続: 判定時間(分)"),
)


def add_subject_options(parser: argparse.ArgumentParser) -> None:
    defaults = ReconcileSettings()
    for option, name, type_, text in _SUBJECT_OPTIONS:
        parser.add_argument(option, dest=name, type=type_, metavar="N",
                            help=f"{text}(既定: 保存した値、なければ {getattr(defaults, name):g})")


def _thresholds(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    """The options given, else the saved thresholds."""
    kept = analysis_thresholds.kept(db)
    return {name: getattr(kept, name) if getattr(args, name) is None else getattr(args, name)
            for _, name, _, _ in _SUBJECT_OPTIONS}


def _days(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def settings_from(args: argparse.Namespace, db: Database) -> ReconcileSettings:
    """The options given, else the agency's calendar."""
    kept = agency_calendar.calendar(db, args.agency)
    start, end = parse_hours(args.hours or kept.business_hours)
    closed = kept.closed_days if args.closed_days is None else tuple(_days(args.closed_days))
    return ReconcileSettings(tolerance_minutes=args.tolerance, hours_start=start, hours_end=end,
                             closed_days=closed, session_gap_minutes=args.session_gap,
                             **_thresholds(args, db))


def write_run_json(path: Path, exported: reconciliation.Export) -> None:
    """The run as JSON, one discrepancy a line: byte for byte json.dumps of the whole run (without `indent`,
    whose pure-Python encoder takes seconds for tens of thousands of discrepancies) with a line break before
    each discrepancy and skipped check, written as the discrepancies come (a few thousand at a time: a million
    stay out of memory). Every discrepancy (and skipped check) starts with its "kind", and no object inside
    one does."""
    with atomic_handle(path, 0o600) as handle:
        handle.write(_one_per_line(json.dumps({**exported.head, "discrepancies": []}, ensure_ascii=False))[:-2])
        separator = b""
        for chunk in iter(lambda: list(itertools.islice(exported.discrepancies, _JSON_CHUNK)), []):
            handle.write(separator + _one_per_line(", ".join(chunk)))
            separator = b",\n"
        handle.write(b"]}\n")


def _one_per_line(text: str) -> bytes:
    return text.replace('}, {"kind": ', '},\n{"kind": ').encode("utf-8")


_JSON_CHUNK = 4096  # discrepancies encoded at once


def cmd_calendar(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    kept = agency_calendar.calendar(db, args.agency)
    if args.hours is not None or args.closed_days is not None:
        kept = agency_calendar.set_calendar(db, args.agency, args.hours or kept.business_hours,
                                            list(kept.closed_days) if args.closed_days is None
                                            else _days(args.closed_days))
    print(f"{args.agency}: 業務時間 {kept.business_hours}  休業日(祝日・土日のほか) {', '.join(kept.closed_days) or 'なし'}")
    return 0


def cmd_thresholds(args: argparse.Namespace, ctx: Any) -> int:
    db = ctx.db(create=False)
    kept = analysis_thresholds.kept(db)
    if any(getattr(args, name) is not None for _, name, _, _ in _SUBJECT_OPTIONS):
        kept = analysis_thresholds.keep(db, ReconcileSettings(**_thresholds(args, db)))
    for option, name, _, text in _SUBJECT_OPTIONS:
        print(f"{option} {getattr(kept, name):g}\t{text}")
    return 0


def cmd_reconcile(args: argparse.Namespace, ctx: Any) -> int:
    period = Period(None if args.first is None else parse_date(args.first, "--from"),
                    None if args.last is None else parse_date(args.last, "--to"))
    # The cycle collector paused: the holiday calendars' modules, the run, its rows and its JSON texts make 10^5
    # and more objects, and no cycles.
    with collector_paused():
        national_holidays(date.today().year)  # made while the key is derived (security.keys.derive_early)
        db = ctx.db(create=False, check_beside=True)  # the pages are checked while the operations are read
        result = reconciliation.run_reconciliation(db, args.agency, settings_from(args, db), period,
                                                   exporting=True)
        exported = reconciliation.export_result(db, result)
        with contextlib.closing(exported):
            write_run_json(args.json, exported)
    counts = "、".join(f"{kind} {n}" for kind, n in exported.head["summary"].items())
    print(f"突合 {result.run_id}: {counts} → {args.json}")
    for skipped in exported.head["skipped"]:
        print(f"  未確認: {skipped['kind']}({skipped['reason']})")
    return 0


def cmd_explain(args: argparse.Namespace, ctx: Any) -> int:
    found = reconciliation.mark_explained(ctx.db(create=False), args.id, args.reason)
    print(f"説明済みにしました: 差異 {found.id}({found.kind.label})")
    return 0


def cmd_reopen(args: argparse.Namespace, ctx: Any) -> int:
    found = reconciliation.reopen(ctx.db(create=False), args.id)
    print(f"未対応に戻しました: 差異 {found.id}({found.kind.label})")
    return 0


def cmd_answers(args: argparse.Namespace, ctx: Any) -> int:
    from ..services import inquiry_list  # openpyxl: not loaded by `reconcile` (start-up time)

    read = inquiry_list.import_answers(ctx.db(create=False), args.file)
    print(f"回答 {read.explained} 件を説明として記録しました(回答のない行 {read.unanswered} 件)。")
    return 0
