# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'operator_dialog.ui'
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
class Ui_operator_dialog(object):
    def setupUi(self, operator_dialog):
        if not operator_dialog.objectName():
            operator_dialog.setObjectName(u"operator_dialog")
        operator_dialog.setMinimumSize(QSize(460, 0))
        self.dialog_layout = QVBoxLayout(operator_dialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.agency_label = QLabel(operator_dialog)
        self.agency_label.setObjectName(u"agency_label")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.agency_label)

        self.agency = QComboBox(operator_dialog)
        self.agency.setObjectName(u"agency")

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.agency)

        self.code_label = QLabel(operator_dialog)
        self.code_label.setObjectName(u"code_label")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.code_label)

        self.code = QLineEdit(operator_dialog)
        self.code.setObjectName(u"code")

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.code)

        self.name_label = QLabel(operator_dialog)
        self.name_label.setObjectName(u"name_label")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.name_label)

        self.name = QLineEdit(operator_dialog)
        self.name.setObjectName(u"name")

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.name)

        self.registered_on_label = QLabel(operator_dialog)
        self.registered_on_label.setObjectName(u"registered_on_label")

        self.form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.registered_on_label)

        self.registered_on = QLineEdit(operator_dialog)
        self.registered_on.setObjectName(u"registered_on")

        self.form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.registered_on)

        self.revoked_on_label = QLabel(operator_dialog)
        self.revoked_on_label.setObjectName(u"revoked_on_label")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.revoked_on_label)

        self.revoked_on = QLineEdit(operator_dialog)
        self.revoked_on.setObjectName(u"revoked_on")

        self.form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.revoked_on)


        self.dialog_layout.addLayout(self.form)

        self.error_label = QLabel(operator_dialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setStyleSheet(u"color: #b00020;")
        self.error_label.setWordWrap(True)

        self.dialog_layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(operator_dialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.dialog_layout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.agency_label.setBuddy(self.agency)
        self.code_label.setBuddy(self.code)
        self.name_label.setBuddy(self.name)
        self.registered_on_label.setBuddy(self.registered_on)
        self.revoked_on_label.setBuddy(self.revoked_on)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(operator_dialog)
        self.buttons.accepted.connect(operator_dialog.accept)
        self.buttons.rejected.connect(operator_dialog.reject)

        QMetaObject.connectSlotsByName(operator_dialog)
    # setupUi

    def retranslateUi(self, operator_dialog):
        operator_dialog.setWindowTitle(QCoreApplication.translate("operator_dialog", u"\u64cd\u4f5c\u8005\u306e\u8ffd\u52a0", None))
        self.agency_label.setText(QCoreApplication.translate("operator_dialog", u"\u6a5f\u95a2", None))
        self.code_label.setText(QCoreApplication.translate("operator_dialog", u"\u64cd\u4f5c\u8005ID", None))
        self.name_label.setText(QCoreApplication.translate("operator_dialog", u"\u6c0f\u540d", None))
        self.registered_on_label.setText(QCoreApplication.translate("operator_dialog", u"\u767b\u9332\u65e5", None))
        self.registered_on.setPlaceholderText(QCoreApplication.translate("operator_dialog", u"\u4f8b \u4ee4\u548c7\u5e744\u67081\u65e5, R7.4.1, 2025-04-01", None))
        self.revoked_on_label.setText(QCoreApplication.translate("operator_dialog", u"\u5931\u52b9\u65e5(\u3053\u306e\u65e5\u304b\u3089\u4f7f\u7528\u4e0d\u53ef)", None))
        self.revoked_on.setPlaceholderText(QCoreApplication.translate("operator_dialog", u"\u4f8b \u4ee4\u548c7\u5e744\u67081\u65e5, R7.4.1, 2025-04-01", None))
    # retranslateUi

