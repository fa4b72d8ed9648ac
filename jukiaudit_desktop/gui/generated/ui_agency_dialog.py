# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'agency_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QLabel,
    QLineEdit, QSizePolicy, QVBoxLayout, QWidget)
class Ui_agency_dialog(object):
    def setupUi(self, agency_dialog):
        if not agency_dialog.objectName():
            agency_dialog.setObjectName(u"agency_dialog")
        agency_dialog.setMinimumSize(QSize(460, 0))
        self.dialog_layout = QVBoxLayout(agency_dialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.code_label = QLabel(agency_dialog)
        self.code_label.setObjectName(u"code_label")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.code_label)

        self.code = QLineEdit(agency_dialog)
        self.code.setObjectName(u"code")

        self.form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.code)

        self.name_label = QLabel(agency_dialog)
        self.name_label.setObjectName(u"name_label")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.name_label)

        self.name = QLineEdit(agency_dialog)
        self.name.setObjectName(u"name")

        self.form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.name)

        self.kind_label = QLabel(agency_dialog)
        self.kind_label.setObjectName(u"kind_label")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.kind_label)

        self.kind = QComboBox(agency_dialog)
        self.kind.setObjectName(u"kind")

        self.form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.kind)

        self.parent_name_label = QLabel(agency_dialog)
        self.parent_name_label.setObjectName(u"parent_name_label")

        self.form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.parent_name_label)

        self.parent_name = QLineEdit(agency_dialog)
        self.parent_name.setObjectName(u"parent_name")

        self.form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.parent_name)

        self.first_use_year_label = QLabel(agency_dialog)
        self.first_use_year_label.setObjectName(u"first_use_year_label")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.first_use_year_label)

        self.first_use_year = QLineEdit(agency_dialog)
        self.first_use_year.setObjectName(u"first_use_year")

        self.form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.first_use_year)

        self.active = QCheckBox(agency_dialog)
        self.active.setObjectName(u"active")
        self.active.setChecked(True)

        self.form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.active)


        self.dialog_layout.addLayout(self.form)

        self.error_label = QLabel(agency_dialog)
        self.error_label.setObjectName(u"error_label")
        self.error_label.setStyleSheet(u"color: #b00020;")
        self.error_label.setWordWrap(True)

        self.dialog_layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(agency_dialog)
        self.buttons.setObjectName(u"buttons")
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.dialog_layout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.code_label.setBuddy(self.code)
        self.name_label.setBuddy(self.name)
        self.kind_label.setBuddy(self.kind)
        self.parent_name_label.setBuddy(self.parent_name)
        self.first_use_year_label.setBuddy(self.first_use_year)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(agency_dialog)
        self.buttons.accepted.connect(agency_dialog.accept)
        self.buttons.rejected.connect(agency_dialog.reject)

        QMetaObject.connectSlotsByName(agency_dialog)
    # setupUi

    def retranslateUi(self, agency_dialog):
        agency_dialog.setWindowTitle(QCoreApplication.translate("agency_dialog", u"\u6a5f\u95a2\u306e\u8ffd\u52a0", None))
        self.code_label.setText(QCoreApplication.translate("agency_dialog", u"\u6a5f\u95a2\u30b3\u30fc\u30c9", None))
        self.name_label.setText(QCoreApplication.translate("agency_dialog", u"\u6a5f\u95a2\u540d", None))
        self.kind_label.setText(QCoreApplication.translate("agency_dialog", u"\u7a2e\u5225", None))
        self.parent_name_label.setText(QCoreApplication.translate("agency_dialog", u"\u6240\u5c5e(\u90e8\u5c40\u30fb\u57f7\u884c\u6a5f\u95a2)", None))
        self.first_use_year_label.setText(QCoreApplication.translate("agency_dialog", u"\u5229\u7528\u958b\u59cb\u5e74\u5ea6", None))
        self.first_use_year.setPlaceholderText(QCoreApplication.translate("agency_dialog", u"\u4f8b: \u4ee4\u548c8\u3001R8\u30012026(\u7a7a\u6b04\u306f\u4e0d\u660e)", None))
        self.active.setText(QCoreApplication.translate("agency_dialog", u"\u5229\u7528\u4e2d", None))
    # retranslateUi

