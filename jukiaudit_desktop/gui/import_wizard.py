"""The import wizard: pick files and a profile, see the encoding and a preview with the column mapping, check
every row, then import with progress and cancel (all database work through the runner)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import InputError, JukiAuditError
from ..core.wareki import format_wareki, format_wareki_moment
from ..importers.issues import ImportRejected
from ..importers.profile import (
    FIELDS,
    OPLOG,
    REGISTER,
    ColumnSpec,
    ImportProfile,
    Layout,
    load_profile,
)
from ..services import imports
from ..services.import_guard import OtherAgencyError
from ..services.imports import CheckResult, FilePreview, ImportSummary
from . import file_dialogs
from .errors import show_error
from .file_drop import FileDrop
from .tasks import DbRunner

NOT_MAPPED = "(使わない)"
FILE_FILTER = "取込ファイル (*.csv *.tsv *.txt *.xlsx *.xlsm);;すべてのファイル (*)"


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")


def preview_file(path: Path, layout: Layout) -> FilePreview:
    """The service's preview, with an empty file named as such (not as a missing header row)."""
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: 空のファイルです。取り込むデータの入ったファイルを選んでください。")
    return imports.preview_file(path, layout)


def cell_text(cell: str) -> str:
    """A preview cell as the inspector reads dates: an xlsx date (2025-04-01 00:00:00) in 和暦."""
    if ISO_MOMENT.match(cell):
        moment = cell.replace(" ", "T")
        return format_wareki(date.fromisoformat(cell[:10])) if moment.endswith("T00:00:00") \
            else format_wareki_moment(moment)
    return format_wareki(date.fromisoformat(cell)) if ISO_DAY.match(cell) else cell


