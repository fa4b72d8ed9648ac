"""The self-check form as .xlsx: export a protected blank form for an agency, import the filled form strictly."""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.audit import NOT_APPLICABLE, NOT_APPLICABLE_LABEL, SCORES_LOCKED, Audit
from ..core.errors import InputError
from ..core.progress import NO_PROGRESS, Progress
from ..core.wareki import format_fiscal_year
from ..reports.spreadsheet import row_height, set_cell
from ..security.atomic import write_atomic
from ..storage import audits_repo as repo
from ..storage import trail
from ..storage.agencies import list_agencies
from ..storage.audits_repo import now_text
from ..storage.database import Database
from ..storage.form_secret import form_key
from . import selfcheck_signoff
from .audits import parse_score, require_audit, self_check_for

SHEET = "自己点検"
MARKER_SHEET = "_jukiaudit"
MARKER = "jukiaudit-selfcheck"
MARKER_FORMAT = 2  # 2: bound to its audit and agency by a MAC keyed from the database's secret
MARKER_FIELDS = ("marker", "format", "audit_id", "agency_code", "template_id", "template_version", "items")
AGENCY_LINE = re.compile(r"^機関:\s*(?P<code>\S+)")
HEADER_ROW = 5
FIRST_ITEM_ROW = HEADER_ROW + 1
HEADERS = ("番号", "項目コード", "分類", "点検項目", "着眼点", "確認方法", "点数", "コメント")
WIDTHS = (6, 10, 16, 52, 34, 19, 10, 36)
SCORE_COL, COMMENT_COL = "G", "H"
LOCKED_COLUMNS = ("A", "B", "C", "D")  # what the import checks against the checklist
MAX_ERRORS_SHOWN = 20

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def export_form(db: Database, audit_id: int, path: Path) -> Path:
    """Write the blank self-check form of the audit: items locked, only 点数 and コメント cells editable."""
    audit = require_audit(db, audit_id)
    template = repo.get_template(db, audit.template_id) if audit.template_id else None
    if template is None:
        raise InputError(f"監査 {audit_id} にチェックリストがありません。")
    items = template.items
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    last_col = chr(ord("A") + len(HEADERS) - 1)
    set_cell(ws["A1"], f"{format_fiscal_year(audit.fiscal_year)} 住民基本台帳ネットワークシステム 自己点検表")
    ws["A1"].font = Font(size=14, bold=True)
    set_cell(ws["A2"], f"機関: {audit.agency_code} {audit.agency_name}    チェックリスト: {template.name} "
                       f"第{template.version}版")
    points = " / ".join(f"{p}点: {template.scoring.labels[p]}" for p in template.scoring.points)
    set_cell(ws["A3"], f"「点数」欄に {', '.join(map(str, template.scoring.points))} または {NOT_APPLICABLE_LABEL} "
                       f"を選び、必要に応じて「コメント」欄に記入してください({points})。他の欄は変更しないでください。")
    for row in (1, 2, 3):
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws[f"A{row}"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[3].height = 32
    for col, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = ws.cell(HEADER_ROW, col, title)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    validation = DataValidation(type="list", formula1=f'"3,2,1,{NOT_APPLICABLE_LABEL}"', allow_blank=True,
                                showErrorMessage=True, errorTitle="点数",
                                error=f"3、2、1 または {NOT_APPLICABLE_LABEL} を選んでください。")
    ws.add_data_validation(validation)
    for offset, item in enumerate(items):
        row = FIRST_ITEM_ROW + offset
        values = (offset + 1, item.code, item.category, item.question, item.viewpoint, item.method, None, None)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            set_cell(cell, value)
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for letter in (SCORE_COL, COMMENT_COL):
            ws[f"{letter}{row}"].protection = Protection(locked=False)
            ws[f"{letter}{row}"].fill = _INPUT_FILL
        ws[f"{SCORE_COL}{row}"].alignment = Alignment(horizontal="center", vertical="top")
        ws.row_dimensions[row].height = row_height(values, WIDTHS)
    if items:
        last = FIRST_ITEM_ROW + len(items) - 1
        validation.add(f"{SCORE_COL}{FIRST_ITEM_ROW}:{SCORE_COL}{last}")
    selfcheck_signoff.write(ws)
    ws.freeze_panes = f"A{FIRST_ITEM_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    password = secrets.token_hex(8)  # nobody needs to unprotect the form: the layout is ours
    ws.protection.password = password
    ws.protection.sheet = True
    ws.protection.formatRows = ws.protection.formatColumns = False  # may widen a row to read a long comment
    _write_marker(wb.create_sheet(MARKER_SHEET), _marker_values(audit, template.version, len(items)), form_key(db))
    wb.security = WorkbookProtection(workbookPassword=password, lockStructure=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(Path(path), buffer.getvalue(), mode=0o644)
    with db.transaction():
        trail.record(db, "selfcheck.export", audit_id=audit_id, file=Path(path).name, items=len(items))
    return Path(path)


def export_forms(db: Database, fiscal_year: int, folder: Path, progress: Progress = NO_PROGRESS) -> list[Path]:
    """One form per agency using 住基ネット in the fiscal year, creating its 自己点検 where missing.

    Files are named 自己点検_<年度>_<code>_<name>.xlsx; the audits created stay if the user cancels.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    agencies = [a for a in list_agencies(db) if a.active and (a.first_use_year or 0) <= fiscal_year]
    written = []
    for done, agency in enumerate(agencies):
        progress.update(done, len(agencies), f"{agency.name} の自己点検表")
        audit = self_check_for(db, agency.code, fiscal_year)
        name = f"自己点検_{format_fiscal_year(fiscal_year)}_{agency.code}_{_safe(agency.name)}.xlsx"
        written.append(export_form(db, audit.id, folder / name))
    progress.update(len(agencies), len(agencies), "完了")
    return written


def _safe(name: str) -> str:
    """A file-name-safe form of an agency name (Windows forbids \\ / : * ? " < > |)."""
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name)


def _marker_values(audit: Audit, template_version: int, item_count: int) -> dict[str, str]:
    values = (MARKER, MARKER_FORMAT, audit.id, audit.agency_code, audit.template_id, template_version, item_count)
    return {key: str(value) for key, value in zip(MARKER_FIELDS, values, strict=True)}


def _marker_mac(values: dict[str, str], key: bytes) -> str:
    message = "\x1f".join(values.get(field, "") for field in MARKER_FIELDS).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _write_marker(ws: Worksheet, values: dict[str, str], key: bytes) -> None:
    """The hidden sheet naming the form's audit, agency and checklist, with their MAC (all cells text)."""
    for row, (name, value) in enumerate([*values.items(), ("mac", _marker_mac(values, key))], start=1):
        set_cell(ws.cell(row, 1), name)
        set_cell(ws.cell(row, 2), value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


@dataclass(frozen=True)
class FilledItem:
    code: str
    score: int
    comment: str


@dataclass(frozen=True)
class SelfcheckImport:
    audit_id: int
    items: int
    not_applicable: int
    agency: str = ""  # code and name of the audited agency, to say whose answers went in


def read_form(db: Database, path: Path, audit_id: int | None = None) -> tuple[Audit, list[FilledItem]]:
    """Read and check a filled form completely; every problem is reported with its sheet and cell."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"Excel ファイル(.xlsx)として読めません({exc})。", str(path)) from None
    marker = _read_marker(wb, path, form_key(db))
    form_audit_id = int(marker["audit_id"])
    if audit_id is not None and form_audit_id != audit_id:
        raise InputError(f"この様式は監査 {form_audit_id} のものです(取り込み先は監査 {audit_id})。", str(path))
    audit = require_audit(db, form_audit_id)
    if marker["agency_code"] != audit.agency_code:
        raise InputError(f"この様式は機関 {marker['agency_code']} のものです(監査 {audit.id} は機関 {audit.agency_code})。",
                         str(path))
    template = repo.get_template(db, audit.template_id) if audit.template_id else None
    if template is None or marker["template_id"] != str(template.id) or marker["template_version"] != str(template.version):
        raise InputError(f"この様式のチェックリスト(ID {marker['template_id']}、第{marker['template_version']}版)は"
                         f"監査 {audit.id} のチェックリストと違います。最新の様式を出力し直してください。", str(path))
    if SHEET not in wb.sheetnames:
        raise InputError(f"シート「{SHEET}」がありません。", str(path))
    ws = wb[SHEET]
    agency_line = AGENCY_LINE.match(_normalized(ws["A2"].value))
    if agency_line is None or agency_line["code"] != audit.agency_code:
        raise InputError(f"シート {SHEET} セル A2: 機関の表示({_normalized(ws['A2'].value)[:40]})が監査 {audit.id} の機関 "
                         f"{audit.agency_code} {audit.agency_name} と違います。", str(path))
    errors: list[str] = []
    for col, title in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, col)
        if cell.value != title:
            errors.append(f"シート {SHEET} セル {cell.coordinate}: 見出しが変更されています(正: {title})")
    filled = []
    for offset, item in enumerate(template.items):
        row = FIRST_ITEM_ROW + offset
        expected = (offset + 1, item.code, item.category, item.question)
        for letter, value in zip(LOCKED_COLUMNS, expected, strict=True):
            if _normalized(ws[f"{letter}{row}"].value) != _normalized(value):
                what = HEADERS[LOCKED_COLUMNS.index(letter)]
                errors.append(f"シート {SHEET} セル {letter}{row}: {what}が変更されています(正: {value})")
        try:
            score = parse_score(ws[f"{SCORE_COL}{row}"].value, f"シート {SHEET} セル {SCORE_COL}{row}")
        except InputError as exc:
            errors.append(f"{exc}(項目 {item.code})")
            continue
        comment = ws[f"{COMMENT_COL}{row}"].value
        filled.append(FilledItem(item.code, score, "" if comment is None else str(comment).strip()))
    after = FIRST_ITEM_ROW + len(template.items)
    for row in range(after, max(ws.max_row, after) + 1):
        used = [c.coordinate for c in ws[row][: len(HEADERS)] if c.value not in (None, "")]
        if used:
            errors.append(f"シート {SHEET} セル {used[0]}: 様式にない行が追加されています")
    if errors:
        shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
        more = f"\n…ほか {len(errors) - MAX_ERRORS_SHOWN} 件" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise InputError(f"自己点検表に {len(errors)} 件の誤りがあります。何も取り込んでいません。\n{shown}{more}", str(path))
    return audit, filled


def _normalized(value: object) -> str:
    return "" if value is None else str(value).strip()


def _marker_text(value: object) -> str:
    """A marker cell as the text it was written as (a program that re-saves the file may turn 81 into 81.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normalized(value)


def _read_marker(wb: Workbook, path: Path, key: bytes) -> dict[str, str]:
    """The marker's values, after checking its MAC: a marker edited or copied from elsewhere is refused."""
    if MARKER_SHEET not in wb.sheetnames:
        raise InputError("JukiAudit が出力した自己点検表ではありません(識別情報がありません)。"
                         "`selfcheck export` で出力した様式に記入してください。", str(path))
    ws = wb[MARKER_SHEET]
    marker = {_marker_text(row[0]): _marker_text(row[1])
              for row in ws.iter_rows(min_col=1, max_col=2, values_only=True) if row[0]}
    if marker.get("marker") != MARKER or marker.get("format") != str(MARKER_FORMAT):
        raise InputError(f"シート {MARKER_SHEET}: 識別情報が壊れているか、対応していない版の様式です。"
                         "この版で様式を出力し直してください。", str(path))
    values = {field: marker.get(field, "") for field in MARKER_FIELDS}
    if not hmac.compare_digest(marker.get("mac", ""), _marker_mac(values, key)):
        raise InputError(f"シート {MARKER_SHEET}: 識別情報(監査・機関・チェックリスト)が書き換えられているか、"
                         "別のデータベースで出力された様式です。何も取り込んでいません。", str(path))
    return values


def import_form(db: Database, path: Path, audit_id: int | None = None) -> SelfcheckImport:
    """Import a filled form: every self score and comment of the audit, all or nothing."""
    audit, filled = read_form(db, path, audit_id)
    if audit.status in SCORES_LOCKED:
        raise InputError(f"監査 {audit.id} は「{audit.status.value}」のため、自己点検の結果を取り込めません。", str(path))
    item_ids = {item.code: item.id for item in repo.template_items(db, audit.template_id)}  # type: ignore[arg-type]
    signoff = selfcheck_signoff.read(Path(path), SHEET)
    stamp = now_text()
    with db.transaction():
        selfcheck_signoff.store(db, audit.id, signoff)
        for entry in filled:
            repo.upsert_score_field(db, audit.id, item_ids[entry.code], "self_score", entry.score, stamp)  # type: ignore[arg-type]
            repo.upsert_score_field(db, audit.id, item_ids[entry.code], "self_comment", entry.comment, stamp)  # type: ignore[arg-type]
        not_applicable = sum(1 for e in filled if e.score == NOT_APPLICABLE)
        trail.record(db, "selfcheck.import", audit_id=audit.id, file=Path(path).name, items=len(filled),
                     not_applicable=not_applicable)
    return SelfcheckImport(audit.id, len(filled), not_applicable, f"{audit.agency_code} {audit.agency_name}")
