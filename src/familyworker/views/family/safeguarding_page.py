"""The family file's Safeguarding tab: the family's concerns, newest first, each with its state
in words; Raise a concern… (Ctrl+Shift+G) and Record decision… (docs/safeguarding.md).

It loads and writes through the safeguarding service on the task runner (never on the GUI
thread). Nothing here edits a concern or a decision: each save is a new record.
"""

from collections.abc import Callable, Mapping
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

from familyworker.domain.person import Person
from familyworker.domain.safeguarding import ConcernHistory
from familyworker.services import safeguarding
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.family.concern_dialog import WHOLE_HOUSEHOLD, ConcernDialog, DecisionDialog
from familyworker.views.family.record_dialog_host import RecordDialogHost
from familyworker.views.shared.empty_state import with_empty_state
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

EMPTY_TEXT = ("No safeguarding concerns recorded for this family. If something you see or hear "
              "worries you, raise a concern (Ctrl+Shift+G) and tell your designated lead.")
ConcernRole = Qt.ItemDataRole.UserRole + 1



def concern_line(history: ConcernHistory, names: dict[str, str]) -> str:
    concern = history.concern
    local = concern.raised_at.astimezone()
    about = names.get(concern.about_person_id or "", "a member") \
        if concern.about_person_id else WHOLE_HOUSEHOLD.lower()
    return f"{local:%d %b %Y %H:%M} · about {about} · {history.state()}"


def concern_html(history: ConcernHistory, names: dict[str, str]) -> str:
    """The concern in full and its decisions, oldest first."""
    concern = history.concern
    parts = [f"<h3>{escape(history.state())}</h3>",
             f"<p><b>Raised</b> {concern.raised_at.astimezone():%d %b %Y %H:%M} by "
             f"{escape(names.get(concern.raised_by or '', 'a worker'))}</p>",
             f"<p><b>Seen or heard:</b><br>{escape(concern.seen_or_heard)}</p>"]
    if concern.immediate_action:
        parts.append(f"<p><b>Immediate action:</b><br>{escape(concern.immediate_action)}</p>")
    for decision in history.decisions:
        line = (f"<p><b>{decision.decided_at.astimezone():%d %b %Y}</b> — "
                f"{escape(decision.state())}")
        if decision.referral_on:
            line += f"; referred {decision.referral_on:%d %b %Y}"
        if decision.referral_reference:
            line += f", reference {escape(decision.referral_reference)}"
        if decision.outcome_on:
            line += f"; outcome {decision.outcome_on:%d %b %Y}"
        if decision.note:
            line += f"<br>{escape(decision.note)}"
        parts.append(line + "</p>")
    return "".join(parts).replace("\n", "<br>")


