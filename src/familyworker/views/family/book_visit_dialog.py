"""Book visit…: the day, the time and where, for a family's next visit."""

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.family import BookedVisit
from familyworker.views.shared.qt_dates import from_qdate, to_qdate

DEFAULT_TIME = time(10, 0)


class BookVisitDialog(QDialog):
    """Emits ``submitted(datetime, where)`` (the laptop's local time); the caller writes it and
    calls ``booked()`` or ``show_error(message)``."""

    submitted = Signal(object, str)

    def __init__(self, reference: str, current: BookedVisit | None = None, *,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("book_visit_dialog")
        self.setWindowTitle(f"Book the next visit — {reference}")
        self.setAccessibleName(f"Book the next visit for {reference}")
        day = today or date.today()
        start = current.at.astimezone() if current else datetime.combine(
            day, DEFAULT_TIME)
        self.date_edit = QDateEdit(to_qdate(max(start.date(), day)))
        self.date_edit.setObjectName("visit_date_edit")
        self.date_edit.setAccessibleName("Day of the visit")
        self.date_edit.setDisplayFormat("ddd dd MMM yyyy")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMinimumDate(to_qdate(day))
        self.time_edit = QTimeEdit(QTime(start.hour, start.minute))
        self.time_edit.setObjectName("visit_time_edit")
        self.time_edit.setAccessibleName("Time of the visit")
        self.time_edit.setDisplayFormat("HH:mm")
        self.where_edit = QLineEdit(current.where if current else "")
        self.where_edit.setObjectName("visit_where_edit")
        self.where_edit.setAccessibleName("Where the visit is")
        self.where_edit.setPlaceholderText("e.g. at home, or the children's centre")
        self.where_edit.setMaxLength(500)
        self.error_label = QLabel("")
        self.error_label.setObjectName("visit_error_label")
        self.error_label.setAccessibleName("Problem booking the visit")
        self.error_label.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.book_button = QPushButton("&Book visit")
        self.book_button.setObjectName("book_visit_button")
        self.book_button.setDefault(True)
        self.buttons.addButton(self.book_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel, book nothing")
        self.book_button.clicked.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        for text, field in (("&Day:", self.date_edit), ("&Time:", self.time_edit),
                            ("&Where:", self.where_edit)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.date_edit.setFocus()

    def chosen(self) -> datetime:
        picked = self.time_edit.time()
        return datetime.combine(from_qdate(self.date_edit.date()),
                                time(picked.hour(), picked.minute()))

    def set_day(self, day: date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def _submit(self) -> None:
        self.error_label.clear()
        self.book_button.setEnabled(False)
        self.submitted.emit(self.chosen(), self.where_edit.text().strip())

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.book_button.setEnabled(True)

    def booked(self) -> None:
        self.accept()
