"""The findings sheet preview: the PDF shown in the app (QPdfView), printed through the system print dialog,
saved, or signed with the inspector's own key and saved. Printing or saving issues the sheet; doing it again is a
reprint of the same document (same number and hash), recorded as such in the trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import CancelledError
from ..core.progress import Progress
from ..reports.findings_sheet import Issue
from ..reports.pdf_signing import SignatureCheck
from ..services import reports, signing
from ..services.database_access import Database
from . import file_dialogs, printing_os
from .errors import show_error
from .printing import print_pdf, save_pdf
from .tasks import DbRunner

LOAD_AFTER_MS = 30  # lets the event loop draw the new dialog (and run what waits) before the document loads


class SheetPreviewDialog(QDialog):
    """Shows one audit's sheet; 印刷 / PDF保存 issue it (or reprint it) through the runner."""

    def __init__(self, runner: DbRunner, audit_id: int, pdf: bytes, issue: Issue,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.audit_id = audit_id
        self.setObjectName("sheet_preview")
        self.setWindowTitle("指摘事項票のプレビュー")
        self.resize(820, 960)
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # The scroll bar is there from the start: appearing when the pages load, it would narrow the view and
        # make QPdfView lay out (and fit to width) every page a second time.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.setDocument(self.document)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox()
        buttons.addButton(QPushButton("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button = QPushButton("印刷(&P)…")
        self.print_button.setObjectName("print_button")
        # Ctrl+P as a shortcut of its own: setShortcut() would replace the Alt+P mnemonic of 印刷(&P)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_button.click)
        self.os_print_button = QPushButton("OS の印刷に渡す(&O)")
        self.os_print_button.setObjectName("os_print_button")
        self.os_print_button.setToolTip("発行した PDF をそのまま OS の印刷に渡し、既定のプリンターで印刷します"
                                        "(Windows: 既定の PDF アプリ、Linux・macOS: lp)。")
        self.save_button = QPushButton("PDF として保存(&S)…")
        self.save_button.setObjectName("save_button")
        self.sign_button = QPushButton("電子署名して保存(&G)…")
        self.sign_button.setObjectName("sign_button")
        self.sign_button.setToolTip("監査人自身の署名鍵(.p12)で PDF に電子署名します。紙への署名・押印の代わりにはなりません。")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.os_print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_sheet)
        self.os_print_button.clicked.connect(self.print_by_os)
        self.save_button.clicked.connect(self.save_sheet)
        self.sign_button.clicked.connect(self.sign_sheet)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self._pdf = b""
        self._pending: bytes | None = None  # shown next, once the dialog has drawn itself
        self.show_pdf(pdf, issue)

    @property
    def pdf(self) -> bytes:
        return self._pdf

    def show_pdf(self, pdf: bytes, issue: Issue) -> None:
        """Show `pdf` (loaded again only when it differs). The document is loaded a moment after the dialog is
        shown, once it has drawn itself: building and showing the dialog, loading the document (QPdfView lays out
        every page then) and the view's first paint are three short stops of the GUI thread instead of one long
        one. The pages themselves are rendered by QPdfView's own render thread and appear as they come."""
        if pdf != self._pdf:
            self._pdf = self._pending = pdf
            self.document.close()
            if self.isVisible():
                QTimer.singleShot(LOAD_AFTER_MS, self, self._load_pending)
        self.issue = issue
        if issue.draft:
            self.status_label.setText("下書き(未評価の項目があるか、まだ実施していない監査のため番号なし。"
                                      "印刷・保存で発行するときは確認します)")
            return
        state = "発行済み(印刷・保存は再発行として記録されます)" if issue.reprint else "未発行(印刷・保存で発行されます)"
        self.status_label.setText(f"文書番号 {issue.doc_number}  {state}\nSHA-256 {issue.content_sha256}")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._pending is not None:
            QTimer.singleShot(LOAD_AFTER_MS, self, self._load_pending)

    def _load_pending(self) -> None:
        pdf, self._pending = self._pending, None
        if pdf is None:  # loaded by an earlier timer
            return
        self._buffer.close()
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def ask_printer(self) -> QPrinter | None:
        """The system print dialog; None when the user cancels."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("指摘事項票の印刷")
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_save_path(self) -> Path | None:
        name = file_dialogs.save_file(self, "pdfs", "指摘事項票を保存", f"{self.issue.doc_number}.pdf", "PDF (*.pdf)")
        return Path(name) if name else None

    def ask_signing(self) -> tuple[Path, str, Path] | None:
        """The key file, its passphrase and where to save the signed PDF; None when the user cancels."""
        key = file_dialogs.open_file(self, "keys", "署名鍵を選ぶ", "署名鍵 (*.p12 *.pfx)")
        if not key:
            return None
        passphrase, ok = QInputDialog.getText(self, "署名鍵のパスフレーズ", "署名鍵のパスフレーズ:",
                                              QLineEdit.EchoMode.Password)
        if not ok:
            return None
        target = file_dialogs.save_file(self, "pdfs", "署名した指摘事項票を保存",
                                         f"{self.issue.doc_number}-signed.pdf", "PDF (*.pdf)")
        return (Path(key), passphrase, Path(target)) if target else None

    def confirm_incomplete(self) -> bool:
        """Ask before issuing an audit that is not ready (unscored items, not yet conducted)."""
        answer = QMessageBox.question(
            self, "発行の確認", "この監査には未評価の項目があるか、まだ実施されていません。\n"
            "このまま文書番号を付けて発行しますか?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _may_issue(self) -> bool | None:
        """None: the user declined; else whether issuing an unfinished audit was confirmed."""
        if not self.issue.draft:
            return False
        return True if self.confirm_incomplete() else None

    def sign_sheet(self) -> None:
        allow = self._may_issue()
        if allow is None:
            return
        answers = self.ask_signing()
        if answers is None:
            return
        key, passphrase, target = answers

        def signed(result: tuple[SignatureCheck, bytes, Issue]) -> None:
            check, pdf, issue = result
            self.show_pdf(pdf, issue)
            self.status_label.setText(f"{self.status_label.text()}\n電子署名して保存しました: {target}({check.message})")

        def work(db: Database, _progress: Progress) -> tuple[SignatureCheck, bytes, Issue]:
            check = signing.sign_findings_sheet(db, self.audit_id, target, key, passphrase, allow_incomplete=allow)
            return (check, *reports.preview_findings_sheet(db, self.audit_id))

        self.runner.submit(work, signed, label="電子署名しています")

    def _issue(self, then: Callable[[bytes, Issue], None]) -> None:
        """Issue (or reprint) on the worker, then continue with `then(pdf, issue)` on the GUI thread."""
        allow = self._may_issue()
        if allow is None:
            return
        self.runner.submit(lambda db, _p: reports.findings_sheet_pdf(db, self.audit_id, allow_incomplete=allow),
                           lambda result: self._issued(result, then), label="指摘事項票を発行しています")

    def _issued(self, result: tuple[bytes, Issue], then: Callable[[bytes, Issue], None]) -> None:
        pdf, issue = result
        changed = pdf != self._pdf and not self.issue.draft  # a draft always changes: it gets its number
        self.show_pdf(pdf, issue)
        if changed:
            QMessageBox.information(self, "内容が更新されました",
                                    "プレビューの後に監査の内容が変わったため、最新の内容で発行しました。"
                                    "表示を更新しました。")
        then(pdf, issue)

    def print_sheet(self) -> None:
        printer = self.ask_printer()
        if printer is None:
            return
        self._issue(lambda pdf, issue: self._print_issued(printer, pdf, issue))

    def _print_issued(self, printer: QPrinter, pdf: bytes, issue: Issue) -> None:
        """Print on the worker (progress and 取り消し after 600 ms); the window stays responsive."""
        what = "再印刷" if issue.reprint else "印刷"
        self.printer = printer  # kept alive while the worker prints on it
        self.runner.submit(lambda _db, progress: print_pdf(pdf, printer, progress),
                           lambda pages: self.status_label.setText(
                               f"{self.status_label.text()}\n{what}しました({pages} ページ)。"),
                           self._print_failed, label=f"指摘事項票を{what}しています")

    def _print_failed(self, exc: BaseException) -> None:
        if isinstance(exc, CancelledError):
            self.status_label.setText(f"{self.status_label.text()}\n印刷を取り消しました(発行の記録は残ります)。")
        else:
            show_error(self, exc)

    def print_by_os(self) -> None:
        """Issue (or reprint), then hand the issued file itself to the OS printing on the worker."""
        self._issue(self._hand_to_os)

    def _hand_to_os(self, pdf: bytes, issue: Issue) -> None:
        what = "再印刷" if issue.reprint else "印刷"
        name, title = f"{issue.doc_number}.pdf", f"指摘事項票 {issue.doc_number}"
        self.runner.submit(lambda _db, _progress: printing_os.hand_over(pdf, name, title),
                           lambda said: self.status_label.setText(f"{self.status_label.text()}\n{what}: {said}"),
                           self._print_failed, label="OS の印刷に渡しています")

    def save_sheet(self) -> None:
        path = self.ask_save_path()
        if path is None:
            return
        self._issue(lambda pdf, issue: self._save_issued(path, pdf, issue))

    def _save_issued(self, path: Path, pdf: bytes, _issue: Issue) -> None:
        self.runner.submit(lambda _db, _progress: save_pdf(pdf, path),
                           lambda _none: self.status_label.setText(f"{self.status_label.text()}\n保存しました: {path}"),
                           label="指摘事項票を保存しています")


_open_previews: set[SheetPreviewDialog] = set()  # keeps parentless previews alive while they are shown


def open_sheet_preview(runner: DbRunner, audit_id: int, parent: QWidget | None = None) -> None:
    """Render the audit's sheet on the worker and open the preview when it is ready (「指摘事項票を印刷」)."""

    def opened(result: tuple[bytes, Issue]) -> None:
        dialog = SheetPreviewDialog(runner, audit_id, *result, parent=parent)
        _open_previews.add(dialog)
        dialog.finished.connect(lambda _code: _open_previews.discard(dialog))
        QTimer.singleShot(0, dialog, dialog.open)  # built in this turn of the event loop, shown in the next

    runner.submit(lambda db, _p: reports.preview_findings_sheet(db, audit_id), opened,
                  label="指摘事項票を作成しています")