class SafeguardingPage(QWidget, RecordDialogHost):
    loaded = Signal()  # the list shows fresh data
    dialog_opened = Signal(object)  # a raise or decision dialog, once shown

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 reference: str, on_changed: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safeguarding_page")
        self.setAccessibleName("Safeguarding")
        self.store, self.runner = store, runner
        self.family_id, self.reference = family_id, reference
        self._on_changed = on_changed
        self.people: tuple[Person, ...] = ()
        self.names: dict[str, str] = {}
        self.shown: list[ConcernHistory] = []
        self.dialog: ConcernDialog | DecisionDialog | None = None

        # No Alt+letter: the family file's tabs and pages take them all.
        self.raise_button = QPushButton("Raise a concern…")
        self.raise_button.setObjectName("raise_concern_button")
        self.raise_button.setToolTip("Ctrl+Shift+G")
        self.decide_button = QPushButton("Record decision…")
        self.decide_button.setObjectName("record_decision_button")
        self.decide_button.setToolTip("A decision, a referral or an outcome on the selected "
                                      "concern: a new record, the earlier ones are kept")
        self.concern_list = QListWidget()
        self.concern_list.setObjectName("concern_list")
        self.concern_list.setAccessibleName("Safeguarding concerns, newest first")
        self.stack, self.empty_label = with_empty_state(
            self.concern_list, EMPTY_TEXT, object_name="concerns_empty_label",
            accessible_name="No concerns")
        self.detail = QTextBrowser()
        self.detail.setObjectName("concern_detail")
        self.detail.setAccessibleName("The selected concern and its decisions")
        self.message_label = QLabel("")
        self.message_label.setObjectName("safeguarding_message_label")
        self.message_label.setAccessibleName("Safeguarding message")
        self.message_label.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.raise_button)
        buttons.addWidget(self.decide_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.detail, 1)
        layout.addWidget(self.message_label)

        self.raise_button.clicked.connect(self.open_raise_dialog)
        self.decide_button.clicked.connect(self.open_decision_dialog)
        self.concern_list.currentItemChanged.connect(lambda *_a: self._show_current())
        self._update_buttons()

    # ----- loading -------------------------------------------------------------------------

    def set_people(self, people: tuple[Person, ...], workers: Mapping[str, str]) -> None:
        self.people = people
        self.names = {**workers, **{p.id: p.name for p in people}}

    def reload(self) -> None:
        store, family_id = self.store, self.family_id
        self.runner.run(lambda: safeguarding.family_concerns(store, family_id), self._show,
                        lambda e: self._say(plain_message(e)))

    def _show(self, found: list[ConcernHistory]) -> None:
        if not isValid(self):
            return
        self.shown = found
        current = self.concern_list.currentItem()
        keep = current.data(ConcernRole) if current is not None else None
        self.concern_list.clear()
        for history in found:
            item = QListWidgetItem(concern_line(history, self.names))
            item.setData(ConcernRole, history.concern.id)
            self.concern_list.addItem(item)
            if history.concern.id == keep:
                self.concern_list.setCurrentItem(item)
        if found and self.concern_list.currentItem() is None:
            self.concern_list.setCurrentRow(0)
        self.stack.setCurrentWidget(self.concern_list if found else self.empty_label)
        self._show_current()
        self.loaded.emit()

    def current(self) -> ConcernHistory | None:
        item = self.concern_list.currentItem()
        if item is None:
            return None
        wanted = item.data(ConcernRole)
        return next((h for h in self.shown if h.concern.id == wanted), None)

    def _show_current(self) -> None:
        history = self.current()
        self.detail.setHtml(concern_html(history, self.names) if history else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.decide_button.setEnabled(self.current() is not None)

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.concern_list.clear()
        self.detail.clear()
        self.shown, self.people, self.names = [], (), {}

    # ----- writing -------------------------------------------------------------------------

    def open_raise_dialog(self) -> ConcernDialog:
        dialog = ConcernDialog(self.reference, self.people, self)
        store, family_id = self.store, self.family_id

        def save(fields: dict[str, object]) -> None:
            self.runner.run_write(
                lambda: safeguarding.raise_concern(
                    store, family_id=family_id, seen_or_heard=str(fields["seen_or_heard"]),
                    immediate_action=str(fields["immediate_action"]),
                    about_person_id=fields["about_person_id"]),  # type: ignore[arg-type]
                lambda _c: self._saved(dialog, "Concern raised: it is awaiting a decision."),
                lambda e: dialog.show_error(plain_message(e)))

        return self._open(dialog, save)

    def open_decision_dialog(self) -> DecisionDialog | None:
        history = self.current()
        if history is None:
            self._say("Choose a concern first.")
            return None
        dialog = DecisionDialog(self.reference, history, self)
        store, concern_id = self.store, history.concern.id

        def save(fields: dict[str, object]) -> None:
            self.runner.run_write(
                lambda: safeguarding.record_decision(store, concern_id, **fields),  # type: ignore[arg-type]
                lambda _d: self._saved(dialog, "Decision recorded."),
                lambda e: dialog.show_error(plain_message(e)))

        return self._open(dialog, save)

