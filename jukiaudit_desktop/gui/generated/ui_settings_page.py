# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings_page.ui'
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
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFormLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QSizePolicy, QSpacerItem, QSpinBox,
    QTabWidget, QTableView, QVBoxLayout, QWidget)

class Ui_settings_page(object):
    def setupUi(self, settings_page):
        if not settings_page.objectName():
            settings_page.setObjectName(u"settings_page")
        self.page_layout = QVBoxLayout(settings_page)
        self.page_layout.setObjectName(u"page_layout")
        self.settings_tabs = QTabWidget(settings_page)
        self.settings_tabs.setObjectName(u"settings_tabs")
        self.general_tab = QWidget()
        self.general_tab.setObjectName(u"general_tab")
        self.general_layout = QVBoxLayout(self.general_tab)
        self.general_layout.setObjectName(u"general_layout")
        self.lock_box = QGroupBox(self.general_tab)
        self.lock_box.setObjectName(u"lock_box")
        self.lock_form = QFormLayout(self.lock_box)
        self.lock_form.setObjectName(u"lock_form")
        self.auto_lock_label = QLabel(self.lock_box)
        self.auto_lock_label.setObjectName(u"auto_lock_label")

        self.lock_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.auto_lock_label)

        self.lock_row = QHBoxLayout()
        self.lock_row.setObjectName(u"lock_row")
        self.auto_lock_minutes = QSpinBox(self.lock_box)
        self.auto_lock_minutes.setObjectName(u"auto_lock_minutes")

        self.lock_row.addWidget(self.auto_lock_minutes)

        self.save_auto_lock = QPushButton(self.lock_box)
        self.save_auto_lock.setObjectName(u"save_auto_lock")

        self.lock_row.addWidget(self.save_auto_lock)

        self.lock_row_stretch = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.lock_row.addItem(self.lock_row_stretch)


        self.lock_form.setLayout(0, QFormLayout.ItemRole.FieldRole, self.lock_row)

        self.lock_note = QLabel(self.lock_box)
        self.lock_note.setObjectName(u"lock_note")

        self.lock_form.setWidget(1, QFormLayout.ItemRole.SpanningRole, self.lock_note)


        self.general_layout.addWidget(self.lock_box)

        self.backup_box = QGroupBox(self.general_tab)
        self.backup_box.setObjectName(u"backup_box")
        self.backup_row = QHBoxLayout(self.backup_box)
        self.backup_row.setObjectName(u"backup_row")
        self.backup_button = QPushButton(self.backup_box)
        self.backup_button.setObjectName(u"backup_button")

        self.backup_row.addWidget(self.backup_button)

        self.restore_button = QPushButton(self.backup_box)
        self.restore_button.setObjectName(u"restore_button")

        self.backup_row.addWidget(self.restore_button)

        self.backup_row_stretch = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.backup_row.addItem(self.backup_row_stretch)


        self.general_layout.addWidget(self.backup_box)

        self.key_box = QGroupBox(self.general_tab)
        self.key_box.setObjectName(u"key_box")
        self.key_row = QHBoxLayout(self.key_box)
        self.key_row.setObjectName(u"key_row")
        self.rekey_button = QPushButton(self.key_box)
        self.rekey_button.setObjectName(u"rekey_button")

        self.key_row.addWidget(self.rekey_button)

        self.rekey_note = QLabel(self.key_box)
        self.rekey_note.setObjectName(u"rekey_note")

        self.key_row.addWidget(self.rekey_note)

        self.key_row_stretch = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.key_row.addItem(self.key_row_stretch)


        self.general_layout.addWidget(self.key_box)

        self.check_box = QGroupBox(self.general_tab)
        self.check_box.setObjectName(u"check_box")
        self.check_layout = QVBoxLayout(self.check_box)
        self.check_layout.setObjectName(u"check_layout")
        self.verify_button = QPushButton(self.check_box)
        self.verify_button.setObjectName(u"verify_button")

        self.check_layout.addWidget(self.verify_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.verify_result = QLabel(self.check_box)
        self.verify_result.setObjectName(u"verify_result")
        self.verify_result.setWordWrap(True)
        self.verify_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.check_layout.addWidget(self.verify_result)


        self.general_layout.addWidget(self.check_box)

        self.settings_outcome = QLabel(self.general_tab)
        self.settings_outcome.setObjectName(u"settings_outcome")
        self.settings_outcome.setWordWrap(True)

        self.general_layout.addWidget(self.settings_outcome)

        self.general_stretch = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.general_layout.addItem(self.general_stretch)

        self.settings_tabs.addTab(self.general_tab, "")
        self.trail_tab = QWidget()
        self.trail_tab.setObjectName(u"trail_tab")
        self.trail_layout = QVBoxLayout(self.trail_tab)
        self.trail_layout.setObjectName(u"trail_layout")
        self.trail_filter = QLineEdit(self.trail_tab)
        self.trail_filter.setObjectName(u"trail_filter")

        self.trail_layout.addWidget(self.trail_filter)

        self.trail_table = QTableView(self.trail_tab)
        self.trail_table.setObjectName(u"trail_table")
        self.trail_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trail_table.setSortingEnabled(True)
        self.trail_table.horizontalHeader().setStretchLastSection(True)
        self.trail_table.verticalHeader().setVisible(False)

        self.trail_layout.addWidget(self.trail_table)

        self.trail_note = QLabel(self.trail_tab)
        self.trail_note.setObjectName(u"trail_note")

        self.trail_layout.addWidget(self.trail_note)

        self.settings_tabs.addTab(self.trail_tab, "")

        self.page_layout.addWidget(self.settings_tabs)

#if QT_CONFIG(shortcut)
        self.auto_lock_label.setBuddy(self.auto_lock_minutes)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(settings_page)

        QMetaObject.connectSlotsByName(settings_page)
    # setupUi

    def retranslateUi(self, settings_page):
        self.lock_box.setTitle(QCoreApplication.translate("settings_page", u"\u81ea\u52d5\u30ed\u30c3\u30af", None))
        self.auto_lock_label.setText(QCoreApplication.translate("settings_page", u"\u64cd\u4f5c\u304c\u306a\u3044\u3068\u304d\u30ed\u30c3\u30af\u3059\u308b\u307e\u3067:", None))
        self.auto_lock_minutes.setSuffix(QCoreApplication.translate("settings_page", u" \u5206", None))
        self.save_auto_lock.setText(QCoreApplication.translate("settings_page", u"\u4fdd\u5b58", None))
        self.lock_note.setText(QCoreApplication.translate("settings_page", u"\u30b9\u30ea\u30fc\u30d7\u304b\u3089\u5fa9\u5e30\u3057\u305f\u3068\u304d\u3082\u3001\u6700\u5f8c\u306e\u64cd\u4f5c\u304b\u3089\u306e\u6642\u9593\u3092\u6642\u8a08\u3067\u5224\u5b9a\u3057\u307e\u3059\u3002Ctrl+L \u3067\u3059\u3050\u306b\u30ed\u30c3\u30af\u3067\u304d\u307e\u3059\u3002", None))
        self.backup_box.setTitle(QCoreApplication.translate("settings_page", u"\u30d0\u30c3\u30af\u30a2\u30c3\u30d7\u3068\u5fa9\u5143", None))
        self.backup_button.setText(QCoreApplication.translate("settings_page", u"\u30d0\u30c3\u30af\u30a2\u30c3\u30d7\u3092\u4f5c\u6210\u2026", None))
        self.restore_button.setText(QCoreApplication.translate("settings_page", u"\u30d0\u30c3\u30af\u30a2\u30c3\u30d7\u304b\u3089\u5fa9\u5143\u2026", None))
        self.key_box.setTitle(QCoreApplication.translate("settings_page", u"\u9375\u306e\u5909\u66f4", None))
        self.rekey_button.setText(QCoreApplication.translate("settings_page", u"\u9375\u3092\u5909\u66f4\u2026", None))
        self.rekey_note.setText(QCoreApplication.translate("settings_page", u"\u30c7\u30fc\u30bf\u30d9\u30fc\u30b9\u5168\u4f53\u3092\u65b0\u3057\u3044\u9375\u3067\u6697\u53f7\u5316\u3057\u76f4\u3057\u307e\u3059(\u4ee5\u524d\u306e\u30d0\u30c3\u30af\u30a2\u30c3\u30d7\u306f\u53e4\u3044\u9375\u306e\u307e\u307e\u3067\u3059)\u3002", None))
        self.check_box.setTitle(QCoreApplication.translate("settings_page", u"\u6539\u3056\u3093\u30fb\u7834\u640d\u306e\u691c\u67fb", None))
        self.verify_button.setText(QCoreApplication.translate("settings_page", u"\u76e3\u67fb\u8a3c\u8de1\u3068\u6697\u53f7\u5316\u30da\u30fc\u30b8\u3092\u691c\u8a3c", None))
        self.settings_tabs.setTabText(self.settings_tabs.indexOf(self.general_tab), QCoreApplication.translate("settings_page", u"\u4e00\u822c", None))
        self.trail_filter.setPlaceholderText(QCoreApplication.translate("settings_page", u"\u7d5e\u308a\u8fbc\u307f(\u64cd\u4f5c\u540d\u30fb\u5185\u5bb9)", None))
        self.settings_tabs.setTabText(self.settings_tabs.indexOf(self.trail_tab), QCoreApplication.translate("settings_page", u"\u76e3\u67fb\u8a3c\u8de1", None))
        pass
    # retranslateUi

