"""根拠書類の抽出確認 for one agency (opened from ログ突合): draw a reproducible sample (period, size, seed), see its
strata and lines, record 確認済 / 不備 per line, raise a 不備 as a finding, save the list for the visit as PDF.

The drawing rule and the records are services.sampling's; this window only shows them and submits the work.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core.audit import Audit
from ..core.errors import CancelledError, JukiAuditError
from ..core.wareki import format_fiscal_year, format_wareki, format_wareki_short
from ..services import audits, master_data, sampling
from ..services.database_access import Database
from ..services.reconciliation import Period
from ..services.sampling import CHECKED, DEFICIENT, SampleInfo, SampleLine, Stratum
from .date_edit import DateEdit
from .errors import show_error
from .file_dialogs import save_file
from .row_table import (
    Column,
    RowFilterProxy,
    RowTableModel,
    fit_columns,
    read_only_table,
    readable_columns,
    selected_source_row,
)
from .tasks import DbRunner

UNCHECKED = "未確認"
MAX_SEED = 2**31 - 1


def _moment(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{format_wareki_short(moment.date())} {moment:%H:%M:%S}"


def _period_text(period: Period) -> str:
    first = "最初" if period.first is None else format_wareki(period.first)
    last = "最後" if period.last is None else format_wareki(period.last)
    return f"{first}～{last}"


def sample_label(info: SampleInfo) -> str:
    return f"抽出 {info.id}: {_period_text(info.period)}、{info.size} 件、乱数の種 {info.seed}"


LINE_COLUMNS: list[Column[SampleLine]] = [
    Column("番号", lambda r: str(r.ordinal), lambda r: r.ordinal, align_right=True),
    Column("照会日時", lambda r: _moment(r.at), lambda r: (r.at, r.ordinal)),
    Column("端末", lambda r: r.terminal),
    Column("操作者", lambda r: r.operator),
    Column("事務", lambda r: r.jimu_code or "-"),
    Column("対象者", lambda r: r.masked or "-"),
    Column("出典", lambda r: f"{r.file}:{r.line}", lambda r: (r.file, r.line)),
    Column("確認結果", lambda r: r.result or UNCHECKED),
    Column("指摘事項", lambda r: "" if r.finding_id is None else f"No.{r.finding_id}", lambda r: r.finding_id),
    Column("備考", lambda r: r.note or "", tooltip=True),
]
RESULT_COLOURS = {CHECKED: QColor("#e6f4ea"), DEFICIENT: QColor("#fde7e9")}

STRATUM_COLUMNS: list[Column[Stratum]] = [
    Column("事務", lambda s: s.jimu_code or "(事務なし)"),
    Column("期間の件数", lambda s: f"{s.volume:,}", lambda s: s.volume, align_right=True),
    Column("抽出", lambda s: str(s.drawn), lambda s: s.drawn, align_right=True),
    Column("確認済", lambda s: str(s.checked), lambda s: s.checked, align_right=True),
    Column("不備", lambda s: str(s.deficient), lambda s: s.deficient, align_right=True),
]


@dataclass(frozen=True)
class SampleView:
    """What the window shows: the agency's samples and audits, and the chosen sample's lines and strata."""

    samples: list[SampleInfo] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)
    chosen: SampleInfo | None = None
    lines: list[SampleLine] = field(default_factory=list)
    strata: list[Stratum] = field(default_factory=list)


def load_sample_view(db: Database, agency_code: str, sample_id: int | None) -> SampleView:
    """The agency's samples (newest first) with `sample_id` (None: the newest) opened."""
    agency = master_data.require_agency(db, agency_code)
    samples = sampling.list_samples(db, agency_code)
    chosen = next((s for s in samples if s.id == sample_id), samples[0] if samples else None)
    if chosen is None:
        return SampleView([], audits.list_audits(db, agency_id=agency.id))
    return SampleView(samples, audits.list_audits(db, agency_id=agency.id), chosen,
                      sampling.sample_lines(db, chosen.id), sampling.strata(db, chosen.id))


