"""The right-hand panel of the on-site session: one checklist item, its two scores side by side, and the note."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.audit import NOT_APPLICABLE, NOT_APPLICABLE_LABEL, ItemScore
from ..services.audits import score_label
from .audit_models import DIFFERENCE_COLOUR, LOW_SCORE_COLOUR, scores_differ

SCORE_CHOICES: list[tuple[int, str]] = [(3, "3"), (2, "2"), (1, "1"), (NOT_APPLICABLE, NOT_APPLICABLE_LABEL)]
SCORE_KEYS = {3: "3", 2: "2", 1: "1", NOT_APPLICABLE: "0 / N"}
NO_SCORE = -1  # the button group's id for "not scored"


def _wrapped(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ItemDetailPanel(QWidget):
    """Shows one item. Emits the user's changes; the session view saves them."""

    verified_chosen = Signal(object)  # int | None
    self_score_chosen = Signal(object)  # int | None
    note_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False
        self.heading = QLabel()
        self.heading.setObjectName("item_heading")
        self.heading.setStyleSheet("font-weight: bold; color: #37474f;")
        self.question = _wrapped("item_question")
        self.question.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.viewpoint = _wrapped("item_viewpoint")
        self.method = _wrapped("item_method")
        self.expected_evidence = _wrapped("item_expected_evidence")
        self.criteria = _wrapped("item_criteria")
        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts.addRow("着眼点", self.viewpoint)
        facts.addRow("確認方法", self.method)
        facts.addRow("確認資料", self.expected_evidence)
        facts.addRow("根拠", self.criteria)

        self.self_combo = QComboBox()
        self.self_combo.setObjectName("self_score_combo")
        self.self_combo.addItem("未回答", None)
        for value, text in SCORE_CHOICES:
            self.self_combo.addItem(text, value)
        self.self_combo.activated.connect(lambda _i: self._emit_self())
        self.self_comment = _wrapped("self_comment_label")
        self.self_comment.setStyleSheet("color: #555;")

        self.verified_group = QButtonGroup(self)
        self.verified_group.setExclusive(False)
        buttons = QHBoxLayout()
        self.verified_buttons: dict[int, QPushButton] = {}
        for value, text in SCORE_CHOICES:
            button = QPushButton(f"{text}  [{SCORE_KEYS[value]}]")
            button.setObjectName(f"verified_button_{value}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(34)
            button.setStyleSheet("QPushButton:checked { background: #1565c0; color: white; font-weight: bold; }")
            self.verified_group.addButton(button, value)
            self.verified_buttons[value] = button
            buttons.addWidget(button)
        self.verified_group.idClicked.connect(self._emit_verified)
        self.difference = QLabel()
        self.difference.setObjectName("difference_label")
        self.previous = _wrapped("previous_label")
        self.previous.setStyleSheet("color: #455a64;")

        scores = QGroupBox("点数(自己点検と監査人の確認)")
        grid = QGridLayout(scores)
        grid.addWidget(QLabel("自己点検"), 0, 0)
        grid.addWidget(self.self_combo, 0, 1)
        grid.addWidget(self.self_comment, 0, 2)
        grid.addWidget(QLabel("確認結果"), 1, 0)
        grid.addLayout(buttons, 1, 1, 1, 2)
        grid.addWidget(self.difference, 2, 0, 1, 3)
        grid.addWidget(self.previous, 3, 0, 1, 3)
        grid.setColumnStretch(2, 1)

        self.note = QPlainTextEdit()
        self.note.setObjectName("note_edit")
        self.note.setPlaceholderText("所見・確認した内容(入力と同時に保存されます。F2 で入力、Esc で項目一覧へ)")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(70)
        self.note.textChanged.connect(self._emit_note)
        self.save_state = QLabel()
        self.save_state.setObjectName("save_state_label")
        self.save_state.setStyleSheet("color: #2e7d32;")
        note_box = QGroupBox("所見")
        note_layout = QVBoxLayout(note_box)
        note_layout.addWidget(self.note)
        note_layout.addWidget(self.save_state)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.question)
        layout.addLayout(facts)
        layout.addWidget(line)
        layout.addWidget(scores)
        layout.addWidget(note_box, 1)

    def show_item(self, row: ItemScore, *, with_previous: bool, has_finding: bool = False) -> None:
        self._showing = True
        item = row.item
        self.heading.setText(f"{item.code}  {item.category}")
        self.question.setText(item.question)
        self.viewpoint.setText(item.viewpoint or "—")
        self.method.setText(item.method or "—")
        self.expected_evidence.setText(item.evidence or "—")
        self.criteria.setText(item.criteria or "—")
        self.show_scores(row, with_previous=with_previous, has_finding=has_finding)
        if self.note.toPlainText() != row.note:
            self.note.setPlainText(row.note)
        self._showing = False

    def show_scores(self, row: ItemScore, *, with_previous: bool, has_finding: bool = False) -> None:
        """The scores of `row`; a 1 asks for a finding until one exists for the item."""
        self.self_combo.setCurrentIndex(self.self_combo.findData(row.self_score) if row.self_score is not None else 0)
        self.self_comment.setText(f"機関の記述: {row.self_comment}" if row.self_comment else "")
        for value, button in self.verified_buttons.items():
            button.setChecked(row.verified == value)
        if scores_differ(row):
            self.difference.setText(f"自己点検 {score_label(row.self_score)} と確認結果 {score_label(row.verified)} "
                                    "が異なります")
            self.difference.setStyleSheet(f"background: {DIFFERENCE_COLOUR.name()}; padding: 3px;")
        elif row.verified == 1 and not has_finding:
            self.difference.setText("確認結果 1 点: 指摘事項の起票を検討してください(Ctrl+I)")
            self.difference.setStyleSheet(f"background: {LOW_SCORE_COLOUR.name()}; padding: 3px;")
        else:
            self.difference.setText("")
            self.difference.setStyleSheet("")
        if with_previous:
            note = f" 所見: {row.previous_note}" if row.previous_note else ""
            self.previous.setText(f"前回: 自己 {score_label(row.previous_self) or '—'} / "
                                  f"確認 {score_label(row.previous_verified) or '—'}{note}")
        else:
            self.previous.setText("")

    def set_editable(self, editable: bool) -> None:
        self.self_combo.setEnabled(editable)
        for button in self.verified_buttons.values():
            button.setEnabled(editable)
        self.note.setReadOnly(not editable)

    def _emit_self(self) -> None:
        self.self_score_chosen.emit(self.self_combo.currentData())

    def _emit_verified(self, value: int) -> None:
        # clicking the checked button again clears the score
        self.verified_chosen.emit(value if self.verified_buttons[value].isChecked() else None)

    def _emit_note(self) -> None:
        if not self._showing:
            self.note_edited.emit(self.note.toPlainText())
