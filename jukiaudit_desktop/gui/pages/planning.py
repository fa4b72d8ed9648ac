"""The 監査計画 page: the period's coverage matrix (agencies × years), generating, pinning and checking the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import InputError
from ...core.planning import AuditKind
from ...core.wareki import fiscal_year, format_fiscal_year, parse_fiscal_year
from ...planning.matrix import Cell, CellSource, MatrixRow
from ...services import planning
from ...services.planning import PlanningView
from .. import file_dialogs
from ..row_table import Column, RowFilterProxy, RowTableModel
from ..tasks import DbRunner
from . import Page

KIND_COLOURS = {AuditKind.INTERNAL: QColor("#cce0ff"), AuditKind.EXTERNAL: QColor("#ffd99e")}
GAP_COLOUR = QColor("#ffc7c7")
PROBLEM_TEXT = QColor("#c00000")


class MatrixColumn(IntEnum):
    """Fixed columns; the period's years follow FIRST_YEAR, then 期内 and 規則違反."""

    CODE, NAME, KIND, FIRST_YEAR = range(4)


def cell_text(cell: Cell | None) -> str:
    return "" if cell is None else cell.text()


def _year_column(year: int) -> Column[MatrixRow]:
    return Column(format_fiscal_year(year), lambda row: cell_text(row.cells.get(year)),
                  lambda row: cell_text(row.cells.get(year)) or "~")


def matrix_columns(years: range) -> list[Column[MatrixRow]]:
    return [
        Column("コード", lambda row: row.agency.code),
        Column("機関名", lambda row: row.agency.display_name),
        Column("種別", lambda row: row.agency.kind.value),
        *(_year_column(y) for y in years),
        Column("期内", lambda row: "未計画" if row.is_gap else "済・予定"),
        Column("計画の理由", lambda row: " / ".join(c.reason for c in row.cells.values() if c.reason), tooltip=True),
        Column("規則違反", lambda row: "\n".join(v.message for v in row.problems), tooltip=True),
    ]


