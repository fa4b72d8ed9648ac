"""The on-site session: item by item, keyboard-driven scoring beside the self-check, notes saved as typed,
evidence, averages, findings.

Keys (also shown as a line under the items, CHEAT_LINE): 1/2/3 score (also on the numeric keypad), 0 or N 該当なし,
Delete clears — then, with 「採点したら次の項目へ」 (on unless turned off), the next item; ↓ J PageDown next item,
↑ K PageUp previous; Ctrl+Enter next unscored item; F2 note (Esc back); Ctrl+Z undoes the last score or note
change; Ctrl+I raise a finding; Ctrl+T attach a file; Alt+← back to the list.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.audit import NOT_APPLICABLE, SCORES_LOCKED, Audit, Finding, ItemScore
from ..core.scoring import summarize
from ..core.wareki import format_fiscal_year, format_wareki, format_wareki_or
from ..security import viewing
from ..services import audits, findings, settings
from ..services.audits import EvidenceInfo
from ..services.database_access import Database
from . import file_dialogs
from .audit_models import (
    FindingColumn,
    ItemColumn,
    average_text,
    category_model,
    evidence_model,
    finding_model,
    item_model,
)
from .errors import show_error
from .finding_dialog import FindingDialog
from .register_check_panel import RegisterCheckPanel
from .row_table import RowFilterProxy, fit_columns, read_only_table, readable_columns, selected_source_row
from .session_detail import ItemDetailPanel
from .tasks import DbRunner

CHEAT_LINE = ("1/2/3 採点 ・ N 該当なし ・ J/K 移動 ・ Ctrl+Enter 次の未採点 ・ F2 所見 ・ Ctrl+Z 取り消し ・ "
              "Ctrl+I 指摘 ・ Ctrl+T 添付 ・ Alt+← 一覧へ")
NOTE_SAVE_DELAY_MS = 400  # a note is saved this long after the last keystroke (and at once on leaving the item)


@dataclass(frozen=True)
class SessionData:
    audit: Audit
    items: list[ItemScore]
    evidence: list[EvidenceInfo]
    findings: list[Finding]
    open_earlier_findings: list[Finding]
    advance_after_score: bool


@dataclass(frozen=True)
class Change:
    """One score or note change, with the value before it (what Ctrl+Z puts back)."""

    code: str
    field: str  # "verified", "self_score" or "note"
    before: int | str | None


def load_session(db: Database, audit_id: int) -> SessionData:
    return SessionData(audits.get_audit(db, audit_id), audits.audit_items(db, audit_id),
                       audits.list_evidence(db, audit_id), findings.list_findings(db, audit_id),
                       findings.open_findings_from_previous(db, audit_id), settings.advance_after_score(db))


class SessionView(QWidget):
    """One audit on site. `open_audit(id)` loads it; `closed` asks the page to show its list again."""

    closed = Signal()
    changed = Signal()  # something of the audit was saved (the list may want to refresh)

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("session_view")
        self.runner = runner
        self.audit: Audit | None = None
        self.current = -1
        self._pending_note: tuple[str, str] | None = None  # (item code, text) not yet sent to the worker
        self._undo: list[Change] = []
        self._finding_items: set[str] = set()  # item codes that already have a finding in this audit
        self._open_copies: list[Path] = []
        self.finding_dialog: FindingDialog | None = None
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)

        self.back_button = QPushButton("← 一覧に戻る")
        self.back_button.setObjectName("back_button")
        self.back_button.setShortcut(QKeySequence("Alt+Left"))
        self.back_button.clicked.connect(self.close_session)
        self.title = QLabel()
        self.title.setObjectName("session_title")
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        # a long agency name gives way to the counts beside it (the whole title is in the tooltip)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progress_label")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_bar.setFixedWidth(180)
        self.progress_bar.setFormat("%v / %m")
        self.average_label = QLabel()
        self.average_label.setObjectName("average_label")
        self.average_label.setStyleSheet("font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.progress_label)
        top.addWidget(self.progress_bar)
        top.addWidget(self.average_label)

        self.earlier_box = QGroupBox()
        self.earlier_box.setObjectName("earlier_findings_box")
        self.earlier_box.setStyleSheet("QGroupBox { color: #b71c1c; font-weight: bold; }")
        self.earlier_list = QListWidget()
        self.earlier_list.setObjectName("earlier_findings_list")
        self.earlier_list.setMaximumHeight(90)
        hide_earlier = QPushButton("閉じる")
        hide_earlier.setObjectName("hide_earlier_button")
        hide_earlier.clicked.connect(self.earlier_box.hide)
        earlier_layout = QHBoxLayout(self.earlier_box)
        earlier_layout.addWidget(self.earlier_list, 1)
        earlier_layout.addWidget(hide_earlier, 0, Qt.AlignmentFlag.AlignTop)
        self.earlier_box.hide()

        self.items = item_model()
        self.item_table = read_only_table("item_table")
        self.item_table.setModel(self.items)
        header = self.item_table.horizontalHeader()
        header.setSectionResizeMode(ItemColumn.QUESTION, QHeaderView.ResizeMode.Stretch)
        for column in (ItemColumn.CODE, ItemColumn.SELF, ItemColumn.VERIFIED, ItemColumn.PREVIOUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.item_table.setColumnHidden(ItemColumn.CATEGORY, True)  # shown in the heading and the averages
        self.item_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.item_table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.categories = category_model()
        self.category_table = read_only_table("category_table")
        self.category_table.setModel(self.categories)
        self.category_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.category_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.category_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cheat_line = QLabel(CHEAT_LINE)
        self.cheat_line.setObjectName("cheat_line")
        self.cheat_line.setWordWrap(True)
        self.cheat_line.setStyleSheet("color: #555;")
        self.advance_box = QCheckBox("採点したら次の項目へ(&A)")
        self.advance_box.setObjectName("advance_box")
        self.advance_box.setChecked(True)
        self.advance_box.toggled.connect(self._advance_toggled)
        items_panel = QWidget()
        items_layout = QVBoxLayout(items_panel)
        items_layout.setContentsMargins(0, 0, 0, 0)
        items_layout.addWidget(self.item_table, 1)
        items_layout.addWidget(self.cheat_line)
        items_layout.addWidget(self.advance_box)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(items_panel)
        left.addWidget(self.category_table)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)

        self.detail = ItemDetailPanel()
        self.detail.verified_chosen.connect(self.set_verified)
        self.detail.self_score_chosen.connect(self.set_self_score)
        self.detail.note_edited.connect(self._note_edited)
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setWidget(self.detail)
        detail_scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.evidence = evidence_model()
        self.evidence_proxy = RowFilterProxy(self.evidence)
        self.evidence_table = read_only_table("evidence_table")
        self.evidence_table.setModel(self.evidence_proxy)
        self.evidence_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.evidence_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.evidence_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.evidence_table.setColumnWidth(3, 170)  # elided; the full hash is in the tooltip
        self.evidence_table.doubleClicked.connect(lambda _i: self.open_selected_evidence())
        self.attach_button = QPushButton("ファイルを添付… (Ctrl+T)")
        self.attach_button.setObjectName("attach_button")
        self.attach_button.clicked.connect(self.choose_and_attach)
        self.open_evidence_button = QPushButton("写しを開く")
        self.open_evidence_button.setObjectName("open_evidence_button")
        self.open_evidence_button.clicked.connect(self.open_selected_evidence)
        self.delete_evidence_button = QPushButton("削除…")
        self.delete_evidence_button.setObjectName("delete_evidence_button")
        self.delete_evidence_button.setToolTip("誤って添付したファイルを削除します(指摘事項票の発行前に添付したものは削除できません)")
        self.delete_evidence_button.clicked.connect(self.delete_selected_evidence)
        evidence_tab = QWidget()
        evidence_layout = QVBoxLayout(evidence_tab)
        evidence_buttons = QHBoxLayout()
        evidence_buttons.addWidget(self.attach_button)
        evidence_buttons.addWidget(self.open_evidence_button)
        evidence_buttons.addWidget(self.delete_evidence_button)
        evidence_buttons.addStretch(1)
        evidence_layout.addLayout(evidence_buttons)
        evidence_layout.addWidget(self.evidence_table)

        self.findings = finding_model(date.today())
        self.finding_table = read_only_table("session_finding_table")
        self.finding_table.setModel(self.findings)
        readable_columns(self.finding_table, stretch=FindingColumn.TITLE)
        for hidden in (0, 1, 2):  # year, agency, audit type: the same for the whole session
            self.finding_table.setColumnHidden(hidden, True)
        self.raise_button = QPushButton("この項目で指摘を起票… (Ctrl+I)")
        self.raise_button.setObjectName("raise_finding_button")
        self.raise_button.clicked.connect(self.raise_finding)
        findings_tab = QWidget()
        findings_layout = QVBoxLayout(findings_tab)
        findings_buttons = QHBoxLayout()
        findings_buttons.addWidget(self.raise_button)
        findings_buttons.addStretch(1)
        findings_layout.addLayout(findings_buttons)
        findings_layout.addWidget(self.finding_table)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("session_tabs")
        self.tabs.addTab(evidence_tab, "証跡")
        self.tabs.addTab(findings_tab, "指摘事項")
        self.register_panel = RegisterCheckPanel(runner)
        self.register_panel.findings_raised.connect(lambda _n: self.reload())
        self.tabs.addTab(self.register_panel, "管理簿")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(detail_scroll)
        right.addWidget(self.tabs)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)

        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(0, 5)
        main.setStretchFactor(1, 6)
        main.setSizes([500, 600])
        self.status = QLabel()
        self.status.setObjectName("session_status")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.earlier_box)
        layout.addWidget(main, 1)
        layout.addWidget(self.status)
        self._install_shortcuts()

    # ------------------------------------------------------------ keyboard

    def _install_shortcuts(self) -> None:
        bindings: list[tuple[list[str], Callable[[], object]]] = [
            (["1", "Num+1"], lambda: self.score_key(1)),
            (["2", "Num+2"], lambda: self.score_key(2)),
            (["3", "Num+3"], lambda: self.score_key(3)),
            (["0", "Num+0", "N"], lambda: self.score_key(NOT_APPLICABLE)),
            (["Delete"], lambda: self.set_verified(None)),
            (["Ctrl+Z"], self.undo),
            (["Down", "J", "PgDown"], lambda: self.go_to(self.current + 1)),
            (["Up", "K", "PgUp"], lambda: self.go_to(self.current - 1)),
            (["Ctrl+Return", "Ctrl+Enter", "Ctrl+Num+Enter"], self.next_unscored),
            (["F2"], self.detail.note.setFocus),
            (["Ctrl+I"], self.raise_finding),
            (["Ctrl+T"], self.choose_and_attach),
        ]
        for keys, action in bindings:
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(action)
        escape = QShortcut(QKeySequence("Escape"), self.detail.note)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.item_table.setFocus)

    # ------------------------------------------------------------ loading

    def open_audit(self, audit_id: int) -> None:
        self.runner.submit(lambda db, _p: load_session(db, audit_id), self._loaded, self._load_failed,
                           label="監査を開いています")

    def reload(self) -> None:
        """Read the open audit again from the database (e.g. after a restore), staying on the same item."""
        if self.audit is None:
            return
        self.flush_note()
        row = self.current
        self.runner.submit(lambda db, _p: load_session(db, self.audit_id), lambda data: self._loaded(data, row),
                           self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.close_session()

    def _loaded(self, data: SessionData, stay_on: int | None = None) -> None:
        self.audit = data.audit
        audit = data.audit
        when = format_wareki_or(audit.start_date, "日程未定")
        self.title.setText(f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} "
                           f"{audit.agency_name}({when}・{audit.status.value})")
        self.title.setToolTip(self.title.text())
        self.items.set_rows(data.items)
        self.evidence.set_rows(data.evidence)
        self.findings.set_rows(data.findings)
        fit_columns(self.finding_table)
        self._finding_items = {f.item_code for f in data.findings if f.item_code}
        self.advance_box.blockSignals(True)
        self.advance_box.setChecked(data.advance_after_score)
        self.advance_box.blockSignals(False)
        if stay_on is None:  # another audit (a reload keeps what can be undone)
            self._undo.clear()
        self.tabs.setTabText(1, f"指摘事項({len(data.findings)})")
        self.register_panel.load(self.audit_id)
        self.earlier_list.clear()
        for finding in data.open_earlier_findings:
            due = f" 期限 {format_wareki(finding.due_date)}" if finding.due_date else ""
            self.earlier_list.addItem(f"{format_fiscal_year(finding.fiscal_year)} [{finding.finding_class.value}] "
                                      f"{finding.title}({finding.status}{due})")
        self.earlier_box.setTitle(f"前回までの未完了の指摘事項({len(data.open_earlier_findings)}件): "
                                  "改善状況を確認してください")
        self.earlier_box.setVisible(bool(data.open_earlier_findings))
        editable = audit.status not in SCORES_LOCKED
        self.detail.set_editable(editable)
        self.status.setText("" if editable else f"「{audit.status.value}」の監査のため、点数と所見は変更できません。")
        self.item_table.setColumnHidden(ItemColumn.PREVIOUS, audit.previous_id is None)
        self.current = -1
        self._update_totals()
        self.go_to(stay_on if stay_on is not None else self.next_unscored_row(-1) or 0)
        self.item_table.setFocus()

    def clear(self) -> None:
        """Drop what is shown (the app locks): the pending note is saved first."""
        self.flush_note()
        self.audit = None
        self.current = -1
        for model in (self.items, self.evidence, self.findings, self.categories):
            model.set_rows([])
        self.register_panel.clear()
        self.earlier_list.clear()
        self.detail.note.clear()

    def close_session(self) -> None:
        self.flush_note()
        for folder in self._open_copies:
            shutil.rmtree(folder, ignore_errors=True)
        self._open_copies.clear()
        self.closed.emit()

    # ------------------------------------------------------------ navigation

    @property
    def audit_id(self) -> int:
        """The open audit's id (only called while an audit is open)."""
        if self.audit is None:
            raise RuntimeError("no audit is open")
        return self.audit.id

    @property
    def current_row(self) -> ItemScore | None:
        return self.items.rows[self.current] if 0 <= self.current < len(self.items.rows) else None

    def go_to(self, row: int) -> None:
        if not self.items.rows:
            return
        row = max(0, min(row, len(self.items.rows) - 1))
        self.item_table.setCurrentIndex(self.items.index(row, ItemColumn.CODE))

    def next_unscored_row(self, after: int) -> int | None:
        rows = self.items.rows
        for offset in range(1, len(rows) + 1):
            candidate = (after + offset) % len(rows)
            if rows[candidate].verified is None:
                return candidate
        return None

    def next_unscored(self) -> None:
        row = self.next_unscored_row(self.current)
        if row is None:
            self.status.setText("すべての項目を確認済みです。")
        else:
            self.go_to(row)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.flush_note()
        self.current = current.row()
        row = self.current_row
        if row is None:
            return
        self.detail.show_item(row, with_previous=self._has_previous(), has_finding=row.item.code in self._finding_items)
        code = row.item.code
        self.evidence_proxy.set_predicate(lambda e: e.item_code == code)
        self._show_evidence_count()
        self.item_table.scrollTo(current)

    def _has_previous(self) -> bool:
        return self.audit is not None and self.audit.previous_id is not None

    # ------------------------------------------------------------ scores and notes (saved at once)

    def _editable(self) -> bool:
        return self.audit is not None and self.audit.status not in SCORES_LOCKED and self.current_row is not None

    def set_verified(self, score: int | None) -> None:
        self._save_score(score, verified=True)

    def set_self_score(self, score: int | None) -> None:
        self._save_score(score, verified=False)

    def score_key(self, score: int) -> None:
        """A score typed on the keyboard; the next item follows when 「採点したら次の項目へ」 is on."""
        scored = self._editable()
        self.set_verified(score)
        if scored and self.advance_box.isChecked():
            self.go_to(self.current + 1)

    def _advance_toggled(self, on: bool) -> None:
        self.runner.submit(lambda db, _p: settings.set_advance_after_score(db, on))

    def _save_score(self, score: int | None, *, verified: bool, undoing: bool = False) -> None:
        row = self.current_row
        if not self._editable() or row is None or self.audit is None:
            return
        audit_id, code = self.audit_id, row.item.code
        if not undoing:
            self._undo.append(Change(code, "verified" if verified else "self_score",
                                     row.verified if verified else row.self_score))
        updated = replace(row, verified=score) if verified else replace(row, self_score=score)
        self.items.replace_row(self.current, updated)
        self.detail.show_scores(updated, with_previous=self._has_previous(), has_finding=code in self._finding_items)
        self._update_totals()
        save = audits.set_verified_score if verified else audits.set_self_score
        self.runner.submit(lambda db, _p: save(db, audit_id, code, score), lambda _r: self._saved(),
                           self._save_failed)

    def _note_edited(self, text: str) -> None:
        row = self.current_row
        if not self._editable() or row is None:
            return
        if self._pending_note is None or self._pending_note[0] != row.item.code:  # a new burst of typing
            self._undo.append(Change(row.item.code, "note", row.note))
        self.items.rows[self.current] = replace(row, note=text)
        self._pending_note = (row.item.code, text)
        self.detail.save_state.setText("入力中…")
        self._note_timer.start()

    def flush_note(self) -> None:
        """Send the pending note to the worker now (on leaving the item, closing, locking)."""
        self._note_timer.stop()
        if self._pending_note is None or self.audit is None:
            return
        (code, text), audit_id = self._pending_note, self.audit_id
        self._pending_note = None
        self.runner.submit(lambda db, _p: audits.set_note(db, audit_id, code, text), lambda _r: self._saved(),
                           self._save_failed)

    def undo(self) -> None:
        """Ctrl+Z: put back the value before the last score or note change (saved like any change)."""
        self.flush_note()
        if not self._undo or not self._editable():
            self.status.setText("取り消せる変更はありません。")
            return
        change = self._undo.pop()
        row_number = next(i for i, r in enumerate(self.items.rows) if r.item.code == change.code)
        self.go_to(row_number)
        if change.field == "note":
            note = str(change.before or "")
            self.items.rows[row_number] = replace(self.items.rows[row_number], note=note)
            self.detail.show_item(self.items.rows[row_number], with_previous=self._has_previous(),
                                  has_finding=change.code in self._finding_items)
            self._pending_note = (change.code, note)
            self.flush_note()
        else:
            self._save_score(change.before, verified=change.field == "verified", undoing=True)  # type: ignore[arg-type]
        self.status.setText(f"{change.code} の{'所見' if change.field == 'note' else '点数'}を元に戻しました。")

    def _saved(self) -> None:
        self.detail.save_state.setText(f"保存済み {datetime.now():%H:%M:%S}")
        self.changed.emit()

    def _save_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.reload()  # show what is really stored

    def _update_totals(self) -> None:
        rows = self.items.rows
        done = sum(1 for r in rows if r.verified is not None)
        self.progress_bar.setMaximum(max(len(rows), 1))
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"確認済み {done} / {len(rows)}")
        summary = summarize(rows)
        self.categories.set_rows(summary.categories)
        self.average_label.setText(f"平均 自己 {average_text(summary.self_average)} / "
                                   f"確認 {average_text(summary.verified_average)}")

    # ------------------------------------------------------------ evidence

    def choose_and_attach(self) -> None:
        if self.audit is None or self.current_row is None:
            return
        path = file_dialogs.open_file(self, "evidence", "証跡ファイルを添付",
                                       "証跡 (*.pdf *.png *.jpg *.jpeg *.xlsx *.csv *.txt);;すべて (*)")
        if path:
            self.attach_file(Path(path))

    def attach_file(self, path: Path) -> None:
        """Store `path` in the encrypted database, attached to the current item."""
        row = self.current_row
        if self.audit is None or row is None:
            return
        audit_id, code = self.audit_id, row.item.code
        self.runner.submit(lambda db, _p: audits.add_evidence(db, audit_id, path, item_code=code),
                           self._attached, label=f"{path.name} を暗号化して保存しています")

    def _attached(self, info: EvidenceInfo) -> None:
        self.evidence.set_rows([*self.evidence.rows, info])
        self._show_evidence_count()
        self.tabs.setCurrentIndex(0)
        self.status.setText(f"{info.file_name} を添付しました(SHA-256 {info.sha256[:16]}…)。")
        self.changed.emit()

    def _show_evidence_count(self) -> None:
        self.tabs.setTabText(0, f"証跡({self.evidence_proxy.rowCount()})")

    def _selected_evidence(self, verb: str) -> EvidenceInfo | None:
        info: EvidenceInfo | None = selected_source_row(self.evidence_table)
        if info is None:
            self.status.setText(f"{verb}証跡を一覧で選んでください。")
        return info

    def open_selected_evidence(self) -> None:
        info = self._selected_evidence("開く")
        if info is not None:
            evidence_id = info.id
            self.runner.submit(lambda db, _p: audits.get_evidence_content(db, evidence_id), self._write_copy)

    def delete_selected_evidence(self) -> None:
        info = self._selected_evidence("削除する")
        if info is None:
            return
        answer = QMessageBox.question(
            self, "証跡の削除", f"添付ファイル「{info.file_name}」を削除します(名前と SHA-256 は監査証跡に残ります)。"
            "削除しますか?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.runner.submit(lambda db, _p: audits.delete_evidence(db, info.id), self._evidence_deleted,
                           lambda exc: show_error(self, exc))

    def _evidence_deleted(self, info: EvidenceInfo) -> None:
        self.evidence.set_rows([e for e in self.evidence.rows if e.id != info.id])
        self._show_evidence_count()
        self.status.setText(f"{info.file_name} を削除しました。")
        self.changed.emit()

    def _write_copy(self, found: tuple[str, bytes]) -> None:
        name, content = found
        copy = viewing.write_copy(name, content)  # private folder; removed on leaving, lock, quit, next start
        self._open_copies.append(copy.parent)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))
        self.status.setText(f"写しを開きました: {copy}(この画面を閉じると削除します)")

    # ------------------------------------------------------------ findings

    def raise_finding(self) -> None:
        row = self.current_row
        if self.audit is None or row is None:
            return
        self.flush_note()
        item = row.item
        dialog = FindingDialog(self.runner, self.audit_id, item_code=item.code, question=item.question,
                               condition=row.note, criteria=item.criteria, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._finding_saved)
        self.finding_dialog = dialog
        dialog.open()

    def _finding_saved(self, finding: Finding) -> None:
        if self.finding_dialog is not None and self.finding_dialog.item_code:
            self._finding_items.add(self.finding_dialog.item_code)
        row = self.current_row
        if row is not None:  # the hint to raise a finding goes once there is one
            self.detail.show_scores(row, with_previous=self._has_previous(),
                                    has_finding=row.item.code in self._finding_items)
        self.findings.set_rows([*self.findings.rows, finding])
        fit_columns(self.finding_table)
        self.tabs.setTabText(1, f"指摘事項({len(self.findings.rows)})")
        self.tabs.setCurrentIndex(1)
        self.status.setText(f"指摘事項「{finding.title}」を起票しました。")
        self.changed.emit()
