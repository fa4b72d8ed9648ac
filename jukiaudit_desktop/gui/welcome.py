"""The first start: a welcome page that says where the encrypted database will be, where its key lives and
what a lost passphrase means, offers the demo data, and sets the passphrase when one is used."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME


@dataclass(frozen=True)
class FirstRunChoice:
    passphrase: str | None  # None: the key is kept in the OS keyring
    load_demo: bool


def explanation(db_path: Path, keyring_problem: str | None) -> str:
    """The page's text in plain Japanese (rich text)."""
    keyring_line = ("このパソコンでは OS のキーリング(Windows の資格情報マネージャー、macOS のキーチェーン等)に"
                    "鍵を保管でき、起動のたびに入力する必要はありません。"
                    if keyring_problem is None else
                    f"このパソコンでは安全なキーリングが使えません({escape(keyring_problem)})。"
                    "パスフレーズから鍵を作ります。起動のたびにパスフレーズを入力します。")
    return (
        f"<h2>{APP_NAME} へようこそ</h2>"
        "<p>監査の記録はすべて、暗号化されたデータベース 1 つに保存します。ネットワークには一切接続しません。</p>"
        f"<p><b>データベースの場所:</b><br><code>{escape(str(db_path))}</code></p>"
        f"<p><b>鍵の保管場所:</b><br>{keyring_line}</p>"
        "<p><b>パスフレーズを忘れたら:</b><br>パスフレーズ方式では、パスフレーズを忘れるとデータベースも"
        "そのバックアップも二度と開けません(開発者にも復元できません)。紙に書いて鍵のかかる場所に保管してください。"
        "キーリング方式でも、別のパソコンへ移すときや OS を入れ直したときに備えて、定期的にバックアップを取ってください"
        "(設定 → バックアップ)。</p>"
    )


class WelcomeDialog(QDialog):
    """Shown once, when no database exists yet. `choice()` tells what the user chose after `accepted`."""

    def __init__(self, db_path: Path, keyring_problem: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome_dialog")
        self.setWindowTitle(f"{APP_NAME} — はじめに")
        self.setMinimumWidth(620)
        text = QLabel(explanation(db_path, keyring_problem))
        text.setObjectName("welcome_text")
        text.setWordWrap(True)

        self.keyring_mode = QRadioButton("OS のキーリングに鍵を保管する(推奨)")
        self.keyring_mode.setObjectName("keyring_mode")
        self.passphrase_mode = QRadioButton("パスフレーズで暗号化する")
        self.passphrase_mode.setObjectName("passphrase_mode")
        modes = QButtonGroup(self)
        modes.addButton(self.keyring_mode)
        modes.addButton(self.passphrase_mode)
        self.keyring_mode.setEnabled(keyring_problem is None)
        (self.keyring_mode if keyring_problem is None else self.passphrase_mode).setChecked(True)

        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("new_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("12文字以上を推奨")
        self.again = QLineEdit()
        self.again.setObjectName("new_passphrase_again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("パスフレーズ(&P):", self.passphrase)
        form.addRow("確認のためもう一度(&A):", self.again)

        self.demo = QCheckBox("デモデータを読み込む(審議会資料の機関・事務、令和7年度の監査の例、サンプルの操作ログ)")
        self.demo.setObjectName("load_demo")
        self.error = QLabel()
        self.error.setObjectName("welcome_error")
        self.error.setStyleSheet("color: #b00020")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("データベースを作成(&C)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)

        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.keyring_mode)
        layout.addWidget(self.passphrase_mode)
        layout.addLayout(form)
        layout.addWidget(self.demo)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.passphrase_mode.toggled.connect(self._mode_changed)
        self._mode_changed(self.passphrase_mode.isChecked())

    def _mode_changed(self, passphrase_mode: bool) -> None:
        self.passphrase.setEnabled(passphrase_mode)
        self.again.setEnabled(passphrase_mode)
        self.error.clear()

    def problem(self) -> str | None:
        """Why the choice cannot be used yet (Japanese), or None."""
        if not self.passphrase_mode.isChecked():
            return None
        if not self.passphrase.text():
            return "パスフレーズを入力してください。"
        if self.passphrase.text() != self.again.text():
            return "2回の入力が一致しません。もう一度入力してください。"
        return None

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        super().accept()

    def choice(self) -> FirstRunChoice:
        passphrase = self.passphrase.text() if self.passphrase_mode.isChecked() else None
        return FirstRunChoice(passphrase, self.demo.isChecked())
