"""The family file's Consent tab: each member's current answers (due for review flagged) and
the register's whole history; Record consent… and Withdraw… (docs/consent.md).

It loads and writes through the consent service on the task runner (never on the GUI thread).
Nothing here edits a statement: each save is a new one.
"""

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from familyworker.domain.consent import ConsentDecision, ConsentStatement, current_answers
from familyworker.domain.person import Person
from familyworker.services import consent
from familyworker.services.consent import FamilyConsent
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.family.consent_dialog import ConsentDialog, WithdrawDialog
from familyworker.views.family.record_dialog_host import RecordDialogHost
from familyworker.views.shared.empty_state import with_empty_state
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

EMPTY_TEXT = ("No consent recorded for this household yet. Record each person's answer: what "
              "for, which agency, given or refused, and when to ask again.")
StatementRole = Qt.ItemDataRole.UserRole + 1



def statement_line(statement: ConsentStatement, names: dict[str, str], today: date) -> str:
    who = names.get(statement.person_id, "A former member")
    text = (f"{who} · {statement.what_for} · {statement.decision.label} "
            f"{statement.stated_on:%d %b %Y} ({statement.how.value}")
    if statement.given_by:
        text += f", by {statement.given_by}"
    text += ")"
    if statement.is_due_for_review(today):
        text += f" · ⚠ due for review since {statement.review_on:%d %b %Y}"
    elif statement.review_on is not None:
        text += f" · review {statement.review_on:%d %b %Y}"
    return text


def history_html(statements: tuple[ConsentStatement, ...], names: dict[str, str],
                 today: date) -> str:
    rows = []
    for statement in reversed(statements):  # newest first
        line = escape(statement_line(statement, names, today))
        if statement.note:
            line += f"<br><i>{escape(statement.note)}</i>"
        rows.append(f"<li>{line}</li>")
    return "<b>History, newest first</b><ul>" + "".join(rows) + "</ul>" if rows else ""


class ConsentPage(QWidget, RecordDialogHost):
    loaded = Signal()  # the lists show fresh data
    dialog_opened = Signal(object)  # a record or withdraw dialog, once shown

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 reference: str, on_changed: Callable[[], None] | None = None,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consent_page")
        self.setAccessibleName("Consent")
        self.store, self.runner = store, runner
        self.family_id, self.reference = family_id, reference
        self._on_changed = on_changed
        self._today = today
        self.people: tuple[Person, ...] = ()
        self.agencies: tuple[str, ...] = ()
        self.names: dict[str, str] = {}
        self.register: FamilyConsent | None = None
        self.dialog: ConsentDialog | WithdrawDialog | None = None

        # No Alt+letter: the family file's tabs and pages take them all.
        self.record_button = QPushButton("Record consent…")
        self.record_button.setObjectName("record_consent_button")
        self.record_button.setToolTip("A person's answer: given or refused, what for, how")
        self.withdraw_button = QPushButton("Withdraw…")
        self.withdraw_button.setObjectName("withdraw_consent_button")
        self.withdraw_button.setToolTip("Withdraw the selected consent given: a new statement, "
                                        "the earlier one is kept")
        self.glance_label = QLabel("")
        self.glance_label.setObjectName("consent_glance_label")
        self.glance_label.setAccessibleName("Consent at a glance")
        self.current_list = QListWidget()
        self.current_list.setObjectName("consent_current_list")
        self.current_list.setAccessibleName("Current answers, by person")
        self.stack, self.empty_label = with_empty_state(
            self.current_list, EMPTY_TEXT, object_name="consent_empty_label",
            accessible_name="No consent recorded")
        self.history = QTextBrowser()
        self.history.setObjectName("consent_history")
        self.history.setAccessibleName("Every statement, newest first")
        self.message_label = QLabel("")
        self.message_label.setObjectName("consent_message_label")
        self.message_label.setAccessibleName("Consent message")
        self.message_label.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        buttons.addWidget(self.glance_label)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 2)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.message_label)

        self.record_button.clicked.connect(self.open_record_dialog)
        self.withdraw_button.clicked.connect(self.open_withdraw_dialog)
        self.current_list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    # ----- loading -------------------------------------------------------------------------

    def set_family(self, people: tuple[Person, ...], agencies: tuple[str, ...]) -> None:
        self.people, self.agencies = people, agencies
        self.names = {p.id: p.name for p in people}

    def reload(self) -> None:
        store, family_id, today = self.store, self.family_id, self._today()
        self.runner.run(lambda: consent.family_consent(store, family_id, today), self._show,
                        lambda e: self._say(plain_message(e)))

    def _show(self, found: FamilyConsent) -> None:
        if not isValid(self):
            return
        today = self._today()
        chosen = self.current()
        keep = chosen.key if chosen is not None else None  # a withdrawal keeps its line chosen
        self.register = found
        self.current_list.clear()
        order = {p.id: i for i, p in enumerate(self.people)}
        answers = sorted(current_answers(found.statements, today).values(),
                         key=lambda s: (order.get(s.person_id, len(order)), s.purpose.value,
                                        s.agency.casefold()))
        for statement in answers:
            item = QListWidgetItem(statement_line(statement, self.names, today))
            item.setData(StatementRole, statement.id)
            self.current_list.addItem(item)
            if statement.key == keep:
                self.current_list.setCurrentItem(item)
        if answers and self.current_list.currentItem() is None:
            self.current_list.setCurrentRow(0)
        self.stack.setCurrentWidget(self.current_list if answers else self.empty_label)
        self.history.setHtml(history_html(found.statements, self.names, today))
        self.glance_label.setText(found.glance.in_words())
        self._update_buttons()
        self.loaded.emit()

    def current(self) -> ConsentStatement | None:
        item = self.current_list.currentItem()
        if item is None or self.register is None:
            return None
        wanted = item.data(StatementRole)
        return next((s for s in self.register.statements if s.id == wanted), None)

    def _update_buttons(self) -> None:
        chosen = self.current()
        self.withdraw_button.setEnabled(
            chosen is not None and chosen.decision is ConsentDecision.GIVEN)

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.current_list.clear()
        self.history.clear()
        self.glance_label.clear()
        self.register, self.people, self.names = None, (), {}

    # ----- writing -------------------------------------------------------------------------

    def open_record_dialog(self) -> ConsentDialog:
        dialog = ConsentDialog(self.reference, self.people, self.agencies, self)
        store, family_id = self.store, self.family_id

        def save(fields: dict[str, object]) -> None:
            self.runner.run_write(
                lambda: consent.record_statement(store, family_id=family_id,
                                                 **fields),  # type: ignore[arg-type]
                lambda _s: self._saved(dialog, "Consent recorded."),
                lambda e: dialog.show_error(plain_message(e)))

        return self._open(dialog, save)

    def open_withdraw_dialog(self) -> WithdrawDialog | None:
        chosen = self.current()
        if chosen is None or chosen.decision is not ConsentDecision.GIVEN:
            self._say("Choose consent that is given first.")
            return None
        dialog = WithdrawDialog(self.reference, chosen,
                                self.names.get(chosen.person_id, "A former member"), self)
        store, family_id = self.store, self.family_id

        def save(fields: dict[str, object]) -> None:
            self.runner.run_write(
                lambda: consent.withdraw(store, family_id=family_id,
                                         **fields),  # type: ignore[arg-type]
                lambda _s: self._saved(dialog, "Consent withdrawn; the earlier statement is "
                                               "kept in the history."),
                lambda e: dialog.show_error(plain_message(e)))

        return self._open(dialog, save)

