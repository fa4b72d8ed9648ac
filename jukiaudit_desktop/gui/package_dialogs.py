"""Sealed packages in the GUI: peers and this installation's key, export of audits, import with a dry run
and a side-by-side review of conflicts (mine / theirs / both chosen per field)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services import packages
from ..services.audits import list_audits
from .submit_dialog import SubmitDialog
from .tasks import DbRunner

_CHOICE_LABELS = {"mine": "こちらを残す", "theirs": "相手を採る", "both": "両方の記載を残す"}


class PackageExportDialog(SubmitDialog):
    """送付用パッケージを作成: the audits to send, the peer to seal them to, the file to write."""

    def __init__(self, runner: DbRunner, out: Path, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("package_export_dialog")
        self.setWindowTitle("送付用パッケージを作成")
        self.peer_combo = QComboBox()
        self.peer_combo.setObjectName("peer_combo")
        self.audit_list = QListWidget()
        self.audit_list.setObjectName("audit_list")
        self.out_edit = QLineEdit(str(out))
        self.out_edit.setObjectName("out_edit")
        form = QFormLayout()
        form.addRow("送付先(&T):", self.peer_combo)
        form.addRow("監査(&A):", self.audit_list)
        form.addRow("保存先(&O):", self.out_edit)
        self.confirm = self.finish_layout(form, "作成する", "export_button")
        self.confirm.setEnabled(False)
        self.runner.submit(lambda db, _p: (packages.list_peers(db), list_audits(db)), self._fill, self._failed)

    def _fill(self, result: Any) -> None:
        peers, audits = result
        for peer in peers:
            self.peer_combo.addItem(f"{peer.name}{'(本庁)' if peer.is_office else ''}", peer.name)
        for audit in audits:
            item = QListWidgetItem(f"{audit.fiscal_year}年度 {audit.audit_type} {audit.agency_code} "
                                   f"{audit.agency_name}({audit.status})", self.audit_list)
            item.setData(Qt.ItemDataRole.UserRole, audit.id)
            item.setCheckState(Qt.CheckState.Unchecked)
        if not peers:
            self.show_problem("送付先が登録されていません。「送付先と公開鍵」で相手の公開鍵を登録してください。")
        self.confirm.setEnabled(bool(peers))

    def chosen_audits(self) -> list[int]:
        return [int(self.audit_list.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(self.audit_list.count())
                if self.audit_list.item(row).checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:
        ids, peer, out = self.chosen_audits(), self.peer_combo.currentData(), Path(self.out_edit.text())
        self.submit(lambda db, _p: packages.export_package(db, ids, peer, out), self._exported,
                    label="送付用パッケージを作成しています")

    def _exported(self, result: packages.ExportResult) -> None:
        self.result_text = (f"{result.path.name} を作成しました(監査 {result.audits} 件、{result.size:,} バイト)。"
                            f"\nSHA-256: {result.sha256}")
        parent = self.parentWidget()
        if isinstance(parent, QMainWindow):
            parent.statusBar().showMessage(self.result_text, 15000)


class PackageImportDialog(SubmitDialog):
    """パッケージを取り込む: what would change (a dry run), each conflict side by side with a choice."""

    def __init__(self, runner: DbRunner, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.path = path
        self.setObjectName("package_import_dialog")
        self.setWindowTitle(f"パッケージを取り込む — {path.name}")
        self.resize(900, 520)
        self.summary = QLabel("確認しています…")
        self.summary.setObjectName("summary_label")
        self.summary.setWordWrap(True)
        self.conflicts = QTableWidget(0, 4)
        self.conflicts.setObjectName("conflict_table")
        self.conflicts.setHorizontalHeaderLabels(["監査・項目", "こちら", "相手", "採用"])
        header = self.conflicts.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.conflicts.setWordWrap(True)
        self.conflicts.hide()
        form = QVBoxLayout()
        form.addWidget(self.summary)
        form.addWidget(self.conflicts)
        self.confirm = self.finish_layout(form, "取り込む", "import_button")
        self.confirm.setEnabled(False)
        self.plan: packages.ImportPlan | None = None
        self.runner.submit(lambda db, _p: packages.plan_import(db, path), self._show_plan, self._refused)

    def _refused(self, exc: BaseException) -> None:
        self._failed(exc)
        self.confirm.setEnabled(False)
        self.summary.setText("このパッケージは取り込めません。")

    def _show_plan(self, plan: packages.ImportPlan) -> None:
        self.plan = plan
        lines = [f"送信者: {plan.sender}(指紋 {plan.sender_fingerprint})"]
        for title, labels in (("新規", plan.new), ("更新", plan.updated), ("同一(追加なし)", plan.identical)):
            if labels:
                lines.append(f"{title} {len(labels)} 件: " + "、".join(labels))
        lines.extend(packages.carried_lines(plan))
        if plan.conflicts:
            lines.append(f"競合 {len(plan.conflicts)} 件: 両方の端末で変更された項目です。採用する方を選んでください。")
        self.summary.setText("\n".join(lines))
        self.conflicts.setRowCount(len(plan.conflicts))
        for row, conflict in enumerate(plan.conflicts):
            for column, text in enumerate((f"{conflict.audit_label}\n{conflict.description}",
                                           conflict.shown(conflict.mine), conflict.shown(conflict.theirs))):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.conflicts.setItem(row, column, cell)
            combo = QComboBox()
            combo.setObjectName(f"choice_{row}")
            for choice, label in _CHOICE_LABELS.items():
                if choice != "both" or conflict.both_possible:
                    combo.addItem(label, choice)
            self.conflicts.setCellWidget(row, 3, combo)
        self.conflicts.setVisible(bool(plan.conflicts))
        self.conflicts.resizeRowsToContents()
        self.confirm.setEnabled(True)

    def choices(self) -> dict[str, str]:
        assert self.plan is not None
        result = {}
        for row, conflict in enumerate(self.plan.conflicts):
            combo = self.conflicts.cellWidget(row, 3)
            assert isinstance(combo, QComboBox)
            result[conflict.path] = str(combo.currentData())
        return result

    def accept(self) -> None:
        choices, path = self.choices(), self.path
        self.submit(lambda db, _p: packages.import_package(db, path, choices), self._imported,
                    label="パッケージを取り込んでいます")

    def _imported(self, plan: packages.ImportPlan) -> None:
        parent = self.parentWidget()
        if isinstance(parent, QMainWindow):
            parent.statusBar().showMessage(
                f"{self.path.name} を取り込みました(新規 {len(plan.new)}、更新 {len(plan.updated)})。", 15000)


class PeersDialog(SubmitDialog):
    """送付先と公開鍵: this installation's fingerprint, its public key file, and the peers it knows."""

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("peers_dialog")
        self.setWindowTitle("送付先と公開鍵")
        self.resize(760, 420)
        self.own = QLabel()
        self.own.setObjectName("own_fingerprint")
        self.own.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("peer_table")
        self.table.setHorizontalHeaderLabels(["名前", "指紋", "登録日時"])
        self.table.horizontalHeader().setStretchLastSection(True)
        export_button = QPushButton("この端末の公開鍵を書き出す(&E)…")
        export_button.clicked.connect(self._export_key)
        add_button = QPushButton("相手の公開鍵を登録(&A)…")
        add_button.setObjectName("add_peer_button")
        add_button.clicked.connect(self._choose_peer_file)
        buttons = QHBoxLayout()
        buttons.addWidget(export_button)
        buttons.addWidget(add_button)
        buttons.addStretch(1)
        form = QVBoxLayout()
        form.addWidget(QLabel("この端末の指紋(相手に電話か紙で伝え、相手の指紋も同じ方法で確かめてください):"))
        form.addWidget(self.own)
        form.addWidget(self.table)
        form.addLayout(buttons)
        self.finish_layout(form, "閉じる", "close_button")
        self.reload()

    def reload(self) -> None:
        self.runner.submit(lambda db, _p: (packages.ensure_identity(db).public, packages.list_peers(db)),
                           self._fill, self._failed)

    def _fill(self, result: Any) -> None:
        public, peers = result
        self.own.setText(f"{public.name}: {public.fingerprint}")
        self.table.setRowCount(len(peers))
        for row, peer in enumerate(peers):
            for column, text in enumerate((f"{peer.name}{'(本庁)' if peer.is_office else ''}", peer.fingerprint,
                                           peer.added_at)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _export_key(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "公開鍵の保存先", "jukiaudit.pub", "公開鍵 (*.pub)")
        if name:
            self.runner.submit(lambda db, _p: packages.export_identity(db, Path(name)),
                               lambda _r: self.show_problem(f"書き出しました: {name}"), self._failed)

    def _choose_peer_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "相手の公開鍵", "", "公開鍵 (*.pub)")
        if not name:
            return
        peer_name, ok = QInputDialog.getText(self, "相手の名前", "相手の氏名・所属:")
        if ok:
            self.add_peer(Path(name), peer_name, office=False)

    def add_peer(self, path: Path, name: str, *, office: bool) -> None:
        self.runner.submit(lambda db, _p: packages.add_peer(db, path, name, office=office),
                           lambda _r: self.reload(), self._failed)


def add_package_actions(window: QMainWindow, menu: QMenu, runner: DbRunner) -> list[QAction]:
    """ファイル menu entries for sealed packages; the caller enables them once a database is open."""

    def export() -> None:
        PackageExportDialog(runner, Path.home() / "audit.jkp", window).open()

    def take() -> None:
        name, _ = QFileDialog.getOpenFileName(window, "取り込むパッケージ", "", "送付用パッケージ (*.jkp)")
        if name:
            PackageImportDialog(runner, Path(name), window).open()

    actions = []
    for text, slot in (("送付用パッケージを作成(&E)…", export), ("パッケージを取り込む(&I)…", take),
                       ("送付先と公開鍵(&K)…", lambda: PeersDialog(runner, window).open())):
        action = QAction(text, window)
        action.setEnabled(False)
        action.triggered.connect(slot)
        menu.addAction(action)
        actions.append(action)
    return actions
