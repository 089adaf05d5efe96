"""Help › Keyboard shortcuts: every shortcut the app has, in one list."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Main window", "Ctrl+1 / Ctrl+2", "My week / Caseload"),
    ("My week", "Enter", "Open the family at the item's tab"),
    ("Caseload", "Ctrl+F", "Find a family (search box)"),
    ("Caseload", "Enter or Ctrl+O", "Open the selected family"),
    ("Caseload", "Ctrl+Shift+N", "Add a family"),
    ("Caseload", "Ctrl+I", "Import a cohort CSV"),
    ("Family file", "Ctrl+N", "New contact note"),
    ("Family file", "Ctrl+T / Ctrl+B", "Tasks (add a task) / Book the next visit"),
    ("Family file", "Ctrl+Shift+G", "Raise a safeguarding concern"),
    ("Family file", "Ctrl+H", "History: who opened, changed, printed or saved what"),
    ("Family file", "Ctrl+P", "Print preview of this tab's record (the plan from others)"),
    ("Family file", "Alt+H / Alt+W / Alt+P / Alt+N", "Household, Web Star, Plan, Contact notes"),
    ("Family file", "Alt+O / Alt+V", "Outcomes, Management oversight (supervisors)"),
    ("Family file", "Ctrl+Shift+S", "Change the case status"),
    ("Family file", "Ctrl+Shift+D", "Edit household and safety details"),
    ("Family file", "Ctrl+W", "Close the family file"),
    ("Household", "Enter on a member, or Alt+B", "Edit the member and their flags"),
    ("Web Star", "Alt+T", "Whose star: the whole family or one member"),
    ("Anywhere", "Ctrl+L", "Lock FamilyWorker now"),
    ("Anywhere", "Tab / Shift+Tab", "Next / previous control"),
    ("Anywhere", "Alt + underlined letter", "Go to that field or press that button"),
    ("Anywhere", "F1", "This list"),
    ("Anywhere", "Ctrl+Q", "Quit (unsaved text is kept as a draft)"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard shortcuts — FamilyWorker")
        self.setAccessibleName("Keyboard shortcuts")
        self.table = QTableWidget(len(SHORTCUTS), 3)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        for row, cells in enumerate(SHORTCUTS):
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Everything in FamilyWorker can be done from the keyboard."))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 440)
