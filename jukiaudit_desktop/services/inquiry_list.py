"""The 疑義照会 list: a run's discrepancies as questions to the audited agency (xlsx or CSV, one row each, 和暦,
a sentence per problem, empty 回答 / 確認者 columns), and the answered list read back as explanations."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.wareki import format_wareki
from ..importers.encoding import decode
from ..importers.tables import refuse_control_characters
from ..reconcile.model import KIND_LABELS, Kind
from ..reports.spreadsheet import Sheet, table_bytes
from ..security import file_limits
from ..storage import inquiry_repo, reconcile_repo, trail
from ..storage.database import Database
from . import reconciliation
from .app_trail import write_export

HEADERS = ("差異ID", "突合ID", "機関", "種類", "日時", "端末", "操作者", "事務コード", "事務名", "処理区分", "件数", "操作ログ(ファイル:行)",
           "管理簿(ファイル:行)", "記帳の時間帯", "内容", "回答", "確認者")
ID_COLUMN, ANSWER_COLUMN, CHECKER_COLUMN = "差異ID", "回答", "確認者"


def _moment(iso: str | None) -> str:
    """2025-04-01T10:05:33 → 令和7年4月1日 10:05:33 (10:05 when the text has no seconds)."""
    if not iso:
        return ""
    at = datetime.fromisoformat(iso)
    return f"{format_wareki(at.date())} {at:%H:%M:%S}" if len(iso) > 16 else f"{format_wareki(at.date())} {at:%H:%M}"


def _window(entry: Sequence[Any] | None) -> str:
    if entry is None:
        return ""
    start, end = _moment(entry[3]), _moment(entry[4])
    same_day = entry[3][:10] == entry[4][:10]
    return f"{start}～{end.split(' ')[1] if same_day else end}"


def _sentence(kind: str, detail: dict[str, Any], op: Sequence[Any] | None, entry: Sequence[Any] | None) -> str:
    """What is wrong, in one sentence an agency can answer."""
    terminal = op[4] if op else (entry[5] if entry else "")
    operator = op[5] if op else (entry[6] if entry else "")
    if kind == Kind.UNREGISTERED_OPERATION:
        return (f"端末 {terminal} で操作者 {operator} が行った照会に対応する業務端末使用管理簿の記帳がありません。"
                "照会の目的と記帳の有無をお答えください。")
    if kind == Kind.UNUSED_REGISTER_ENTRY:
        declared = f"(照会件数 {detail['register_count']} 件)" if "register_count" in detail else ""
        return (f"管理簿に {_window(entry)} の端末 {terminal} の使用が記帳されています{declared}が、その時間の操作ログが"
                "ありません。記帳の内容をお確かめください。")
    if kind == Kind.OPERATOR_MISMATCH:
        return f"記帳の使用者は {detail.get('register_operator')} ですが、操作ログの操作者は {operator} です。"
    if kind == Kind.PURPOSE_MISMATCH:
        return f"記帳の利用事務は {detail.get('register_jimu_code')} ですが、操作ログの事務は {op[7] if op else ''} です。"
    if kind == Kind.COUNT_MISMATCH:
        return (f"記帳の照会件数は {detail.get('register_count')} 件ですが、操作ログでは {detail.get('logged_count')} 件"
                f"({detail.get('operations')} 回の操作)です。")
    if kind == Kind.OFF_HOURS:
        return f"業務時間外・休業日の照会です({detail.get('reason')})。業務上の必要をお答えください。"
    if kind == Kind.UNAUTHORIZED_JIMU:
        return f"{detail.get('reason')}(事務 {op[7] if op else ''})。照会の根拠をお答えください。"
    if kind == Kind.UNKNOWN_OPERATOR:
        return f"{detail.get('reason')}(操作者 {operator})。"
    if kind == Kind.CONCURRENT_SESSION:
        return (f"操作者 {operator} が同じ時間に端末 {detail.get('other_terminal')} も使用しています"
                f"({str(detail.get('other_from', ''))[11:]}～{str(detail.get('other_to', ''))[11:]})。"
                "ID の共用がないかお答えください。")
    return reconciliation.describe(Kind(kind), detail)


def _source(rows: Sequence[Sequence[Any]]) -> str:
    return "、".join(f"{r[1] or '手入力'}:{r[2] or '-'}" for r in rows)


def inquiry_sheet(db: Database, run_id: int | None = None, ids: Sequence[int] | None = None) -> Sheet:
    """One row per discrepancy of the run, or of every run (only `ids`, in the run's order, when given: the
    GUI's filtered list)."""
    if run_id is not None:
        reconciliation.require_run(db, run_id)
    found = inquiry_repo.discrepancies(db, run_id)
    if ids is not None:
        wanted = set(ids)
        found = [row for row in found if row[0] in wanted]
    operations = {r[0]: r for r in reconcile_repo.operation_rows(db, [i for f in found for i in json.loads(f[5])])}
    entries = {r[0]: r for r in reconcile_repo.register_rows(db, [i for f in found for i in json.loads(f[6])])}
    names = inquiry_repo.jimu_names(db)
    return Sheet("疑義照会", HEADERS, [_row(f, operations, entries, names) for f in found])


def _row(found: Sequence[Any], operations: dict[int, tuple[Any, ...]], entries: dict[int, tuple[Any, ...]],
         names: dict[str, str]) -> tuple[Any, ...]:
    id_, run_id, agency, kind, detail_text, op_text, entry_text = found
    ops = [operations[i] for i in json.loads(op_text) if i in operations]
    its = [entries[i] for i in json.loads(entry_text) if i in entries]
    op = None if kind in (Kind.UNUSED_REGISTER_ENTRY, Kind.COUNT_MISMATCH) or not ops else ops[0]
    entry = its[0] if its else None
    # operation rows: id, file, line, at, terminal, operator, 処理区分, 事務, count;
    # entry rows: id, file, line, start, end, terminal, operator, 事務, count
    at, terminal, operator, jimu, count = (
        (op[3], op[4], op[5], op[7], op[8]) if op is not None
        else (entry[3], entry[5], entry[6], entry[7], entry[8]) if entry is not None else (None, "", "", None, None))
    label = KIND_LABELS[Kind(kind)] if kind in Kind._value2member_map_ else kind
    return (id_, run_id, agency, label, _moment(at), terminal, operator, jimu or "", names.get(jimu or "", ""),
            (op[6] or "") if op is not None else "", count, _source(ops), _source(its), _window(entry),
            _sentence(kind, json.loads(detail_text), op, entry), "", "")


def export_inquiry(db: Database, path: Path, run_id: int | None = None, ids: Sequence[int] | None = None) -> int:
    """Write the list to `path` (.xlsx or .csv); returns the number of rows."""
    sheet = inquiry_sheet(db, run_id, ids)
    write_export(db, path, table_bytes(path, [sheet]), "export.discrepancies", rows=len(sheet.rows),
                 reconciliation_id=run_id)
    return len(sheet.rows)


@dataclass(frozen=True)
class AnswersRead:
    explained: int
    unanswered: int


def _rows(path: Path) -> list[tuple[int, list[Any]]]:
    """(line or sheet row, cells) of the answered list, header included."""
    file_limits.check_size(path)
    data = path.read_bytes()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        file_limits.check_xlsx(data, str(path))
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = [(n, list(r)) for n, r in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
            book.close()
        except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds on a damaged file)
            raise InputError(f"Excel ファイル(xlsx)として開けません({exc})。", str(path)) from None
        return rows
    text = decode(data, str(path)).text
    return list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))