class ImportWizard(QDialog):
    """Imports operation logs or registers for one agency; `imported` carries the ImportSummary."""

    imported = Signal(object)

    def __init__(self, runner: DbRunner, agency_code: str, parent: QWidget | None = None, *,
                 kind: str = OPLOG) -> None:
        super().__init__(parent)
        self.runner = runner
        self.agency_code = agency_code
        self.profiles, profile_problems = imports.installed_profiles()
        self.preview: FilePreview | None = None
        self.setWindowTitle(f"取り込み — 機関 {agency_code}")
        self.resize(1000, 720)

        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kind_box")
        self.kind_box.addItem("操作ログ", OPLOG)
        self.kind_box.addItem("業務端末使用管理簿", REGISTER)
        self.kind_box.setCurrentIndex(0 if kind == OPLOG else 1)
        self.profile_box = QComboBox()
        self.profile_box.setObjectName("profile_box")
        for profile in self.profiles:
            self.profile_box.addItem(profile.name)
        self.profile_box.setToolTip(f"自作のプロファイルは {imports.profile_folder()} に置くと一覧に出ます")
        open_profile = QPushButton("プロファイルを開く…")
        open_profile.setObjectName("open_profile_button")
        self.files = QListWidget()
        self.files.setObjectName("file_list")
        self.files.setMaximumHeight(70)
        add_files = QPushButton("ファイルを追加…")
        add_files.setObjectName("add_files_button")
        remove_file = QPushButton("選択を外す")
        remove_file.setObjectName("remove_file_button")

        top = QFormLayout()
        top.addRow("種類(&K)", self.kind_box)
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_box, 1)
        profile_row.addWidget(open_profile)
        profile_label = QLabel("プロファイル(&P)")
        profile_label.setBuddy(self.profile_box)
        top.addRow(profile_label, profile_row)  # a row of widgets: no buddy by itself
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(add_files)
        file_buttons.addWidget(remove_file)
        file_buttons.addStretch()
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)
        files_label = QLabel("ファイル(&F)")
        files_label.setBuddy(self.files)
        top.addRow(files_label, file_row)

        self.source_label = QLabel("ファイルを追加すると、文字コードと先頭の行が表示されます。")
        self.source_label.setObjectName("source_label")
        self.mapping_group = QGroupBox("列の対応(項目ごとに、ファイルのどの列を使うか)")
        self.mapping_layout = QGridLayout(self.mapping_group)
        self.mapping: dict[str, QComboBox] = {}
        self.preview_model = QStandardItemModel(self)
        self.preview_table = QTableView()
        self.preview_table.setObjectName("preview_table")
        self.preview_table.setModel(self.preview_model)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setWordWrap(False)
        self.issue_list = QListWidget()
        self.issue_list.setObjectName("issue_list")
        self.issue_list.setMaximumHeight(120)
        self.issue_list.setWordWrap(True)  # a long message wraps instead of running off the side
        self.status = QLabel("")
        self.status.setObjectName("status_label")
        self.status.setWordWrap(True)
        self.check_button = QPushButton("確認(&C)")
        self.check_button.setObjectName("check_button")
        self.import_button = QPushButton("取り込む(&I)")
        self.import_button.setObjectName("import_button")
        close = QPushButton("閉じる")
        close.setObjectName("close_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.source_label)
        layout.addWidget(self.mapping_group)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(QLabel("確認の結果(行ごとのエラーと警告):"))
        layout.addWidget(self.issue_list)
        layout.addLayout(buttons)

        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.profile_box.currentIndexChanged.connect(self._layout_changed)
        open_profile.clicked.connect(self._open_profile)
        add_files.clicked.connect(self._choose_files)
        remove_file.clicked.connect(self._remove_file)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(lambda: self.start_import())
        close.clicked.connect(self.reject)
        self._build_mapping()
        self._update_buttons()
        self.issue_list.addItems([f"プロファイルを読めません: {problem}" for problem in profile_problems])
        FileDrop(self, self.add_files)

    # --- choices ---

    @property
    def kind(self) -> str:
        return str(self.kind_box.currentData())

    @property
    def profile(self) -> ImportProfile:
        return self.profiles[self.profile_box.currentIndex()]

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def add_files(self, paths: Sequence[Path | str]) -> None:
        known = {str(p) for p in self.paths()}
        for path in paths:
            if str(path) not in known:
                self.files.addItem(str(path))
        self._load_preview()

    def add_profile(self, path: Path) -> None:
        """Load a profile file and select it (errors are shown, the choice stays)."""
        try:
            profile = load_profile(path)
        except JukiAuditError as exc:
            show_error(self, exc)
            return
        self.profiles.append(profile)
        self.profile_box.addItem(profile.name)
        self.profile_box.setCurrentIndex(len(self.profiles) - 1)

    def _choose_files(self) -> None:
        purpose = "logs" if self.kind == OPLOG else "registers"
        chosen = file_dialogs.open_files(self, purpose, "取り込むファイルを選ぶ", FILE_FILTER)
        if chosen:
            self.add_files([Path(p) for p in chosen])

    def _remove_file(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._load_preview()

    def _open_profile(self) -> None:
        chosen = file_dialogs.open_file(self, "profiles", "取込プロファイルを開く", "プロファイル (*.toml *.json)")
        if chosen:
            self.add_profile(Path(chosen))

    def _kind_changed(self) -> None:
        """Another kind of file: the files listed were chosen as the other kind, so the list starts empty."""
        had_files = self.files.count() > 0
        self.files.clear()
        self._layout_changed()
        if had_files:
            self.status.setText(f"種類を「{self.kind_box.currentText()}」に変えたため、ファイルの一覧を空にしました。"
                                "取り込むファイルを追加してください。")

    def _layout_changed(self) -> None:
        self._build_mapping()
        self._load_preview()

    # --- the layout: the profile's, adjusted by the mapping combo boxes ---

    def profile_layout(self) -> Layout | None:
        try:
            return self.profile.layout(self.kind)
        except JukiAuditError:
            return None

    def chosen_layout(self) -> Layout | None:
        """The profile's layout with the columns chosen in the combo boxes (by number, header row fixed)."""
        base = self.profile_layout()
        if base is None or self.preview is None:
            return base
        columns: dict[str, ColumnSpec] = {}
        for name, box in self.mapping.items():
            column = box.currentData()
            if column is None:
                continue
            formats = base.columns[name].formats if name in base.columns else ("auto",)
            columns[name] = ColumnSpec(index=int(column) + 1, formats=formats)
        return replace(base, columns=columns, header_row=self.preview.header_line or 0)

    def _build_mapping(self) -> None:
        for box in self.mapping.values():
            box.deleteLater()
        while self.mapping_layout.count():
            item = self.mapping_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.mapping = {}
        for number, (name, label) in enumerate(FIELDS[self.kind].items()):
            box = QComboBox()
            box.setObjectName(f"map_{name}")
            box.addItem(NOT_MAPPED, None)
            box.setMinimumWidth(140)
            box.currentIndexChanged.connect(self._mapping_changed)
            caption = QLabel(label)
            caption.setBuddy(box)
            self.mapping_layout.addWidget(caption, number // 3, (number % 3) * 2)
            self.mapping_layout.addWidget(box, number // 3, (number % 3) * 2 + 1)
            self.mapping[name] = box

    def _fill_mapping(self, preview: FilePreview) -> None:
        for name, box in self.mapping.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_MAPPED, None)
            for column, header in enumerate(preview.headers):
                box.addItem(f"{column + 1}: {header}", column)
            found = preview.columns.get(name)
            box.setCurrentIndex(0 if found is None else found + 1)
            box.blockSignals(False)
        self._mark_headers()

    def _mapping_changed(self) -> None:
        self._mark_headers()
        self.issue_list.clear()
        self.status.setText("列の対応を変えました。「確認」で全行を確かめてください。")

    def _mark_headers(self) -> None:
        """Preview headers say which field each column feeds."""
        if self.preview is None:
            return
        used: dict[int, list[str]] = {}
        for name, box in self.mapping.items():
            if box.currentData() is not None:
                used.setdefault(int(box.currentData()), []).append(FIELDS[self.kind][name])
        for column, header in enumerate(self.preview.headers):
            fields = used.get(column)
            text = f"{header}\n→ {'・'.join(fields)}" if fields else f"{header}\n(使わない)"
            self.preview_model.setHorizontalHeaderItem(column, QStandardItem(text))

    # --- preview, check, import (through the runner) ---

    def _load_preview(self) -> None:
        self.issue_list.clear()
        self.status.setText("")  # the last check or import was about other files
        self.preview = None
        paths, layout = self.paths(), self.profile_layout()
        self._update_buttons()
        if not paths:
            self.preview = None
            self.preview_model.clear()
            self.source_label.setText("ファイルを追加すると、文字コードと先頭の行が表示されます。")
            return
        if layout is None:
            self.source_label.setText(f"このプロファイルには「{self.kind_box.currentText()}」の定義がありません。")
            return
        self.runner.submit(lambda _db, _p: preview_file(paths[0], layout), self._show_preview, self._preview_failed)

    def _show_preview(self, preview: FilePreview) -> None:
        self.preview = preview
        header = f"見出し {preview.header_line} 行目" if preview.header_line else "見出し行なし"
        self.source_label.setText(f"{preview.file_name}: 文字コード {preview.encoding}、{header}。"
                                  f"先頭 {len(preview.rows)} 行を表示しています(個人番号等は伏せ字)。")
        self.preview_model.clear()
        width = max([len(preview.headers), *(len(cells) for _line, cells in preview.rows)])
        self.preview_model.setColumnCount(width)
        for line, cells in preview.rows:
            self.preview_model.appendRow([QStandardItem(cell_text(c)) for c in cells])
            self.preview_model.setVerticalHeaderItem(self.preview_model.rowCount() - 1, QStandardItem(str(line)))
        self._fill_mapping(preview)
        self.preview_table.resizeColumnsToContents()
        self.issue_list.addItems([str(issue) for issue in preview.warnings])
        self._update_buttons()

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self.preview_model.clear()
        if not isinstance(exc, JukiAuditError):
            show_error(self, exc)
            return
        self.source_label.setText("読めません。下の内容を確認してください。")
        self.issue_list.clear()
        self.issue_list.addItems(str(exc).splitlines())
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = bool(self.paths()) and self.profile_layout() is not None and self.preview is not None
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)

    def check(self) -> None:
        """Read every row of every file as the import would, and list the errors by line."""
        paths, layout = self.paths(), self.chosen_layout()
        if not paths or layout is None:
            return
        self.status.setText("確認しています…")
        self.runner.submit(lambda _db, progress: imports.check_files(paths, layout, progress), self._show_check,
                           label="ファイルを確認しています")

    def _show_check(self, result: CheckResult) -> None:
        self.issue_list.clear()
        self.issue_list.addItems([f"エラー: {issue}" for issue in result.errors])
        self.issue_list.addItems([f"警告: {issue}" for issue in result.warnings])
        more = "(上限に達したため以降は未確認)" if result.truncated else ""
        if result.errors:
            self.status.setText(f"エラー {len(result.errors)} 件{more}。直してから取り込んでください。")
        else:
            self.status.setText(f"{result.rows:,} 行を読めました(警告 {len(result.warnings)} 件)。取り込めます。")

    def start_import(self, allow_other_agency: bool = False) -> None:
        paths, layout, profile = self.paths(), self.chosen_layout(), self.profile
        if not paths or layout is None:
            return
        code = self.agency_code
        self.import_button.setEnabled(False)
        self.status.setText("取り込んでいます…")
        self.runner.submit(
            lambda db, progress: imports.import_files(db, code, layout, paths, profile_name=profile.name,
                                                      allow_other_agency=allow_other_agency, progress=progress),
            self._imported, self._import_failed, label=f"{self.kind_box.currentText()}を取り込んでいます")

    def _imported(self, summary: ImportSummary) -> None:
        self.import_button.setEnabled(True)
        self.issue_list.clear()
        self.issue_list.addItems([f"注意: {notice}" for notice in summary.notices])
        self.issue_list.addItems([f"警告: {issue}" for issue in summary.warnings])
        self.status.setText(summary.describe())
        self.imported.emit(summary)

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if isinstance(exc, OtherAgencyError):
            answer = QMessageBox.question(
                self, "別の機関のファイル",
                f"{exc}\n\nそれでも機関 {self.agency_code} に取り込みますか?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self.start_import(allow_other_agency=True)
            else:
                self.status.setText("別の機関のファイルのため、取り込みませんでした。")
            return
        if isinstance(exc, ImportRejected):
            self.issue_list.clear()
            self.issue_list.addItems([f"エラー: {issue}" for issue in exc.issues])
            self.status.setText(f"エラー {len(exc.issues)} 件のため、何も取り込んでいません。")
            return
        self.status.setText(str(exc) if isinstance(exc, JukiAuditError) else "取り込めませんでした。")
        show_error(self, exc)

    def issues(self) -> list[str]:
        return [self.issue_list.item(i).text() for i in range(self.issue_list.count())]

    def preview_cell(self, row: int, column: int) -> Any:
        return self.preview_model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
