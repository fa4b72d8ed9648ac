"""The 市町村 page (資料5): each municipality's self-check on the 市町村 checklist, the J-LIS audits and seminars,
the tally of items scored under 3 by category, and the prefecture's follow-up list — for the 年度 typed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import JukiAuditError
from ...core.municipal import LowScoreReason, MunicipalActivity, MunicipalFollowup
from ...core.wareki import fiscal_year, format_fiscal_year, parse_fiscal_year
from ...services import municipal, reports_annual
from ...services.municipal import MunicipalSelfCheck, MunicipalSummary
from .. import file_dialogs
from ..municipal_dialogs import ActivityDialog, MunicipalFollowupDialog
from ..row_table import (
    Column,
    RowFilterProxy,
    RowTableModel,
    fit_columns,
    on_selection_changed,
    read_only_table,
    selected_source_row,
)
from ..tasks import DbRunner
from . import Page

SELF_CHECK_COLUMNS: list[Column[MunicipalSelfCheck]] = [
    Column("コード", lambda r: r.agency_code),
    Column("市町村", lambda r: r.agency_name, lambda r: r.agency_code),
    Column("自己点検", lambda r: r.status),
    Column("調査表", lambda r: r.checklist),
    Column("3点未満", lambda r: f"{r.items_under_3} 項目" if r.audit_id else "", lambda r: r.items_under_3,
           align_right=True),
]
ACTIVITY_COLUMNS: list[Column[MunicipalActivity]] = [
    Column("区分", lambda a: a.kind.value),
    Column("実施者", lambda a: a.auditor),
    Column("対象", lambda a: a.targets, tooltip=True),
    Column("対象数", lambda a: "全市町村" if a.target_count is None else str(a.target_count),
           lambda a: -1 if a.target_count is None else a.target_count, align_right=True),
    Column("時期", lambda a: a.period),
    Column("内容", lambda a: a.content, tooltip=True),
]
REASON_COLUMNS: list[Column[LowScoreReason]] = [
    Column("区分", lambda r: r.category),
    Column("項目数", lambda r: str(r.items), lambda r: r.items, align_right=True),
    Column("市町村数", lambda r: str(r.municipalities), lambda r: r.municipalities, align_right=True),
    Column("主な理由", lambda r: "、".join(r.reasons), tooltip=True),
]
FOLLOWUP_COLUMNS: list[Column[MunicipalFollowup]] = [
    Column("市町村", lambda f: f.agency_name, lambda f: f.agency_code),
    Column("きっかけ", lambda f: f.source),
    Column("事項", lambda f: f.subject, tooltip=True),
    Column("状況", lambda f: f.status),
]


def _load(db: Any, year: int) -> tuple[list[MunicipalSelfCheck], MunicipalSummary]:
    return municipal.self_checks(db, year), municipal.summary(db, year)


class MunicipalPage(Page):
    title = "市町村"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(runner, parent)
        self.year = fiscal_year(today or date.today())
        self.year_edit = QLineEdit(format_fiscal_year(self.year))
        self.year_edit.setObjectName("municipal_year")
        self.year_edit.setPlaceholderText("例: 令和7、R7、2025")
        self.year_edit.returnPressed.connect(self._year_typed)
        self.show_button = self._button("表示(&V)", "municipal_show", self._year_typed)
        self.report_button = self._button("年度の結果報告を保存(&S)…", "municipal_save_report", self.save_report)
        self.message = QLabel()
        self.message.setObjectName("municipal_message")
        self.message.setWordWrap(True)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("municipal_counts")
        top = QHBoxLayout()
        year_label = QLabel("年度(&Y):")
        year_label.setBuddy(self.year_edit)
        for widget in (year_label, self.year_edit, self.show_button, self.counts_label):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.report_button)

        self.create_button = self._button("自己点検を作成(&C)", "municipal_create_self_check", self.create_self_check)
        self.self_checks, self.self_check_table, self_box = self._table_box(
            "市町村の自己点検(市町村用の調査表)", SELF_CHECK_COLUMNS, "municipal_self_checks", self.create_button)
        on_selection_changed(self.self_check_table, self._selection_changed)
        self.add_activity_button = self._button("監査等を追加(&A)…", "municipal_add_activity", self.add_activity)
        self.activities, self.activity_table, activity_box = self._table_box(
            "監査等の実施(J-LIS)", ACTIVITY_COLUMNS, "municipal_activities", self.add_activity_button)
        self.reasons, self.reason_table, reason_box = self._table_box(
            "3点未満の主な理由(区分ごと)", REASON_COLUMNS, "municipal_reasons")
        self.add_followup_button = self._button("フォローアップを追加(&U)…", "municipal_add_followup",
                                                self.add_followup)
        self.followups, self.followup_table, followup_box = self._table_box(
            "県の関わり(フォローアップ)", FOLLOWUP_COLUMNS, "municipal_followups", self.add_followup_button)

        splitter = QSplitter(Qt.Orientation.Vertical)
        for box in (self_box, activity_box, reason_box, followup_box):
            splitter.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.dialog: ActivityDialog | MunicipalFollowupDialog | None = None
        self._selection_changed()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _table_box(self, title: str, columns: list[Any], name: str, *below: QWidget
                   ) -> tuple[RowTableModel[Any], QTableView, QGroupBox]:
        model: RowTableModel[Any] = RowTableModel(columns)
        table = read_only_table(name)
        table.setModel(RowFilterProxy(model))
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        box = QGroupBox(title)
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(table)
        for widget in below:
            box_layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        return model, table, box

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        year = self.year
        self.runner.submit(lambda db, _p: _load(db, year), self._loaded)

    def clear(self) -> None:
        for model in (self.self_checks, self.activities, self.reasons, self.followups):
            model.set_rows([])
        self.counts_label.clear()

    def _year_typed(self) -> None:
        try:
            self.year = parse_fiscal_year(self.year_edit.text(), "年度")
        except JukiAuditError as exc:
            self.message.setText(str(exc))
            return
        self.year_edit.setText(format_fiscal_year(self.year))
        self.message.clear()
        self.refresh()

    def _loaded(self, loaded: tuple[list[MunicipalSelfCheck], MunicipalSummary]) -> None:
        checks, part = loaded
        self.self_checks.set_rows(checks)
        self.activities.set_rows(part.activities)
        self.reasons.set_rows(part.reasons)
        self.followups.set_rows(part.followups)
        for table in (self.self_check_table, self.activity_table, self.reason_table, self.followup_table):
            fit_columns(table)
        counts = "、".join(f"{kind} {n}件" for kind, n in part.counts.items()) or "監査等の記録なし"
        made = sum(1 for c in checks if c.audit_id is not None)
        self.counts_label.setText(f"{format_fiscal_year(self.year)}: 自己点検 {made}/{len(checks)} 市町村、{counts}")
        self._selection_changed()

    # ------------------------------------------------------------ actions

    def selected_self_check(self) -> MunicipalSelfCheck | None:
        row: MunicipalSelfCheck | None = selected_source_row(self.self_check_table)
        return row

    def _selection_changed(self) -> None:
        row = self.selected_self_check()
        self.create_button.setEnabled(row is not None and row.audit_id is None)

    def create_self_check(self) -> None:
        row = self.selected_self_check()
        if row is None or row.audit_id is not None:
            return
        year, code, name = self.year, row.agency_code, row.agency_name

        def made(_audit_id: int) -> None:
            self.message.setText(f"{name} の{format_fiscal_year(year)}の自己点検を作成しました(市町村用の調査表)。"
                                 "採点は「監査」の画面で行います。")
            self.refresh()

        def refused(exc: BaseException) -> None:
            self.message.setText(str(exc) if isinstance(exc, JukiAuditError) else "作成できませんでした。")

        self.runner.submit(lambda db, _p: municipal.create_self_check(db, year, code), made, refused)

    def save_report(self) -> None:
        """The year's 結果報告 (PDF or xlsx) with this page's part as its 市町村 section (資料5)."""
        name = file_dialogs.save_file(self, "pdfs", "年度の結果報告を保存", f"結果報告_{self.year}.pdf",
                                      "PDF (*.pdf);;Excel (*.xlsx)")
        if name:
            self.write_report(Path(name))

    def write_report(self, path: Path) -> None:
        year = self.year

        def refused(exc: BaseException) -> None:
            self.message.setText(str(exc) if isinstance(exc, JukiAuditError) else "保存できませんでした。")

        self.runner.submit(lambda db, _p: reports_annual.write_annual_report(db, year, path),
                           lambda _r: self.message.setText(f"{format_fiscal_year(year)}の結果報告を保存しました: {path}"),
                           refused, label="結果報告を作成しています")

    def add_activity(self) -> None:
        self._open(ActivityDialog(self.runner, self.year, self._municipalities(), parent=self))

    def add_followup(self) -> None:
        self._open(MunicipalFollowupDialog(self.runner, self.year, self._municipalities(), parent=self))

    def _municipalities(self) -> list[tuple[str, str]]:
        return [(r.agency_code, r.agency_name) for r in self.self_checks.rows]

    def _open(self, dialog: ActivityDialog | MunicipalFollowupDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self.refresh())
        self.dialog = dialog
        dialog.open()
