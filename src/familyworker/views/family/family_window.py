"""One family's file: header and tabs (Household, Web Star, Plan on a page, Contact notes)."""

import logging
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.domain.family_deletion import DeletionNotAllowed, DeletionReason
from familyworker.domain.plan import Plan
from familyworker.services import drafts, families, household, notes, plans, printing, stars
from familyworker.services.case_status import status_in_words
from familyworker.services.family_deletion import DeletedFamily, can_delete_family, delete_family
from familyworker.services.family_file import FamilyFile, load_family_file
from familyworker.services.family_history import record_opened
from familyworker.services.programme import default_framework, default_star_template
from familyworker.services.reauthentication import PassphraseRecency
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.store.unlock_attempts import UnlockAttemptLog
from familyworker.views.family.case_panel import CasePanel
from familyworker.views.family.consent_dialog import AgencyChoiceDialog
from familyworker.views.family.consent_page import ConsentPage
from familyworker.views.family.delete_family_dialog import DeleteFamilyDialog
from familyworker.views.family.history_dialog import HistoryDialog
from familyworker.views.family.household_page import HouseholdPage
from familyworker.views.family.notes_page import NotesPage
from familyworker.views.family.outcomes_page import OutcomesPage
from familyworker.views.family.plan_page import PlanPage
from familyworker.views.family.print_preview_dialog import PrintPreviewDialog, warm_up_in_background
from familyworker.views.family.safeguarding_page import SafeguardingPage
from familyworker.views.family.star_page import StarPage
from familyworker.views.family.tasks_page import TasksPage
from familyworker.views.family.visit_bar import VisitBar
from familyworker.views.shared.shortcuts_dialog import ShortcutsDialog
from familyworker.views.shared.sizing import clamp_to_screen
from familyworker.views.shared.task_runner import TaskRunner

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1200, 800)


def plain_message(error: Exception) -> str:
    """What to tell the person: domain and store messages are written to be shown."""
    if isinstance(error, ValidationError | StoreError):
        return str(error)
    log.error("Unexpected %s in a family window", type(error).__name__)
    return "Something went wrong and nothing was saved. Please try again."