def _text(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return text[1:] if text.startswith("'") else text  # the export's guard against formulas


def import_answers(db: Database, path: Path) -> AnswersRead:
    """Record each answered row's 回答 (and 確認者) as its discrepancy's explanation; one transaction: an id
    that is no discrepancy refuses the whole file, naming FILE:LINE:COLUMN."""
    rows = _rows(Path(path))
    if not rows:
        raise InputError("疑義照会リストが空です。", str(path))
    header = [_text(c) for c in rows[0][1]]
    missing = [h for h in (ID_COLUMN, ANSWER_COLUMN) if h not in header]
    if missing:
        raise InputError(f"見出しに {'、'.join(missing)} の列がありません(書き出した疑義照会リストの形のままにしてください)。",
                         f"{path}:{rows[0][0]}")
    id_at, answer_at = header.index(ID_COLUMN), header.index(ANSWER_COLUMN)
    checker_at = header.index(CHECKER_COLUMN) if CHECKER_COLUMN in header else None
    answers: list[tuple[int, str, str]] = []
    unanswered = 0
    for line, cells in rows[1:]:
        refuse_control_characters(cells, f"{path}:{line}")
        cells = list(cells) + [None] * (len(header) - len(cells))
        answer = _text(cells[answer_at])
        if not answer:
            unanswered += 1
            continue
        id_text = _text(cells[id_at])
        try:
            discrepancy_id = int(float(id_text))
        except ValueError:
            raise InputError(f"差異ID「{id_text}」が数字ではありません。", f"{path}:{line}:{id_at + 1}") from None
        found = inquiry_repo.status(db, discrepancy_id)
        if found is None:
            raise InputError(f"差異ID {discrepancy_id} はありません。", f"{path}:{line}:{id_at + 1}")
        checker = _text(cells[checker_at]) if checker_at is not None else ""
        # a discrepancy raised as a finding stays raised; the answer is kept with it
        status = found if found == reconciliation.RAISED else reconciliation.EXPLAINED
        answers.append((discrepancy_id, status, f"{answer}(確認者: {checker})" if checker else answer))
    with db.transaction():
        for discrepancy_id, status, explanation in answers:
            reconcile_repo.set_status(db, discrepancy_id, status, explanation)
        trail.record(db, "reconcile.answers", file=Path(path).name, explained=len(answers))
    return AnswersRead(len(answers), unanswered)
