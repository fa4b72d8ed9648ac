"""ホーム: what needs doing today — this 年度's planned audits and their state, findings whose 改善報告期限 is near
or past (red), agencies with logs not yet reconciled, the age of the last backup. Enter or a double-click on a
row asks for its page (`open_audit`, `open_finding`, `open_agency`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QTableView, QVBoxLayout, QWidget

from ...core.wareki import format_fiscal_year, format_wareki, format_wareki_or
from ...services import home
from ...services.home import DueFinding, Home, PlannedAudit, UnreconciledAgency
from ..audit_models import OVERDUE_COLOUR, timestamp_text
from ..row_table import Column, RowFilterProxy, RowTableModel, fit_columns, read_only_table, readable_columns
from ..tasks import DbRunner
from . import Page

NOT_STARTED_COLOUR = QColor("#757575")
BACKUP_WARN_DAYS = 7


def _days_text(days: int) -> str:
    return f"{-days} 日超過" if days < 0 else "今日まで" if days == 0 else f"あと {days} 日"


AUDIT_COLUMNS: list[Column[PlannedAudit]] = [
    Column("機関", lambda r: f"{r.agency_code} {r.agency_name}", lambda r: r.agency_code),
    Column("種類", lambda r: r.audit_type),
    Column("状態", lambda r: r.state, lambda r: home.STATES.index(r.state)),
    Column("監査の状況", lambda r: "監査未作成" if r.audit is None else r.audit.status.value),
    Column("実施日", lambda r: format_wareki_or(r.audit.start_date if r.audit else None),
           lambda r: r.audit.start_date if r.audit else None),
    Column("計画", lambda r: "計画どおり" if r.planned else "計画外"),
]
FINDING_COLUMNS: list[Column[DueFinding]] = [
    Column("改善報告期限", lambda r: format_wareki_or(r.finding.due_date), lambda r: r.finding.due_date),
    Column("残り", lambda r: _days_text(r.days_left), lambda r: r.days_left, align_right=True),
    Column("機関", lambda r: r.finding.agency_name, lambda r: r.finding.agency_code),
    Column("件名", lambda r: r.finding.title, tooltip=True),
    Column("状況", lambda r: r.finding.status),
]
FINDING_TITLE = 3  # the column that takes the room left
AGENCY_COLUMNS: list[Column[UnreconciledAgency]] = [
    Column("機関", lambda r: f"{r.code} {r.name}", lambda r: r.code),
    Column("最後の取込", lambda r: timestamp_text(r.last_import), lambda r: r.last_import),
    Column("最後の突合", lambda r: "未実施" if r.last_run is None else timestamp_text(r.last_run),
           lambda r: r.last_run),
]


def _overdue_red(row: DueFinding, _column: int) -> QColor | None:
    return OVERDUE_COLOUR if row.overdue else None


def _not_started_grey(row: PlannedAudit, _column: int) -> QColor | None:
    return NOT_STARTED_COLOUR if row.state == home.NOT_STARTED else None


def backup_text(summary: Home) -> str:
    age = summary.backup_age_days
    if summary.last_backup is None:
        return "バックアップ: 記録がありません(設定 → バックアップ)"
    when = f"{format_wareki(summary.last_backup.date())} {summary.last_backup:%H:%M}"
    return f"最後のバックアップ: {when}({'今日' if age == 0 else f'{age} 日前'})"


def waiting_text(summary: Home) -> str:
    """送付待ち: per peer, how many audits changed since the last package to it (a few named)."""
    lines = []
    for peer in summary.waiting:
        name = f"{peer.peer}(本庁)" if peer.office and "本庁" not in peer.peer else peer.peer
        if not peer.audits:
            lines.append(f"送付待ち({name}あて): なし")
            continue
        named = "、".join(peer.audits[:3]) + (" ほか" if len(peer.audits) > 3 else "")
        lines.append(f"送付待ち({name}あて): 監査 {len(peer.audits)} 件({named}) — ファイル → 送付用パッケージを作成")
    return "\n".join(lines)


class HomePage(Page):
    title = "ホーム"
    open_audit = Signal(object)  # audit id, or None for a planned audit not yet created
    open_finding = Signal(int)
    open_agency = Signal(str)  # agency code, on ログ突合
    loaded = Signal(object)  # Home, after each refresh (the navigation's counts follow it)

    def __init__(self, runner: DbRunner, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(runner, parent)
        self.today = today
        self.summary: Home | None = None
        self.heading = QLabel()
        self.heading.setObjectName("home_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backup_label")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("waiting_label")
        self.waiting_label.setWordWrap(True)

        self.audits: RowTableModel[PlannedAudit] = RowTableModel(AUDIT_COLUMNS, foreground=_not_started_grey)
        self.findings: RowTableModel[DueFinding] = RowTableModel(FINDING_COLUMNS, foreground=_overdue_red)
        self.agencies: RowTableModel[UnreconciledAgency] = RowTableModel(AGENCY_COLUMNS)
        self.audit_table = self._table("home_audits", self.audits, len(AUDIT_COLUMNS) - 1)
        self.finding_table = self._table("home_findings", self.findings, FINDING_TITLE)
        self.agency_table = self._table("home_agencies", self.agencies, 0)
        self.audit_table.activated.connect(self._audit_activated)
        self.finding_table.activated.connect(self._finding_activated)
        self.agency_table.activated.connect(self._agency_activated)
        self.no_plan_label = QLabel()
        self.no_plan_label.setObjectName("no_plan_label")
        self.no_plan_label.setWordWrap(True)
        self.audit_box = self._box("今年度の監査", self.audit_table)
        audit_layout = self.audit_box.layout()
        assert audit_layout is not None  # _box gives every box its layout
        audit_layout.addWidget(self.no_plan_label)
        self.finding_box = self._box(f"改善報告期限が {home.DUE_SOON_DAYS} 日以内・超過の指摘事項", self.finding_table)
        self.agency_box = self._box("未突合のログがある機関", self.agency_table)

        self.grid = grid = QGridLayout()
        grid.addWidget(self.audit_box, 0, 0, 1, 2)
        grid.addWidget(self.finding_box, 1, 0)
        grid.addWidget(self.agency_box, 1, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.backup_label)
        layout.addWidget(self.waiting_label)
        layout.addLayout(grid, 1)
        hint = QLabel("行をダブルクリック(または Enter)すると、その監査・指摘事項・機関のページを開きます。")
        hint.setObjectName("home_hint")
        layout.addWidget(hint)

    @staticmethod
    def _table(name: str, model: RowTableModel[Any], stretch: int) -> QTableView:
        table = read_only_table(name)
        table.setModel(RowFilterProxy(model))
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order first
        table.setSortingEnabled(True)
        readable_columns(table, stretch=stretch)
        return table

    @staticmethod
    def _box(title: str, table: QTableView) -> QGroupBox:
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(table)
        return box

    @staticmethod
    def _row(table: QTableView, index: QModelIndex) -> Any:
        proxy: RowFilterProxy = table.model()  # type: ignore[assignment]
        return proxy.source_row(index)

    def _audit_activated(self, index: QModelIndex) -> None:
        audit = self._row(self.audit_table, index).audit
        self.open_audit.emit(None if audit is None else audit.id)

    def _finding_activated(self, index: QModelIndex) -> None:
        self.open_finding.emit(self._row(self.finding_table, index).finding.id)

    def _agency_activated(self, index: QModelIndex) -> None:
        self.open_agency.emit(self._row(self.agency_table, index).code)

    def refresh(self) -> None:
        today = self.today
        self.runner.submit(lambda db, _p: home.load_home(db, today), self._loaded)

    def clear(self) -> None:
        self.summary = None
        for model in (self.audits, self.findings, self.agencies):
            model.set_rows([])
        self.heading.clear()
        self.backup_label.clear()
        self.waiting_label.clear()
        self.no_plan_label.clear()

    def _loaded(self, summary: Home) -> None:
        self.summary = summary
        self.heading.setText(f"{format_fiscal_year(summary.fiscal_year)}  今日は {format_wareki(summary.today)}")
        self.backup_label.setText(backup_text(summary))
        stale = summary.last_backup is None or (summary.backup_age_days or 0) > BACKUP_WARN_DAYS
        self.backup_label.setStyleSheet(f"color: {OVERDUE_COLOUR.name()}" if stale else "")
        self.waiting_label.setText(waiting_text(summary))
        self.waiting_label.setVisible(bool(summary.waiting))
        self.audits.set_rows(summary.audits)
        self.no_plan_label.setText("" if summary.audits else f"{format_fiscal_year(summary.fiscal_year)}の監査は計画も実施もまだありません。"
                                   "「監査計画」のページで計画を作成してください。")
        self.no_plan_label.setVisible(not summary.audits)
        self.audit_table.setVisible(bool(summary.audits))  # an empty table would only take the others' room
        self.grid.setRowStretch(0, 1 if summary.audits else 0)
        self.findings.set_rows(summary.due_findings)
        self.agencies.set_rows(summary.unreconciled)
        self.audit_box.setTitle(f"今年度の監査({len(summary.audits)} 件、未着手 {summary.not_started_count} 件)")
        self.finding_box.setTitle(f"改善報告期限が {home.DUE_SOON_DAYS} 日以内・超過の指摘事項"
                                  f"({len(summary.due_findings)} 件、超過 {summary.overdue_count} 件)")
        self.agency_box.setTitle(f"未突合のログがある機関({len(summary.unreconciled)} 機関)")
        for table in (self.audit_table, self.finding_table, self.agency_table):
            fit_columns(table)
        self.loaded.emit(summary)