class FamilyWindow(QMainWindow):
    """Several can be open at once; the title shows only the reference (never a name)."""

    loaded = Signal()  # after the file is shown
    data_changed = Signal(str)  # family id: the caseload line may have changed
    closed = Signal(str)  # family id
    lock_requested = Signal()
    quit_requested = Signal()  # Ctrl+Q works in every window, as Help says
    deleted = Signal(str, str)  # (family id, what to tell the worker) after a deletion
    delete_dialog_opened = Signal(object)  # the Delete family dialog, once it is shown
    print_preview_opened = Signal(object)  # the print preview, once it is shown
    history_opened = Signal(object)  # the History dialog, once it is shown
    agency_choice_opened = Signal(object)  # Chronology for an agency…, once it is shown

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.family_id = family_id
        self.reference = reference
        self.file: FamilyFile | None = None
        self._drafts_restored = False
        self._locking = False
        self._gone = False  # deleted here: nothing of it is kept on close
        self.delete_dialog: DeleteFamilyDialog | None = None
        self.preview_dialog: PrintPreviewDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.agency_dialog: AgencyChoiceDialog | None = None
        self._opened_recorded = False
        # SECURITY B4: set by the app controller; the print preview asks for the passphrase
        # again before saving when it was typed more than 15 minutes ago.
        self.passphrase_recency: PassphraseRecency | None = None
        self.unlock_attempts: UnlockAttemptLog | None = None
        self.setObjectName("family_window")
        self.setWindowTitle(f"{reference} — FamilyWorker")
        self.setAccessibleName(f"Family file {reference}")
        template, framework = default_star_template(), default_framework()

        self.header_label = QLabel("Loading…")
        self.header_label.setObjectName("header_label")
        self.header_label.setAccessibleName("Family summary")
        self.header_label.setWordWrap(True)
        self.header_label.setTextFormat(Qt.TextFormat.RichText)
        self.household_page = HouseholdPage(framework)
        self.star_page = StarPage(template)
        self.plan_page = PlanPage(template)
        self.notes_page = NotesPage()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("family_tabs")
        self.tabs.setAccessibleName("Family file sections")
        self.tabs.addTab(self.household_page, "&Household")
        self.tabs.addTab(self.star_page, "&Web Star")
        self.tabs.addTab(self.plan_page, "Plan on a &page")
        self.tabs.addTab(self.notes_page, "Contact &notes")
        self.outcomes_page = OutcomesPage(store, runner, family_id=family_id,
                                          on_changed=self._after_write)
        self.tabs.addTab(self.outcomes_page, "&Outcomes")
        # Safety, contact details, Change status… and Edit details… (issue 15).
        self.case_panel = CasePanel(store, runner, family_id=family_id,
                                    on_changed=self._after_write)
        self.case_panel.add_shortcuts(self)
        # Tasks and the next visit (docs/casework.md); each loads and writes for itself.
        self.tasks_page = TasksPage(store, runner, family_id=family_id, on_changed=self._changed)
        self.tabs.addTab(self.tasks_page, "Tasks")  # Ctrl+T: every Alt+letter is taken
        # Safeguarding concerns (docs/safeguarding.md): Ctrl+Shift+G raises one.
        self.safeguarding_page = SafeguardingPage(store, runner, family_id=family_id,
                                                  reference=reference,
                                                  on_changed=self._after_write)
        self.tabs.addTab(self.safeguarding_page, "Safeguarding")
        # The consent register (docs/consent.md); the header shows it at a glance.
        self.consent_page = ConsentPage(store, runner, family_id=family_id, reference=reference,
                                        on_changed=self._changed)
        self.tabs.addTab(self.consent_page, "Consent")
        self.consent_page.loaded.connect(self._show_consent_glance)
        self.visit_bar = VisitBar(store, runner, family_id=family_id, reference=reference,
                                  on_changed=self._changed)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header_label)
        layout.addWidget(self.case_panel)
        self.case_panel.end_button_row(self.visit_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.resize(DEFAULT_SIZE)

        self._build_menu()

        self.household_page.add_member_requested.connect(self._add_member)
        self.household_page.update_member_requested.connect(self._update_member)
        self._wire_household()
        self.star_page.save_requested.connect(self._save_star)
        self.plan_page.save_requested.connect(self._save_plan)
        self.plan_page.agree_requested.connect(self._agree_plan)
        self.plan_page.print_requested.connect(self._print_plan)
        self.star_page.print_requested.connect(self._print_star)
        self.notes_page.print_requested.connect(self._print_chronology)
        self.notes_page.save_requested.connect(self._save_note)
        self.notes_page.addendum_requested.connect(self._add_addendum)
        self.reload()
        warm_up_in_background(runner)  # the first print preview is then as quick as later ones

    def _build_menu(self) -> None:
        # "F&ile", not "&File": Alt+F is the notes page's Finalise button. Alt+H, W, P, N, O
        # and V are the tabs: no label or button on a page may use them (test_accessibility).
        menu_bar = self.menuBar()
        menu_bar.setAccessibleName("Family file menu bar")
        file_menu = menu_bar.addMenu("F&ile")
        file_menu.setAccessibleName("File menu")
        file_menu.setToolTipsVisible(True)  # says why Delete this family… is greyed out
        self.new_note_action = QAction("&New note", self)
        self.new_note_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_note_action.triggered.connect(self.start_new_note)
        self.delete_action = QAction("&Delete this family…", self)
        self.delete_action.setObjectName("delete_family_action")
        self.delete_action.triggered.connect(self.open_delete_dialog)
        self._set_can_delete(False, known=False)
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_requested)
        self.close_action = QAction("&Close", self)
        self.close_action.setShortcut(QKeySequence.StandardKey.Close)
        self.close_action.triggered.connect(self.close)
        file_menu.addAction(self.new_note_action)
        self.tasks_action = QAction("&Tasks", self)
        self.tasks_action.setShortcut(QKeySequence("Ctrl+T"))
        self.tasks_action.triggered.connect(self.show_tasks)
        self.book_visit_action = QAction("&Book visit…", self)
        self.book_visit_action.setShortcut(QKeySequence("Ctrl+B"))
        self.book_visit_action.triggered.connect(lambda: self.visit_bar.open_dialog())
        file_menu.addAction(self.tasks_action)
        self.concern_action = QAction("Raise a safe&guarding concern…", self)
        self.concern_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        self.concern_action.triggered.connect(self.raise_concern)
        file_menu.addAction(self.concern_action)
        self.consent_action = QAction("&Record consent…", self)
        self.consent_action.triggered.connect(self.record_consent)
        file_menu.addAction(self.consent_action)
        self.history_action = QAction("&History…", self)
        self.history_action.setObjectName("history_action")
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.triggered.connect(self.open_history)
        file_menu.addAction(self.history_action)
        file_menu.addAction(self.book_visit_action)
        self._build_print_menu(file_menu)
        file_menu.addAction(self.delete_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit FamilyWorker", self)
        # Not StandardKey.Quit: it is empty on desktops without a platform theme.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.quit_requested)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.close_action)
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu
        help_menu = menu_bar.addMenu("H&elp")  # Alt+H is the Household tab
        help_menu.setAccessibleName("Help menu")
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        for action in (self.new_note_action, self.tasks_action, self.concern_action,
                       self.book_visit_action, self.history_action,
                       self.print_action, self.lock_action, self.close_action,
                       self.quit_action, self.shortcuts_action):
            self.addAction(action)

    def _build_print_menu(self, file_menu: QMenu) -> None:
        """File › Print: each record opens a preview that says what it is."""
        menu = file_menu.addMenu("&Print")
        menu.setObjectName("print_menu")
        menu.setAccessibleName("Print menu")
        self.print_action = QAction("&This tab's record…", self)
        self.print_action.setObjectName("print_current_action")
        # Not StandardKey.Print: it is empty on desktops without a platform theme.
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_action.triggered.connect(self.print_current_tab)
        self.print_plan_action = QAction("Plan on a &page…", self)
        self.print_plan_action.triggered.connect(lambda: self.plan_page.print_button.click())
        self.print_star_action = QAction("&Web Star progress…", self)
        self.print_star_action.triggered.connect(lambda: self.star_page.print_button.click())
        self.print_chronology_action = QAction("&Chronology…", self)
        self.print_chronology_action.triggered.connect(
            lambda: self.notes_page.print_button.click())
        self.print_agency_action = QAction("Chronology for an &agency…", self)
        self.print_agency_action.setObjectName("print_for_agency_action")
        self.print_agency_action.triggered.connect(self.open_agency_choice)
        menu.addAction(self.print_action)
        menu.addSeparator()
        for action in (self.print_plan_action, self.print_star_action,
                       self.print_chronology_action, self.print_agency_action):
            menu.addAction(action)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # ----- loading -------------------------------------------------------------------------

    def reload(self, *, plan_draft: Plan | None = None) -> None:
        store, family_id = self.store, self.family_id
        on_done: Callable[[FamilyFile], None] = self._on_loaded
        if plan_draft is not None:
            def on_done(file: FamilyFile) -> None:
                self._on_loaded(file, plan_draft=plan_draft)
        self.runner.run(lambda: load_family_file(store, family_id=family_id), on_done,
                        self._on_load_error)

    def _on_loaded(self, file: FamilyFile, *, plan_draft: Plan | None = None) -> None:
        if self._locking:
            return
        self.file = file
        self.header_label.setText(self._header_html(file))
        self.case_panel.show_file(file)
        self.household_page.show_file(file)
        self.star_page.show_file(file)
        self.plan_page.show_file(file, draft=plan_draft)
        self.notes_page.show_file(file)
        self.visit_bar.show_family(file.family)
        self.tasks_page.reload()  # a finalised note's follow-ups may have become tasks
        self.safeguarding_page.set_people(file.members, file.worker_names)
        self.safeguarding_page.reload()
        self.consent_page.set_family(file.members, _agency_names(file))
        self.consent_page.reload()
        if not self._opened_recorded:  # SECURITY I1: opening a family record is audited
            self._opened_recorded = True
            store, family_id = self.store, self.family_id
            self.runner.run_write(lambda: record_opened(store, family_id), _ignore,
                                  _log_audit_error)
        store, family_id = self.store, self.family_id
        self.runner.run(lambda: can_delete_family(store, family_id), self._set_can_delete,
                        _log_permission_error)
        if not self._drafts_restored:
            self._drafts_restored = True
            store, keys = self.store, self.draft_keys()
            self.runner.run(lambda: {k: drafts.load_form_draft(store, k) for k in keys},
                            self._restore_drafts, self._on_load_error)
        else:
            self.loaded.emit()

    def _restore_drafts(self, kept: dict[str, dict[str, Any] | None]) -> None:
        pages = self._draft_pages()
        for key, payload in kept.items():
            if payload is not None:
                pages[key].restore_draft(payload)
        self.loaded.emit()

    def _on_load_error(self, error: Exception) -> None:
        self.header_label.setText(escape(plain_message(error)))

    def _header_html(self, file: FamilyFile) -> str:
        family = file.family
        framework = default_framework()
        criteria = []
        for key in family.criteria:
            try:
                criteria.append(framework.criterion(key).label)
            except ValidationError:
                criteria.append(key)
        lead = file.lead_worker.name if file.lead_worker else "—"
        return (f"<h2>{escape(family.household_name)} <small>({escape(family.reference)})"
                f"</small></h2>"
                f"<b>Status:</b> "
                f"{escape(status_in_words(family, file.sustainability_review_due))}"
                f" &nbsp;·&nbsp; <b>Lead worker:</b> "
                f"{escape(lead)} &nbsp;·&nbsp; {self._consent_words(file)}<br>"
                f"<b>Criteria:</b> {escape(', '.join(criteria)) or 'none recorded yet'}")

    def _consent_words(self, file: FamilyFile) -> str:
        """The register at a glance once the Consent tab has loaded it; until then (and for a
        household with no statements) the old household-wide date, if any, says it is old."""
        register = self.consent_page.register
        if register is not None and register.glance.recorded:
            glance = register.glance
            words = escape(glance.in_words()).replace("Consent:", "<b>Consent:</b>", 1)
            return f"⚠ {words}" if glance.withdrawn or glance.due_for_review else words
        old = file.family.consent
        if old is not None:
            return (f"<b>Consent:</b> none recorded per person (household consent given "
                    f"{old.given_on:%d %b %Y}, before the register)")
        return "<b>Consent:</b> ⚠ none recorded"

    def _show_consent_glance(self) -> None:
        if self.file is not None and not self._locking:
            self.header_label.setText(self._header_html(self.file))

    # ----- actions -------------------------------------------------------------------------

    def record_consent(self) -> None:
        self.tabs.setCurrentWidget(self.consent_page)
        self.consent_page.open_record_dialog()

    def open_history(self) -> HistoryDialog | None:
        """File › History… (Ctrl+H): who opened, changed, printed or saved what, and when."""
        if self._locking:
            return None
        if self.history_dialog is not None:
            self.history_dialog.raise_()
            self.history_dialog.reload()
            return self.history_dialog
        dialog = HistoryDialog(self.store, self.runner, family_id=self.family_id,
                               reference=self.reference, parent=self)
        dialog.finished.connect(lambda _r: self._forget_history(dialog))
        self.history_dialog = dialog
        dialog.show()
        dialog.reload()
        self.history_opened.emit(dialog)
        return dialog

    def _forget_history(self, dialog: HistoryDialog) -> None:
        if self.history_dialog is dialog:
            self.history_dialog = None
        dialog.deleteLater()

    def open_agency_choice(self) -> AgencyChoiceDialog | None:
        """File › Print › Chronology for an agency…: asks which, then previews that copy."""
        if self._locking:
            return None
        agencies = _agency_names(self.file) if self.file is not None else ()
        dialog = AgencyChoiceDialog(self.reference, agencies, self)
        dialog.chosen.connect(self._print_chronology_for)
        dialog.finished.connect(lambda _r: self._forget_agency_choice(dialog))
        self.agency_dialog = dialog
        dialog.show()
        self.agency_choice_opened.emit(dialog)
        return dialog

    def _forget_agency_choice(self, dialog: AgencyChoiceDialog) -> None:
        if self.agency_dialog is dialog:
            self.agency_dialog = None
        dialog.deleteLater()

    def _print_chronology_for(self, agency: str) -> None:
        store, family_id = self.store, self.family_id
        self.open_print_preview(lambda: printing.preview_chronology(
            store, family_id=family_id, for_agency=agency))


    def start_new_note(self) -> None:
        self.tabs.setCurrentWidget(self.notes_page)
        self.notes_page.new_note()

    def show_tasks(self) -> None:
        self.tabs.setCurrentWidget(self.tasks_page)
        self.tasks_page.focus_new_task()

    def raise_concern(self) -> None:
        self.tabs.setCurrentWidget(self.safeguarding_page)
        self.safeguarding_page.open_raise_dialog()

    def show_tab(self, name: str) -> None:
        """Open at a tab by name (My week): household, star, plan, notes, outcomes, tasks,
        safeguarding, consent."""
        pages: dict[str, QWidget] = {
            "household": self.household_page, "star": self.star_page,
            "plan": self.plan_page, "notes": self.notes_page,
            "outcomes": self.outcomes_page, "tasks": self.tasks_page,
            "safeguarding": self.safeguarding_page, "consent": self.consent_page}
        if name in pages:
            self.tabs.setCurrentWidget(pages[name])

    def _set_can_delete(self, allowed: bool, *, known: bool = True) -> None:
        self.delete_action.setEnabled(allowed and not self._locking)
        self.delete_action.setToolTip(
            "For a family added by mistake" if allowed else
            str(DeletionNotAllowed()) if known else "Waiting for the family file to load")

    def open_delete_dialog(self) -> DeleteFamilyDialog | None:
        """File › Delete this family…: asks for the reason; Cancel is the default."""
        if not self.delete_action.isEnabled() or self._locking:
            return None
        if self.delete_dialog is not None:
            self.delete_dialog.raise_()
            return self.delete_dialog
        dialog = DeleteFamilyDialog(self.reference, self)
        dialog.submitted.connect(self._delete)
        dialog.finished.connect(lambda _result: self._forget_delete_dialog(dialog))
        self.delete_dialog = dialog
        dialog.open()
        self.delete_dialog_opened.emit(dialog)
        return dialog

    def _forget_delete_dialog(self, dialog: DeleteFamilyDialog) -> None:
        if self.delete_dialog is dialog:
            self.delete_dialog = None
        dialog.deleteLater()

    def _delete(self, code: str) -> None:
        store, family_id, dialog = self.store, self.family_id, self.delete_dialog
        reason = DeletionReason(code)

        def failed(error: Exception) -> None:
            if dialog is not None and self.delete_dialog is dialog:  # not cancelled meanwhile
                dialog.show_error(plain_message(error))

        self._write(lambda: delete_family(store, family_id, reason), self._family_deleted,
                    failed)

    def _family_deleted(self, result: DeletedFamily) -> None:
        if self.delete_dialog is not None:
            self.delete_dialog.deleted()
        self._gone = True  # its drafts went with it; closing keeps nothing
        message = (f"Deleted family {result.reference} ({result.reason.label.lower()}). It will "
                   "be removed from your colleagues' devices at their next sync.")
        self.deleted.emit(self.family_id, message)
        self.close()

    def _write(self, work: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None]) -> None:
        self.runner.run_write(work, on_done, on_error)

    def _changed(self) -> None:
        self.data_changed.emit(self.family_id)

    def _add_member(self, fields: dict[str, Any]) -> None:
        store, family_id = self.store, self.family_id
        self._write(lambda: families.add_person(store, family_id, **fields),
                    self._member_saved,
                    lambda e: self.household_page.show_message(plain_message(e)))

    def _update_member(self, person_id: str, fields: dict[str, Any]) -> None:
        store = self.store
        self._write(lambda: families.update_person(store, person_id, **fields),
                    self._member_saved,
                    lambda e: self.household_page.show_message(plain_message(e)))

    def _member_saved(self, _result: object) -> None:
        self.household_page.member_saved("Saved.")
        self._after_write()

    def _wire_household(self) -> None:
        """Agencies and criteria: each save runs on the writer, then the file reloads."""
        agencies = self.household_page.agencies_panel
        criteria = self.household_page.criteria_panel
        store, family_id = self.store, self.family_id

        def agency_saved(_result: object) -> None:
            agencies.saved("Agency saved.")
            self._after_write()

        def needs_saved(count: object) -> None:
            criteria.show_message("Criteria saved." if count else "Nothing had changed.")
            self._after_write()

        def agency_error(error: Exception) -> None:
            agencies.message_label.setText(plain_message(error))

        agencies.add_requested.connect(lambda fields: self._write(
            lambda: household.add_agency(store, family_id, **fields), agency_saved,
            agency_error))
        # Restored household text lives in the forms now; the next lock or close keeps it again.
        household_key = self._key("household")
        self.household_page.draft_restored.connect(lambda: self._write(
            lambda: drafts.discard_form_draft(store, household_key), _ignore, _log_draft_error))
        agencies.update_requested.connect(lambda agency_id, fields: self._write(
            lambda: household.update_agency(store, agency_id, **fields), agency_saved,
            agency_error))
        criteria.save_requested.connect(lambda changes: self._write(
            lambda: household.save_needs(store, family_id, changes), needs_saved,
            lambda e: criteria.show_message(plain_message(e))))

    def _save_star(self, scores: dict[str, int], domain_notes: dict[str, str],
                   words: str, person_id: str | None = None) -> None:
        store, family_id, key = self.store, self.family_id, self._key("star")

        def work() -> object:
            result = stars.score_star(store, family_id=family_id, scores=scores,
                                      notes=domain_notes, family_words=words,
                                      person_id=person_id)
            drafts.discard_form_draft(store, key)
            return result

        self._write(work, self._star_saved,
                    lambda e: self.star_page.show_error(plain_message(e)))

    def _star_saved(self, _assessment: object) -> None:
        self.star_page.saved()
        self._after_write()

    def _save_plan(self, plan: Plan) -> None:
        store, key = self.store, self._key("plan")

        def work() -> Plan:
            saved = plans.save_plan(store, plan)
            drafts.discard_form_draft(store, key)
            return saved

        self._write(work, self._plan_saved,
                    lambda e: self.plan_page.show_message(plain_message(e)))

    def _plan_saved(self, plan: Plan) -> None:
        self.plan_page.mark_saved()
        self.plan_page.show_message(f"Draft version {plan.version} saved.")
        self._after_write()

    def _agree_plan(self, plan: Plan) -> None:
        store, key = self.store, self._key("plan")

        def work() -> tuple[Plan, Plan]:
            result = plans.agree_and_start_new_version(store, plan)
            drafts.discard_form_draft(store, key)
            return result

        self._write(work, self._plan_agreed,
                    lambda e: self.plan_page.show_message(plain_message(e)))

    def _plan_agreed(self, result: tuple[Plan, Plan]) -> None:
        agreed, draft = result
        self._changed()
        self.reload(plan_draft=draft)
        self.plan_page.show_message(
            f"Version {agreed.version} agreed; version {draft.version} started as a draft.")

    # ----- printing ------------------------------------------------------------------------

    def _print_plan(self, plan: Plan) -> None:
        """Preview exactly the version on screen (a draft with its typing, marked not yet
        agreed, or the agreed version being read): never another."""
        store, family_id = self.store, self.family_id
        self.open_print_preview(lambda: printing.preview_plan(store, family_id=family_id,
                                                              plan=plan))

    def _print_star(self, person_id: str | None) -> None:
        store, family_id = self.store, self.family_id
        self.open_print_preview(lambda: printing.preview_star(store, family_id=family_id,
                                                              person_id=person_id))

    def _print_chronology(self) -> None:
        store, family_id = self.store, self.family_id
        self.open_print_preview(lambda: printing.preview_chronology(store, family_id=family_id))

    def print_current_tab(self) -> None:
        """Ctrl+P: the record of the tab in front (the plan on a page from the others)."""
        current = self.tabs.currentWidget()
        if current is self.star_page:
            self.star_page.print_button.click()
        elif current is self.notes_page:
            self.notes_page.print_button.click()
        else:
            self.plan_page.print_button.click()

    def open_print_preview(self, render: Callable[[], printing.ReportPreview]
                           ) -> PrintPreviewDialog | None:
        if self._locking:
            return None
        self._close_print_preview()
        dialog = PrintPreviewDialog(self.store, self.runner, render, reference=self.reference,
                                    recency=self.passphrase_recency,
                                    attempts=self.unlock_attempts, parent=self)
        self.preview_dialog = dialog
        dialog.show()
        dialog.start()
        self.print_preview_opened.emit(dialog)
        return dialog

    def _close_print_preview(self) -> None:
        if self.preview_dialog is not None:
            self.preview_dialog.reject()  # wipes its pages
            self.preview_dialog.deleteLater()
            self.preview_dialog = None

    def _save_note(self, fields: dict[str, Any], note_id: str | None, finalise: bool) -> None:
        store, family_id, key = self.store, self.family_id, self._key("note")

        def work() -> object:
            note = notes.save_note(store, family_id=family_id, note_id=note_id,
                                   finalise=finalise, **fields)
            drafts.discard_form_draft(store, key)
            return note

        self._write(work, self._note_saved,
                    lambda e: self.notes_page.show_message(plain_message(e)))

    def _note_saved(self, note: Any) -> None:
        self.notes_page.saved(note)
        self._after_write()

    def _add_addendum(self, note_id: str, text: str) -> None:
        store, key = self.store, self._key("note")

        def work() -> object:
            addendum = notes.add_addendum(store, note_id, text)
            drafts.discard_form_draft(store, key)
            return addendum

        self._write(work, self._addendum_added,
                    lambda e: self.notes_page.show_message(plain_message(e)))

    def _addendum_added(self, _addendum: object) -> None:
        self.notes_page.addendum_added()
        self._after_write()

    def _after_write(self) -> None:
        self._changed()
        self.reload()

    # ----- drafts and closing --------------------------------------------------------------

    def _key(self, form: str) -> str:
        return f"{form}:{self.family_id}"

    def draft_keys(self) -> list[str]:
        return [self._key("star"), self._key("plan"), self._key("note"),
                self._key("household")]

    def _draft_pages(self) -> dict[str, StarPage | PlanPage | NotesPage | HouseholdPage]:
        return {self._key("star"): self.star_page, self._key("plan"): self.plan_page,
                self._key("note"): self.notes_page, self._key("household"): self.household_page}

    def collect_drafts(self) -> dict[str, dict[str, Any]]:
        """Unsaved text in this window's forms, keyed by draft key (read on the GUI thread)."""
        if self.file is None:
            return {}
        kept = {}
        for key, page in self._draft_pages().items():
            payload = page.draft_payload()
            if payload is not None:
                kept[key] = payload
        return kept

    def close_for_lock(self) -> dict[str, dict[str, Any]]:
        """Take the unsaved text, wipe every page and close; the caller saves the drafts."""
        kept = self.collect_drafts()
        self._locking = True
        if self.delete_dialog is not None:
            self.delete_dialog.reject()
        self.case_panel.clear()
        self._close_print_preview()
        self.household_page.clear()
        self.star_page.clear()
        self.plan_page.clear()
        self.notes_page.clear()
        self.tasks_page.clear()
        self.safeguarding_page.clear()
        self.consent_page.clear()
        for dialog in (self.history_dialog, self.agency_dialog):
            if dialog is not None:
                dialog.reject()
        self.visit_bar.clear()
        self.header_label.clear()
        self.close()
        return kept

    def restore_geometry(self, settings: QSettings) -> None:
        """The size and place of the last family window closed, kept whole on this screen."""
        geometry = settings.value("family_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type,unused-ignore]
            clamp_to_screen(self, DEFAULT_SIZE)

    def save_geometry(self, settings: QSettings) -> None:
        settings.setValue("family_window/geometry", self.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._locking and not self._gone:
            kept = self.collect_drafts()
            store, family_id = self.store, self.family_id
            if kept:
                def keep() -> None:
                    for key, payload in kept.items():
                        drafts.save_form_draft(store, key=key, payload=payload,
                                               family_id=family_id)

                self.runner.run_write(keep, _ignore, _log_draft_error)
        self._locking = True
        self._close_print_preview()
        self.closed.emit(self.family_id)
        super().closeEvent(event)


def _ignore(_result: object) -> None:
    return None


def _agency_names(file: FamilyFile) -> tuple[str, ...]:
    """The agencies involved with the family, for the agency choices (typing others is fine)."""
    return tuple(dict.fromkeys(a.agency for a in file.agencies))


def _log_audit_error(error: Exception) -> None:
    log.error("Could not audit opening a family file (%s)", type(error).__name__)


def _log_permission_error(error: Exception) -> None:
    log.error("Could not check who may delete a family (%s)", type(error).__name__)


def _log_draft_error(error: Exception) -> None:
    log.error("Could not keep a form draft (%s)", type(error).__name__)