class SampleDialog(QDialog):
    """The samples of one agency; `period` prefills the period of a new draw (the ログ突合 page's)."""

    def __init__(self, runner: DbRunner, agency_code: str, agency_name: str,
                 period: tuple[date | None, date | None] = (None, None), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sample_dialog")
        self.setWindowTitle(f"根拠書類の抽出確認 — {agency_code} {agency_name}")
        self.resize(1180, 720)
        self.runner = runner
        self.agency_code = agency_code
        self.view = SampleView()
        self._generation = 0  # raised on closing: answers to work submitted before are dropped

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_draw(period))
        layout.addLayout(self._build_choice())
        self.info_label = QLabel("この機関の抽出はまだありません。期間・件数・乱数の種を決めて「抽出する」を押してください。")
        self.info_label.setObjectName("sample_info_label")
        self.info_label.setWordWrap(True)
        layout.addWidget(self.info_label)
        layout.addWidget(self._build_tables(), 1)
        layout.addLayout(self._build_record())
        self.message_label = QLabel()
        self.message_label.setObjectName("sample_message_label")
        self.message_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self._update_actions()
        self._load(None)

    # ----- building -----

    def _build_draw(self, period: tuple[date | None, date | None]) -> QGroupBox:
        box = QGroupBox("新しく抽出する(事務ごとの件数に比例し、使われた事務から各 1 件以上)")
        self.from_edit = DateEdit(period[0], name="sample_from_edit")
        self.to_edit = DateEdit(period[1], name="sample_to_edit")
        self.size_spin = QSpinBox()
        self.size_spin.setObjectName("sample_size_spin")
        self.size_spin.setRange(1, 1000)
        self.size_spin.setValue(30)
        self.size_spin.setSuffix(" 件")
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("sample_seed_spin")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(secrets.randbelow(MAX_SEED))
        self.seed_spin.setToolTip("同じデータと同じ乱数の種からは同じ行が抽出されます。種は確認票に印刷されます")
        self.draw_button = QPushButton("抽出する(&N)")
        self.draw_button.setObjectName("sample_draw_button")
        self.draw_button.clicked.connect(self.draw)
        row = QHBoxLayout(box)
        row.addWidget(QLabel("期間(空欄は全期間):"))
        row.addWidget(self.from_edit)
        row.addWidget(QLabel("～"))
        row.addWidget(self.to_edit)
        for text, widget in (("件数(&Z):", self.size_spin), ("乱数の種(&E):", self.seed_spin)):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addWidget(self.draw_button)
        return box

    def _build_choice(self) -> QHBoxLayout:
        self.sample_combo = QComboBox()
        self.sample_combo.setObjectName("sample_combo")
        self.sample_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sample_combo.activated.connect(lambda _index: self._load(self.sample_combo.currentData()))
        label = QLabel("抽出(&S):")
        label.setBuddy(self.sample_combo)
        self.pdf_button = QPushButton("確認票を PDF に保存(&P)…")
        self.pdf_button.setObjectName("sample_pdf_button")
        self.pdf_button.setToolTip("訪問時に機関が記入する一覧(申請書・根拠書類の確認欄、乱数の種、記録した確認結果)")
        self.pdf_button.clicked.connect(self.save_pdf)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.sample_combo)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        return row

    def _build_tables(self) -> QSplitter:
        self.strata_model: RowTableModel[Stratum] = RowTableModel(STRATUM_COLUMNS)
        self.strata_table = read_only_table("sample_strata_table")
        self.strata_table.setModel(RowFilterProxy(self.strata_model))
        self.strata_table.setSortingEnabled(True)
        self.strata_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        readable_columns(self.strata_table, stretch=0)
        strata_box = QGroupBox("事務ごとの抽出")
        QVBoxLayout(strata_box).addWidget(self.strata_table)

        self.lines_model: RowTableModel[SampleLine] = RowTableModel(
            LINE_COLUMNS, background=lambda line, _column: RESULT_COLOURS.get(line.result or ""))
        self.lines_proxy = RowFilterProxy(self.lines_model)
        self.lines_table = read_only_table("sample_lines_table")
        self.lines_table.setModel(self.lines_proxy)
        self.lines_table.setSortingEnabled(True)
        self.lines_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        readable_columns(self.lines_table)
        self.lines_table.selectionModel().selectionChanged.connect(self._line_chosen)
        lines_box = QGroupBox("抽出した照会(行を選び、確認結果を記録します)")
        QVBoxLayout(lines_box).addWidget(self.lines_table)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(strata_box)
        splitter.addWidget(lines_box)
        splitter.setSizes([350, 830])
        return splitter

    def _build_record(self) -> QHBoxLayout:
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("sample_note_edit")
        self.note_edit.setPlaceholderText("備考(不備のときは必須。例: 申請書なし)")
        note_label = QLabel("備考(&O):")
        note_label.setBuddy(self.note_edit)
        self.checked_button = QPushButton("確認済(&K)")
        self.checked_button.setObjectName("sample_checked_button")
        self.checked_button.setToolTip("申請書・根拠書類を確認できた(次の行へ進みます)")
        self.checked_button.clicked.connect(lambda: self.record(CHECKED))
        self.deficient_button = QPushButton("不備(&F)")
        self.deficient_button.setObjectName("sample_deficient_button")
        self.deficient_button.setToolTip("申請書・根拠書類が確認できなかった(備考に内容を書きます)")
        self.deficient_button.clicked.connect(lambda: self.record(DEFICIENT))
        self.audit_combo = QComboBox()
        self.audit_combo.setObjectName("sample_audit_combo")
        self.audit_combo.setMinimumWidth(220)
        self.audit_combo.currentIndexChanged.connect(lambda _index: self._update_actions())
        audit_label = QLabel("監査(&U):")
        audit_label.setBuddy(self.audit_combo)
        self.raise_button = QPushButton("指摘事項にする(&R)")
        self.raise_button.setObjectName("sample_raise_button")
        self.raise_button.setToolTip("不備の行を、選んだ監査の指摘事項(要改善事項)にします")
        self.raise_button.clicked.connect(self.raise_selected)
        row = QHBoxLayout()
        row.addWidget(note_label)
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.checked_button)
        row.addWidget(self.deficient_button)
        row.addSpacing(16)
        row.addWidget(audit_label)
        row.addWidget(self.audit_combo)
        row.addWidget(self.raise_button)
        return row

    # ----- loading -----

    def _current(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """`callback`, dropped when the window was closed after the work was submitted."""
        generation = self._generation
        return lambda result: callback(result) if generation == self._generation else None

    def _failed(self, exc: BaseException) -> None:
        """Known errors (a 不備 without 備考, an empty period…) stay in the window; bugs get the crash dialog."""
        if isinstance(exc, CancelledError):
            self._say("取り消しました。何も保存していません。")
        elif isinstance(exc, JukiAuditError):
            self._say(str(exc), error=True)
        else:
            show_error(self, exc)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "")
        self.message_label.setText(text)

    def _submit(self, work: Callable[[Database], Any], on_done: Callable[[Any], None], label: str | None = None) -> None:
        self.runner.submit(lambda db, _progress: work(db), self._current(on_done), self._current(self._failed),
                           label=label)

    def _load(self, sample_id: int | None, then: Callable[[], None] | None = None) -> None:
        code = self.agency_code

        def show(view: SampleView) -> None:
            self._show(view)
            if then is not None:
                then()

        self._submit(lambda db: load_sample_view(db, code, sample_id), show)

    def _show(self, view: SampleView) -> None:
        chosen_row = self._selected_ordinal()
        same_sample = view.chosen is not None and self.view.chosen is not None and view.chosen.id == self.view.chosen.id
        self.view = view
        self.sample_combo.clear()
        for info in view.samples:
            self.sample_combo.addItem(sample_label(info), info.id)
        if view.chosen is not None:
            self.sample_combo.setCurrentIndex(self.sample_combo.findData(view.chosen.id))
        chosen_audit = self.audit_combo.currentData()
        self.audit_combo.blockSignals(True)
        self.audit_combo.clear()
        self.audit_combo.addItem("監査を選択してください", None)
        for audit in view.audits:
            self.audit_combo.addItem(f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value}"
                                     f"({audit.status.value})", audit.id)
        self.audit_combo.setCurrentIndex(max(self.audit_combo.findData(chosen_audit), 0))
        self.audit_combo.blockSignals(False)
        self.strata_model.set_rows(view.strata)
        self.lines_model.set_rows(view.lines)
        fit_columns(self.strata_table)
        fit_columns(self.lines_table)
        self._show_info()
        if same_sample and chosen_row is not None:
            self.select_ordinal(chosen_row)
        elif view.lines:
            self.lines_table.selectRow(0)
        self._update_actions()

    def _show_info(self) -> None:
        info, lines = self.view.chosen, self.view.lines
        if info is None:
            return
        results = [line.result for line in lines]
        drawn_on = format_wareki(date.fromisoformat(info.drawn_at[:10]))
        self.info_label.setText(
            f"抽出 {info.id}: 期間 {_period_text(info.period)}、{len(lines)} 件(指定 {info.size} 件)、"
            f"乱数の種 {info.seed}、抽出日 {drawn_on}。確認済 {results.count(CHECKED)} 件、"
            f"不備 {results.count(DEFICIENT)} 件、未確認 {results.count(None)} 件。")

    # ----- selection -----

    def selected_line(self) -> SampleLine | None:
        line: SampleLine | None = selected_source_row(self.lines_table)
        return line

    def _selected_ordinal(self) -> int | None:
        line = self.selected_line()
        return None if line is None else line.ordinal

    def select_ordinal(self, ordinal: int) -> None:
        for row in range(self.lines_proxy.rowCount()):
            if self.lines_proxy.source_row(self.lines_proxy.index(row, 0)).ordinal == ordinal:
                self.lines_table.selectRow(row)
                self.lines_table.scrollTo(self.lines_proxy.index(row, 0))
                return

    def _line_chosen(self) -> None:
        line = self.selected_line()
        self.note_edit.setText("" if line is None else line.note or "")
        self._update_actions()

    def _update_actions(self) -> None:
        line = self.selected_line()
        self.pdf_button.setEnabled(self.view.chosen is not None)
        self.checked_button.setEnabled(line is not None and line.finding_id is None)
        self.deficient_button.setEnabled(line is not None and line.finding_id is None)
        self.raise_button.setEnabled(line is not None and line.result == DEFICIENT and line.finding_id is None
                                     and self.audit_combo.currentData() is not None)

    def _next_row(self) -> None:
        """After recording, the next line in the order shown (as the score keys of a session move on)."""
        current = self.lines_table.selectionModel().selectedRows()
        if current and current[0].row() + 1 < self.lines_proxy.rowCount():
            below = self.lines_proxy.index(current[0].row() + 1, 0)
            self.lines_table.selectionModel().select(
                below, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.lines_table.setCurrentIndex(below)
            self.lines_table.scrollTo(below)

    # ----- actions -----

    def draw(self) -> None:
        try:
            period = Period(self.from_edit.date("期間の開始日"), self.to_edit.date("期間の終了日"))
        except JukiAuditError as exc:
            self._say(str(exc), error=True)
            return
        code, size, seed = self.agency_code, self.size_spin.value(), self.seed_spin.value()

        def drawn(sample_id: int) -> None:
            self.draw_button.setEnabled(True)
            self._say(f"抽出 {sample_id} を作りました(乱数の種 {seed})。「確認票を PDF に保存」で訪問用の一覧を作れます。")
            self._load(sample_id)

        def failed(exc: BaseException) -> None:
            self.draw_button.setEnabled(True)
            self._failed(exc)

        self.draw_button.setEnabled(False)
        self.runner.submit(lambda db, progress: sampling.draw_sample(db, code, period, size, seed, progress),
                           self._current(drawn), self._current(failed), label="照会記録を抽出しています")

    def record(self, result: str) -> None:
        line, info = self.selected_line(), self.view.chosen
        if line is None or info is None or line.finding_id is not None:
            return
        note, sample_id, ordinal = self.note_edit.text(), info.id, line.ordinal

        def recorded(updated: SampleLine) -> None:
            self._say(f"{updated.ordinal} 番を「{updated.result}」と記録しました。")
            self._load(sample_id, self._next_row)

        self._submit(lambda db: sampling.record_result(db, sample_id, ordinal, result, note), recorded)

    def raise_selected(self) -> None:
        line, info, audit_id = self.selected_line(), self.view.chosen, self.audit_combo.currentData()
        if line is None or info is None or audit_id is None:
            return
        sample_id, ordinal = info.id, line.ordinal

        def raised(finding_id: int) -> None:
            self._say(f"{ordinal} 番の不備を指摘事項 No.{finding_id} にしました(指摘事項の画面で編集できます)。")
            self._load(sample_id)

        self._submit(lambda db: sampling.raise_deficiency(db, int(audit_id), sample_id, ordinal), raised)

    def save_pdf(self) -> None:
        info = self.view.chosen
        if info is None:
            return
        chosen = save_file(self, "pdfs", "確認票を保存", f"抽出確認票_{self.agency_code}_抽出{info.id}.pdf", "PDF (*.pdf)")
        if not chosen:
            return
        path, sample_id = Path(chosen), info.id
        self._submit(lambda db: sampling.write_sample_pdf(db, sample_id, path),
                     lambda _none: self._say(f"確認票を保存しました: {path}"), label="確認票を作成しています")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self._generation += 1
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._generation += 1
        super().done(result)
