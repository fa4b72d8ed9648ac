"""The main window: navigation on the left, one page per area, the open database in the status bar."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from .. import APP_NAME, __version__
from ..security import viewing
from .home_navigation import install_home
from .package_dialogs import add_package_actions
from .pages import Page
from .pages.audits import AuditsPage
from .pages.findings import FindingsPage
from .pages.home import HomePage
from .pages.master import MasterPage
from .pages.municipal import MunicipalPage
from .pages.planning import PlanningPage
from .pages.reconcile import ReconcilePage
from .pages.settings import SettingsPage
from .search_navigation import install_search
from .tasks import DbRunner

PAGE_CLASSES: list[type[Page]] = [HomePage, PlanningPage, AuditsPage, ReconcilePage, FindingsPage, MasterPage, SettingsPage,
                                  MunicipalPage]


PageT = TypeVar("PageT", bound=Page)

class MainWindow(QMainWindow):
    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("main_window")
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1280, 800)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setMaximumWidth(180)
        self.pages = QStackedWidget()
        self.page_widgets: list[Page] = []
        for page_class in PAGE_CLASSES:
            page = page_class(runner)
            self.page_widgets.append(page)
            self.pages.addWidget(page)
            QListWidgetItem(page.title, self.navigation)
        self.navigation.currentRowChanged.connect(self._show_page)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([self.navigation.maximumWidth(), self.width()])  # the page takes all the rest
        self.setCentralWidget(splitter)

        self.database_label = QLabel("データベース未接続")
        self.database_label.setObjectName("database_label")
        self.statusBar().addPermanentWidget(self.database_label)
        self._build_menus()
        install_home(self)
        self.navigation.setCurrentRow(0)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        self.load_demo_action = QAction("デモデータを読み込む(&D)…", self)
        self.load_demo_action.setEnabled(False)  # until a database is open
        self.load_demo_action.triggered.connect(self.load_demo_data)
        file_menu.addAction(self.load_demo_action)
        file_menu.addSeparator()
        self.package_actions = add_package_actions(self, file_menu, self.runner)
        file_menu.addSeparator()
        quit_action = QAction("終了(&Q)", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu
        for row, page in enumerate(self.page_widgets):
            action = QAction(page.title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _checked=False, r=row: self.navigation.setCurrentRow(r))
            self.addAction(action)
        self.search_action = install_search(self)

    def fit_navigation(self) -> None:
        """The navigation keeps room for its widest entry (icon, title and count): pages share what is left."""
        frame = 2 * self.navigation.frameWidth()
        self.navigation.setMinimumWidth(self.navigation.sizeHintForColumn(0) + frame + 8)

    def page(self, page_class: type[PageT]) -> PageT:
        return next(p for p in self.page_widgets if isinstance(p, page_class))

    def show_database(self, path: Path, mode: str) -> None:
        mode_text = "キーリング鍵" if mode == "keyring" else "パスフレーズ"
        self.database_label.setText(f"暗号化済み(SQLCipher・{mode_text}): {path}")

    def database_opened(self) -> None:
        self.load_demo_action.setEnabled(True)
        for action in self.package_actions:
            action.setEnabled(True)
        for page in self.page_widgets:
            page.refresh()

    def offer_demo_data(self) -> QMessageBox:
        """Ask (without blocking) whether to fill a brand-new database with the demo data."""
        box = QMessageBox(QMessageBox.Icon.Question, "デモデータ",
                          "新しいデータベースを作成しました。\n審議会資料の機関・事務一覧とサンプル機関のデモデータを"
                          "読み込みますか?(後からでも「ファイル」メニューから読み込めます)",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("demo_offer")
        box.button(QMessageBox.StandardButton.Yes).setText("読み込む")
        box.button(QMessageBox.StandardButton.No).setText("読み込まない")
        box.accepted.connect(self.load_demo_data)
        box.finished.connect(box.deleteLater)
        box.open()
        return box

    def load_demo_data(self) -> None:
        # Imported here: the demo steps pull in every area (reports, spreadsheets) and would slow start-up.
        from ..services import demo

        self.runner.submit(demo.load_demo, self._demo_loaded, label="デモデータを読み込んでいます")

    def _demo_loaded(self, _result: object) -> None:
        self.statusBar().showMessage("デモデータを読み込みました。", 10000)
        self.database_opened()

    def _show_page(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        if 0 <= row < len(self.page_widgets):
            self.page_widgets[row].refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        viewing.remove_copies()
        self.runner.close()
        super().closeEvent(event)
