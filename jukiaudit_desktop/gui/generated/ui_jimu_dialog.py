# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'jimu_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget)
class Ui_jimu_dialog(object):
    def setupUi(self, jimu_dialog):
        if not jimu_dialog.objectName():
            jimu_dialog.setObjectName(u"jimu_dialog")
        jimu_dialog.setMinimumSize(QSize(460, 0))
        self.dialog_layout = QVBoxLayout(jimu_dialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.code_label = QLabel(jimu_dialog)
        self.code_label.setObjectName(u"code_label")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.code_label)

        self.code = QLineEdit(jimu_dialog)
        self.code.setObjectName(u"code")

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.code)

        self.name_label = QLabel(jimu_dialog)
        self.name_label.setObjectName(u"name_label")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.name_label)

        self.name = QLineEdit(jimu_dialog)
        self.name.setObjectName(u"name")

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.name)

        self.division_label = QLabel(jimu_dialog)
        self.division_label.setObjectName(u"division_label")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.division_label)

        self.division = QLineEdit(jimu_dialog)
        self.division.setObjectName(u"division")

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.division)

        self.summary_label = QLabel(jimu_dialog)
        self.summary_label.setObjectName(u"summary_label")

        self.form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.summary_label)

        self.summary = QLineEdit(jimu_dialog)
        self.summary.setObjectName(u"summary")

        self.form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.summary)

        self.history_label = QLabel(jimu_dialog)
        self.history_label.setObjectName(u"history_label")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.history_label)

        self.history = QLabel(jimu_dialog)
        self.history.setObjectName(u"history")
        self.history.setWordWrap(True)

        self.form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.history)

        self.new_code_label = QLabel(jimu_dialog)
        self.new_code_label.setObjectName(u"new_code_label")

        self.form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.new_code_label)

        self.new_code = QLineEdit(jimu_dialog)
        self.new_code.setObjectName(u"new_code")

        self.form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.new_code)

        self.valid_from_label = QLabel(jimu_dialog)
        self.valid_from_label.setObjectName(u"valid_from_label")

        self.form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.valid_from_label)

        self.valid_from = QLineEdit(jimu_dialog)
        self.valid_from.setObjectName(u"valid_from")

        self.form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.valid_from)

        self.agency_list_label = QLabel(jimu_dialog)
        self.agency_list_label.setObjectName(u"agency_list_label")

        self.form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.agency_list_label)

        self.agency_list = QListWidget(jimu_dialog)
        self.agency_list.setObjectName(u"agency_list")

        self.form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.agency_list)


        self.dialog_layout.addLayout(self.form)

        self.error_label = QLabel(jimu_dialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setStyleSheet(u"color: #b00020;")
        self.error_label.setWordWrap(True)

        self.dialog_layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(jimu_dialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.dialog_layout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.code_label.setBuddy(self.code)
        self.name_label.setBuddy(self.name)
        self.division_label.setBuddy(self.division)
        self.summary_label.setBuddy(self.summary)
        self.history_label.setBuddy(self.history)
        self.new_code_label.setBuddy(self.new_code)
        self.valid_from_label.setBuddy(self.valid_from)
        self.agency_list_label.setBuddy(self.agency_list)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(jimu_dialog)
        self.buttons.accepted.connect(jimu_dialog.accept)
        self.buttons.rejected.connect(jimu_dialog.reject)

        QMetaObject.connectSlotsByName(jimu_dialog)
    # setupUi

    def retranslateUi(self, jimu_dialog):
        jimu_dialog.setWindowTitle(QCoreApplication.translate("jimu_dialog", u"\u4e8b\u52d9\u306e\u8ffd\u52a0", None))
        self.code_label.setText(QCoreApplication.translate("jimu_dialog", u"\u4e8b\u52d9\u30b3\u30fc\u30c9(\u5225\u88685-10 \u306a\u3069)", None))
        self.name_label.setText(QCoreApplication.translate("jimu_dialog", u"\u4e8b\u52d9\u540d", None))
        self.division_label.setText(QCoreApplication.translate("jimu_dialog", u"\u62c5\u5f53\u8ab2", None))
        self.summary_label.setText(QCoreApplication.translate("jimu_dialog", u"\u5229\u7528\u4e8b\u52d9\u306e\u6982\u8981", None))
        self.history_label.setText(QCoreApplication.translate("jimu_dialog", u"\u6839\u62e0\u306e\u5c65\u6b74", None))
        self.new_code_label.setText(QCoreApplication.translate("jimu_dialog", u"\u65b0\u3057\u3044\u6839\u62e0\u306e\u30b3\u30fc\u30c9", None))
        self.new_code.setPlaceholderText(QCoreApplication.translate("jimu_dialog", u"\u6839\u62e0\u3092\u5909\u3048\u308b\u3068\u304d\u3060\u3051(\u4f8b \u5225\u88686-4)", None))
        self.valid_from_label.setText(QCoreApplication.translate("jimu_dialog", u"\u6709\u52b9\u671f\u9593\u306e\u958b\u59cb\u65e5", None))
        self.valid_from.setPlaceholderText(QCoreApplication.translate("jimu_dialog", u"\u7a7a\u6b04: \u4ee5\u524d\u304b\u3089 / \u4f8b \u4ee4\u548c8\u5e744\u67081\u65e5, 2026-04-01", None))
        self.agency_list_label.setText(QCoreApplication.translate("jimu_dialog", u"\u5229\u7528\u3067\u304d\u308b\u6a5f\u95a2", None))
    # retranslateUi