class PlanningPage(Page):
    title = "監査計画"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.view = PlanningView([])
        self.model: RowTableModel[MatrixRow] = RowTableModel([], background=self._background,
                                                             foreground=self._foreground)
        self.proxy = RowFilterProxy(self.model)

        self.period_combo = QComboBox(objectName="planning_period")
        self.year_combo = QComboBox(objectName="planning_year")
        for combo in (self.period_combo, self.year_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # The external budget is the inspector's setting, not a council principle: unset by default.
        self.budget_spin = QSpinBox(objectName="planning_external_budget", minimum=-1, maximum=99, suffix=" 機関/年",
                                    specialValueText="外部監査枠: 設定なし")
        self.generate_button = QPushButton("計画を作成(&G)", objectName="planning_generate")
        self.generate_button.setToolTip("固定した機関はそのままに、この年度から期末までの計画を作り直して保存します")
        self.check_button = QPushButton("計画を検査(&K)", objectName="planning_check")
        self.add_period_button = QPushButton("期を追加(&N)…", objectName="planning_add_period")
        self.plan_pdf_button = QPushButton("計画書PDF(&P)…", objectName="planning_plan_pdf")
        self.matrix_pdf_button = QPushButton("表を印刷用PDFへ…", objectName="planning_matrix_pdf")
        self.xlsx_button = QPushButton("表をExcelへ(&X)…", objectName="planning_matrix_xlsx")
        self.filter_edit = QLineEdit(objectName="planning_filter", placeholderText="絞り込み(コード・機関名など)",
                                     clearButtonEnabled=True)
        self.problems_only = QCheckBox("未計画・規則違反のみ(&V)", objectName="planning_problems_only")
        self.count_label = QLabel()
        self.table = QTableView(objectName="planning_matrix")
        self.violations = QListWidget(objectName="planning_violations")
        self.status_label = QLabel(objectName="planning_status", wordWrap=True)
        self._build_table()
        self._build_layout()
        self._connect()

    # --- building ---

    def _build_table(self) -> None:
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(MatrixColumn.CODE, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.pin_internal_action = QAction("内部監査で固定(&I)", self.table, shortcut=QKeySequence("Ctrl+I"))
        self.pin_external_action = QAction("外部監査で固定(&E)", self.table, shortcut=QKeySequence("Ctrl+E"))
        self.unpin_action = QAction("固定を解除(&U)", self.table, shortcut=QKeySequence("Ctrl+U"))
        for action in (self.pin_internal_action, self.pin_external_action, self.unpin_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.table.addAction(action)

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        controls.addWidget(QLabel("期(&Q):", buddy=self.period_combo))
        controls.addWidget(self.period_combo)
        controls.addWidget(QLabel("計画年度(&Y):", buddy=self.year_combo))
        controls.addWidget(self.year_combo)
        controls.addWidget(QLabel("外部監査の枠(&B):", buddy=self.budget_spin))
        controls.addWidget(self.budget_spin)
        controls.addWidget(self.generate_button)
        controls.addWidget(self.check_button)
        controls.addWidget(self.add_period_button)
        controls.addStretch(1)
        filters = QHBoxLayout()  # the table's filter, its count and what is made of it: a laptop's width
        filters.addWidget(QLabel("絞り込み(&L):", buddy=self.filter_edit))
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.problems_only)
        filters.addWidget(self.count_label)
        filters.addWidget(self.plan_pdf_button)
        filters.addWidget(self.matrix_pdf_button)
        filters.addWidget(self.xlsx_button)
        legend = QLabel("青=内部監査、橙=外部監査、赤=期内に監査なし。履歴=アプリ導入前の記録、記録=アプリで記録、"
                        "計画=計画案、固定=担当者が固定、!=この年度に規則違反。セルを右クリック(または Ctrl+I / "
                        "Ctrl+E / Ctrl+U)で、その年度に固定・固定の解除。")
        legend.setWordWrap(True)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.status_label)
        bottom_layout.addWidget(self.violations)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 120])
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(filters)
        layout.addWidget(legend)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        self.period_combo.activated.connect(lambda _i: self._reload(self.period_combo.currentText(), None))
        self.year_combo.activated.connect(lambda _i: self._reload(self.period_combo.currentText(),
                                                                  self.year_combo.currentData()))
        self.generate_button.clicked.connect(self.generate)
        self.check_button.clicked.connect(self.check)
        self.add_period_button.clicked.connect(self.add_period)
        self.plan_pdf_button.clicked.connect(self.save_plan_pdf)
        self.matrix_pdf_button.clicked.connect(lambda: self.export_matrix("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export_matrix("xlsx"))
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.problems_only.toggled.connect(self._filter_changed)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.pin_internal_action.triggered.connect(lambda: self._pin_current(AuditKind.INTERNAL))
        self.pin_external_action.triggered.connect(lambda: self._pin_current(AuditKind.EXTERNAL))
        self.unpin_action.triggered.connect(self._unpin_current)

    # --- loading ---

    def refresh(self) -> None:
        period = self.view.period.name if self.view.period else None
        self._reload(period, self.view.year)

    def clear(self) -> None:
        self._show(PlanningView([]))

    def _reload(self, period_name: str | None, year: int | None, then: str = "") -> None:
        self.runner.submit(lambda db, _p: planning.planning_view(db, period_name, year),
                           lambda view: self._show(view, then))

    def _show(self, view: PlanningView, message: str = "") -> None:
        self.view = view
        self.period_combo.clear()
        self.period_combo.addItems([p.name for p in view.periods])
        self.year_combo.clear()
        if view.period is not None:
            self.period_combo.setCurrentText(view.period.name)
            for year in view.period.years:
                self.year_combo.addItem(format_fiscal_year(year), year)
            self.year_combo.setCurrentIndex(self.year_combo.findData(view.year))
        budget = view.settings.external_budget
        self.budget_spin.setValue(-1 if budget is None else budget)
        years = view.period.years if view.period else range(0)
        self.model.columns = matrix_columns(years)
        self.model.set_rows(view.matrix.rows if view.matrix else [])
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(max(self.table.columnWidth(column), 90), 320))
        self._show_violations(message)
        self._filter_changed()
        for widget in (self.generate_button, self.check_button, self.plan_pdf_button, self.matrix_pdf_button,
                       self.xlsx_button):
            widget.setEnabled(view.period is not None)

    def _show_violations(self, message: str) -> None:
        self.violations.clear()
        matrix = self.view.matrix
        if matrix is None:
            self.status_label.setText("期が登録されていません。「期を追加」で登録するか、"
                                      "「ファイル」メニューからデモデータを読み込んでください。")
            return
        self.violations.addItems([v.message for v in matrix.violations])
        year = format_fiscal_year(self.view.year) if self.view.year else ""
        summary = (f"{year}以降の計画: 規則違反 {len(matrix.violations)}件(未計画 {len(matrix.gaps)}機関)"
                   if matrix.violations else f"{year}以降の計画: 規則違反はありません。")
        self.status_label.setText(f"{message} {summary}".strip())

    # --- table look ---

    def _year_at(self, column: int) -> int | None:
        offset = column - MatrixColumn.FIRST_YEAR
        years = self.view.period.years if self.view.period else range(0)
        return years[offset] if 0 <= offset < len(years) else None

    def _background(self, row: MatrixRow, column: int) -> QColor | None:
        year = self._year_at(column)
        if year is not None:
            cell = row.cells.get(year)
            return KIND_COLOURS[cell.kind] if cell else None
        return GAP_COLOUR if row.is_gap and column in (MatrixColumn.CODE, MatrixColumn.NAME) else None

    def _foreground(self, row: MatrixRow, column: int) -> QColor | None:
        year = self._year_at(column)
        cell = row.cells.get(year) if year is not None else None
        return PROBLEM_TEXT if (cell is not None and cell.problems) or (year is None and row.problems) else None

    def _filter_changed(self, *_args: Any) -> None:
        self.proxy.set_text(self.filter_edit.text())
        self.proxy.set_predicate((lambda row: row.is_gap or bool(row.problems)) if self.problems_only.isChecked()
                                 else None)
        self.count_label.setText(f"{self.proxy.rowCount()} 機関 / 全 {self.model.rowCount()} 機関")

    # --- actions ---

    def generate(self) -> None:
        year, budget = self.view.year, self.budget_spin.value()
        if year is None:
            return
        settings = replace(self.view.settings, external_budget=None if budget < 0 else budget)
        period = self.period_combo.currentText()
        self.runner.submit(lambda db, _p: planning.generate_and_save(db, year, settings),
                           lambda _plan: self._reload(period, year, f"{format_fiscal_year(year)}の計画を作成しました。"),
                           label="計画を作成しています")

    def check(self) -> None:
        self._reload(self.period_combo.currentText(), self.view.year, "検査しました。")

    def add_period(self) -> None:
        """Register the next 3-year period: its name, then its first fiscal year (2029, 令和11 or R11)."""
        periods = self.view.periods
        next_year = periods[-1].last_year + 1 if periods else fiscal_year(date.today())
        name, ok = QInputDialog.getText(self, "期を追加", "期の名前(例 第8期):")
        if not ok or not name.strip():
            return
        typed, ok = QInputDialog.getText(self, "期を追加", f"「{name}」の開始年度(3年間; 例 令和11、R11、2029):",
                                         text=format_fiscal_year(next_year))
        if not ok:
            return
        try:
            first = parse_fiscal_year(typed, "開始年度")
        except InputError as exc:
            QMessageBox.warning(self, "期を追加", str(exc))
        else:
            self.runner.submit(lambda db, _p: planning.add_period(db, name, first, first + 2),
                               lambda period: self._reload(period.name, None, f"{period.label}を登録しました。"))

    def _cell_at(self, index: QModelIndex) -> tuple[MatrixRow, int] | None:
        if not index.isValid():
            return None
        year = self._year_at(index.column())
        return None if year is None else (self.proxy.source_row(index), year)

    def _context_menu(self, pos: QPoint) -> None:
        target = self._cell_at(self.table.indexAt(pos))
        if target is None:
            return
        self.table.setCurrentIndex(self.table.indexAt(pos))
        menu = self._cell_menu(*target)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _cell_menu(self, row: MatrixRow, year: int) -> QMenu:
        menu = QMenu(self.table)
        menu.setObjectName("planning_cell_menu")
        plannable = self.view.year is not None and year >= self.view.year
        for action, kind in ((self.pin_internal_action, AuditKind.INTERNAL),
                             (self.pin_external_action, AuditKind.EXTERNAL)):
            action.setText(f"{row.agency.display_name}を{format_fiscal_year(year)}に{kind.value}で固定")
            action.setEnabled(plannable)
            menu.addAction(action)
        self.unpin_action.setEnabled(any(c.source is CellSource.PINNED for c in row.cells.values()))
        menu.addAction(self.unpin_action)
        return menu

    def _pin_current(self, kind: AuditKind) -> None:
        target = self._cell_at(self.table.currentIndex())
        if target is None or self.view.year is None or target[1] < self.view.year:
            self.status_label.setText("固定できるのは計画年度以降の年度のセルです。")
            return
        row, year = target
        period = self.period_combo.currentText()
        self.runner.submit(lambda db, _p: planning.pin_agency(db, row.agency.code, year, kind),
                           lambda _r: self._reload(period, self.view.year,
                                                   f"{row.agency.display_name}を{format_fiscal_year(year)}に{kind.value}で"
                                                   "固定しました。「計画を作成」で他の機関を組み直します。"))

    def _unpin_current(self) -> None:
        target = self._cell_at(self.table.currentIndex())
        if target is None:
            return
        row, year = target
        period = self.period_combo.currentText()
        self.runner.submit(lambda db, _p: planning.unpin_agency(db, row.agency.code, year),
                           lambda _n: self._reload(period, self.view.year, f"{row.agency.display_name}の固定を解除しました。"))

    def save_plan_pdf(self) -> None:
        year = self.view.year
        if year is None:
            return
        name = file_dialogs.save_file(self, "pdfs", "計画書をPDFで保存", f"監査計画_{year}.pdf", "PDF (*.pdf)")
        if name:
            path = Path(name)
            self.runner.submit(lambda db, _p: planning.write_plan_pdf(db, year, path),
                               lambda number: self.status_label.setText(f"保存しました: {path}(文書番号 {number})"),
                               label="計画書を作成しています")

    def export_matrix(self, suffix: str) -> None:
        period = self.view.period
        if period is None:
            return
        kinds = {"pdf": "PDF (*.pdf)", "xlsx": "Excel (*.xlsx)"}
        name = file_dialogs.save_file(self, "pdfs", "カバレッジ表を保存", f"監査計画_{period.name}.{suffix}", kinds[suffix])
        if name:
            path = Path(name)
            self.runner.submit(lambda db, _p: planning.write_matrix(db, period, path),
                               lambda _m: self.status_label.setText(f"保存しました: {path}"),
                               label="カバレッジ表を書き出しています")
