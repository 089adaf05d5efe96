"""Connect to your organisation: server address and one-time enrolment code, or work offline."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

INTRO = ("<h2>Connect to your organisation</h2>"
         "<p>Connecting keeps your caseload backed up and shared with your team. Your "
         "administrator gives you the server address and a one-time enrolment code.</p>"
         "<p>You can also work offline for now and connect later from "
         "<b>Sync › Connect to your organisation…</b>.</p>")


class ConnectDialog(QDialog):
    """Asks; the sync controller does the work off the GUI thread and reports back."""

    connect_requested = Signal(str, str)  # (server address, enrolment code)
    offline_chosen = Signal()

    def __init__(self, parent: QWidget | None = None, *, first_run: bool = False,
                 server_url: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("connect_dialog")
        self.setWindowTitle("Connect to your organisation")
        self.setAccessibleName("Connect to your organisation")
        self.setMinimumWidth(480)
        self._working = False
        intro = QLabel(INTRO)
        intro.setObjectName("connect_intro")
        intro.setWordWrap(True)
        self.server_edit = QLineEdit()
        self.server_edit.setObjectName("server_edit")
        self.server_edit.setAccessibleName("Server address")
        self.server_edit.setPlaceholderText("https://sync.example.org")
        self.server_edit.setText(server_url)  # pre-set by the organisation, if it did
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("code_edit")
        self.code_edit.setAccessibleName("Enrolment code")
        self.code_edit.setPlaceholderText("ABCD-EFGH-JKLM-NPQR")
        self.message_label = QLabel("")
        self.message_label.setObjectName("connect_message")
        self.message_label.setAccessibleName("Connection message")
        self.message_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("connect_progress")
        self.progress_bar.setAccessibleName("Connecting")
        self.progress_bar.setRange(0, 0)
        self.progress_bar.hide()
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setObjectName("connect_button")
        self.connect_button.setAccessibleName("Connect")
        self.connect_button.setDefault(True)
        self.offline_button = QPushButton(
            "&Work offline for now" if first_run else "&Not now")
        self.offline_button.setObjectName("offline_button")
        self.offline_button.setAccessibleName(self.offline_button.text().replace("&", ""))

        form = QFormLayout()
        form.addRow("Server &address:", self.server_edit)
        form.addRow("&Enrolment code:", self.code_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.offline_button)
        buttons.addWidget(self.connect_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.progress_bar)
        layout.addLayout(buttons)
        self.setTabOrder(self.server_edit, self.code_edit)
        self.setTabOrder(self.code_edit, self.connect_button)
        self.setTabOrder(self.connect_button, self.offline_button)
        self.connect_button.clicked.connect(self.try_connect)
        self.offline_button.clicked.connect(self._work_offline)

    def try_connect(self) -> None:
        if not self.connect_button.isEnabled():
            return
        self.set_working(True)
        self.message_label.setText("Connecting and fetching your caseload…")
        self.connect_requested.emit(self.server_edit.text(), self.code_edit.text())

    def set_working(self, working: bool) -> None:
        self._working = working
        for widget in (self.server_edit, self.code_edit, self.connect_button,
                       self.offline_button):
            widget.setEnabled(not working)
        self.progress_bar.setVisible(working)

    def show_problem(self, text: str) -> None:
        """The attempt failed and nothing was enrolled: say why, keep what was typed."""
        self.set_working(False)
        self.message_label.setText(text)
        self.code_edit.setFocus()

    def finish(self) -> None:
        self.set_working(False)
        self.code_edit.clear()  # a used code is worthless, but it need not linger on screen
        self.message_label.setText("")
        self.accept()

    def _work_offline(self) -> None:
        self.offline_chosen.emit()
        self.reject()

    def reject(self) -> None:
        if self._working:
            return  # an enrolment is under way; its answer decides what happens next
        super().reject()
