# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'terminal_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QVBoxLayout, QWidget)
class Ui_terminal_dialog(object):
    def setupUi(self, terminal_dialog):
        if not terminal_dialog.objectName():
            terminal_dialog.setObjectName(u"terminal_dialog")
        terminal_dialog.setMinimumSize(QSize(460, 0))
        self.dialog_layout = QVBoxLayout(terminal_dialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.agency_label = QLabel(terminal_dialog)
        self.agency_label.setObjectName(u"agency_label")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.agency_label)

        self.agency = QComboBox(terminal_dialog)
        self.agency.setObjectName(u"agency")

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.agency)

        self.code_label = QLabel(terminal_dialog)
        self.code_label.setObjectName(u"code_label")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.code_label)

        self.code = QLineEdit(terminal_dialog)
        self.code.setObjectName(u"code")

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.code)

        self.location_label = QLabel(terminal_dialog)
        self.location_label.setObjectName(u"location_label")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.location_label)

        self.location = QLineEdit(terminal_dialog)
        self.location.setObjectName(u"location")

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.location)


        self.dialog_layout.addLayout(self.form)

        self.error_label = QLabel(terminal_dialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setStyleSheet(u"color: #b00020;")
        self.error_label.setWordWrap(True)

        self.dialog_layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(terminal_dialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.dialog_layout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.agency_label.setBuddy(self.agency)
        self.code_label.setBuddy(self.code)
        self.location_label.setBuddy(self.location)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(terminal_dialog)
        self.buttons.accepted.connect(terminal_dialog.accept)
        self.buttons.rejected.connect(terminal_dialog.reject)

        QMetaObject.connectSlotsByName(terminal_dialog)
    # setupUi

    def retranslateUi(self, terminal_dialog):
        terminal_dialog.setWindowTitle(QCoreApplication.translate("terminal_dialog", u"\u7aef\u672b\u306e\u8ffd\u52a0", None))
        self.agency_label.setText(QCoreApplication.translate("terminal_dialog", u"\u6a5f\u95a2", None))
        self.code_label.setText(QCoreApplication.translate("terminal_dialog", u"\u7aef\u672bID", None))
        self.location_label.setText(QCoreApplication.translate("terminal_dialog", u"\u8a2d\u7f6e\u5834\u6240", None))
    # retranslateUi

