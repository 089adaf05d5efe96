"""The Outcomes tab: progress against the council's outcome plan, the family's claims, the
sustainability review, and outcomes recorded by hand before the plan (history only).

One judgement: whether a problem is met is the outcome plan's (domain.outcome_progress), the
same the programme report and the quarterly return count. The tab loads and writes through the
services on the task runner (never on the GUI thread) and holds no rules of its own: what is
ready to claim, and which status moves a claim allows, come from the claims engine
(domain.claims)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from familyworker.domain.claims import (
    ClaimRecord,
    ClaimRoute,
    ClaimsPosition,
    ClaimStatus,
    next_status_allowed,
)
from familyworker.domain.family import FamilyStatus
from familyworker.domain.outcome import Outcome
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import FamilyProgress, ProgressState
from familyworker.services import claims, outcome_evidence, outcomes
from familyworker.services.claim_pack import preview_claim_pack
from familyworker.services.outcomes import FamilyOutcomes
from familyworker.services.printing import ReportPreview
from familyworker.services.programme import default_framework
from familyworker.store.caseload_store import CaseloadStore
from familyworker.views.family.claim_dialogs import (
    ROUTE_WORDS,
    ClaimChoice,
    ClaimStatusDialog,
    CorrectClaimDialog,
    SubmitClaimDialog,
)
from familyworker.views.family.employment_dialog import EmploymentDialog
from familyworker.views.family.print_preview_dialog import PrintPreviewDialog
from familyworker.views.family.reading_dialog import ReadingDialog
from familyworker.views.shared.confirm import ask_to_confirm
from familyworker.views.shared.plain_message import plain_message
from familyworker.views.shared.task_runner import TaskRunner

CLAIM_COLUMNS = ("Claim reference", "Route", "Quarter", "Status", "Version", "Claimed on")
OpenPreview = Callable[[Callable[[], ReportPreview]], object]


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else "—"


STATE_MARKS = {ProgressState.MET: "✔ met", ProgressState.NOT_YET: "◔ not yet",
               ProgressState.NOT_MET: "✘ not met"}


@dataclass(frozen=True, slots=True)
class _Loaded:
    outcomes: FamilyOutcomes
    progress: FamilyProgress
    plan: OutcomePlan
    people: tuple[tuple[str, str], ...]  # (id, name) of the household's members
    adults: tuple[tuple[str, str], ...]  # those who may be on the employment route
    position: ClaimsPosition

    def name_of(self, person_id: str | None) -> str:
        return dict(self.people).get(person_id or "", "an adult")

    def route_words(self, route: ClaimRoute, person_id: str | None) -> str:
        if route is ClaimRoute.CONTINUOUS_EMPLOYMENT:
            return f"{ROUTE_WORDS[route]} — {self.name_of(person_id)}"
        return ROUTE_WORDS[route]


def _load(store: CaseloadStore, family_id: str) -> _Loaded:
    return _Loaded(outcomes=outcomes.family_outcomes(store, family_id),
                   progress=outcome_evidence.family_progress(store, family_id),
                   plan=outcome_evidence.outcome_plan(store),
                   people=outcome_evidence.household_members(store, family_id),
                   adults=outcome_evidence.household_adults(store, family_id),
                   position=claims.family_claims(store, family_id))


def claims_position_html(loaded: _Loaded) -> str:
    """What is ready to claim now, in words (the claims themselves are in the table)."""
    ready = [f"<b>Ready to claim</b>: {escape(loaded.route_words(r.route, r.person_id))} "
             f"(met on {_day(r.met_on)})." for r in loaded.position.ready]
    if ready:
        return "<br>".join(ready)
    if loaded.position.claims:
        return "Nothing more is ready to claim; the family's claims are below."
    return "Nothing is ready to claim yet."


def progress_html(progress: FamilyProgress) -> str:
    """Each identified problem's state in words, then each adult's employment route."""
    lines = []
    for problem in progress.problems:
        when = (f" on {_day(problem.met_on)}" if problem.met_on else
                f" (due {_day(problem.due_on)})" if problem.due_on else "")
        lines.append(f"<b>{escape(problem.label)}</b>: {STATE_MARKS[problem.state]}{when}. "
                     f"{escape(problem.reason)}")
    for adult in progress.employment:
        lines.append(f"<b>Employment</b>: {STATE_MARKS[adult.state]}. {escape(adult.reason)}")
    if progress.plan_met_on is not None:
        # Whether it is still to claim is the Claims box's to say (it may be claimed).
        lines.append(f"<b>The outcome plan is met</b> (every identified problem, on "
                     f"{_day(progress.plan_met_on)}).")
    return "<br>".join(lines) or "No problems have been identified yet."


def earlier_outcomes_html(earlier: tuple[Outcome, ...], labels: dict[str, str]) -> str:
    """Outcomes typed in by hand before the outcome plan: kept, shown, counted by nothing."""
    if not earlier:
        return ""
    rows = [f"{escape(labels.get(o.criterion_key, o.criterion_key))}, {_day(o.achieved_on)}: "
            f"{escape(o.evidence)}" for o in earlier]
    return ("<b>Recorded by hand before the outcome plan</b> (kept as history; the plan's "
            "readings above decide what is met):<br>" + "<br>".join(rows))


class OutcomesPage(QWidget):
    dialog_opened = Signal(object)  # a claim or employment dialog, or the confirmation

    def __init__(self, store: CaseloadStore, runner: TaskRunner, *, family_id: str,
                 on_changed: Callable[[], None] | None = None,
                 open_preview: OpenPreview | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomes_page")
        self.setAccessibleName("Outcomes")
        self.store, self.runner, self.family_id = store, runner, family_id
        self._on_changed = on_changed
        self.shown: FamilyOutcomes | None = None
        self.loaded: _Loaded | None = None
        self.reading_dialog: ReadingDialog | None = None
        self.employment_dialog: EmploymentDialog | None = None
        self.claim_dialog: SubmitClaimDialog | ClaimStatusDialog | CorrectClaimDialog | None = None
        self.preview_dialog: PrintPreviewDialog | None = None
        self._open_preview = open_preview
        self.framework = default_framework()

        self.ready_label = QLabel("Loading…")
        self.ready_label.setObjectName("claims_ready")
        self.ready_label.setAccessibleName("Ready to claim")
        self.ready_label.setWordWrap(True)
        self.claims_table = QTableWidget(0, len(CLAIM_COLUMNS))
        self.claims_table.setObjectName("claims_table")
        self.claims_table.setAccessibleName("The family's claims")
        self.claims_table.setHorizontalHeaderLabels(list(CLAIM_COLUMNS))
        self.claims_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.claims_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.claims_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.claims_table.verticalHeader().hide()
        self.claims_table.setTabKeyNavigation(False)
        self.claims_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.claims_table.horizontalHeader().setStretchLastSection(True)
        self.claims_table.setMaximumHeight(120)
        self.claim_button = QPushButton("Submit a c&laim…")
        self.claim_button.setObjectName("claim_button")
        self.claim_button.setEnabled(False)
        self.status_button = QPushButton("Set stat&us…")
        self.status_button.setObjectName("claim_status_button")
        self.correct_button = QPushButton("Correct a&s a new version…")
        self.correct_button.setObjectName("correct_button")
        self.pack_button = QPushButton("Evidence pack…")
        self.pack_button.setObjectName("pack_button")
        self.pack_button.setAccessibleName("Evidence pack: preview, save as PDF or print")
        self.pack_button.setToolTip("Ctrl+P")
        claim_box = QGroupBox("Claims")
        claim_layout = QVBoxLayout(claim_box)
        claim_layout.addWidget(self.ready_label)
        claim_layout.addWidget(self.claims_table)
        claim_buttons = QHBoxLayout()
        for button in (self.claim_button, self.status_button, self.correct_button,
                       self.pack_button):
            claim_buttons.addWidget(button)
        claim_buttons.addStretch(1)
        claim_layout.addLayout(claim_buttons)

        self.progress_label = QLabel("Loading…")
        self.progress_label.setObjectName("plan_progress")
        self.progress_label.setAccessibleName("Progress against the outcome plan")
        self.progress_label.setWordWrap(True)
        self.reading_button = QPushButton("Record a readin&g…")
        self.reading_button.setObjectName("reading_button")
        self.reading_button.setEnabled(False)
        progress_box = QGroupBox("Progress against the council's outcome plan")
        progress_layout = QVBoxLayout(progress_box)
        progress_layout.addWidget(self.progress_label)
        self.employment_button = QPushButton("Record e&mployment…")
        self.employment_button.setObjectName("employment_button")
        self.employment_button.setEnabled(False)
        evidence_buttons = QHBoxLayout()
        evidence_buttons.addWidget(self.reading_button)
        evidence_buttons.addWidget(self.employment_button)
        evidence_buttons.addStretch(1)
        progress_layout.addLayout(evidence_buttons)

        self.review_label = QLabel("")
        self.review_label.setObjectName("review_label")
        self.review_label.setWordWrap(True)
        self.sustained_button = QPushButton("Outcomes held — &keep closed")
        self.sustained_button.setObjectName("sustained_button")
        self.reopen_button = QPushButton("&Reopen the case")
        self.reopen_button.setObjectName("reopen_button")
        self.review_box = QGroupBox("Sustainability review")
        self.review_box.setObjectName("review_box")
        review_layout = QVBoxLayout(self.review_box)
        review_layout.addWidget(self.review_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sustained_button)
        buttons.addWidget(self.reopen_button)
        review_layout.addLayout(buttons)
        self.review_box.hide()

        self.earlier_label = QLabel("")
        self.earlier_label.setObjectName("earlier_outcomes")
        self.earlier_label.setAccessibleName("Outcomes recorded by hand before the outcome plan")
        self.earlier_label.setWordWrap(True)
        self.earlier_label.hide()

        self.message_label = QLabel("")
        self.message_label.setObjectName("outcomes_message")
        self.message_label.setAccessibleName("Outcomes message")
        self.message_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(progress_box)
        layout.addWidget(claim_box)
        layout.addWidget(self.review_box)
        layout.addWidget(self.earlier_label)
        layout.addWidget(self.message_label)
        layout.addStretch(1)

        self.claim_button.clicked.connect(self.open_submit_dialog)
        self.status_button.clicked.connect(self.open_status_dialog)
        self.correct_button.clicked.connect(self.open_correct_dialog)
        self.pack_button.clicked.connect(self.open_evidence_pack)
        self.claims_table.itemSelectionChanged.connect(self._update_claim_buttons)
        self.reading_button.clicked.connect(self.open_reading_dialog)
        self.employment_button.clicked.connect(self.open_employment_dialog)
        self.sustained_button.clicked.connect(lambda: self.record_review(sustained=True))
        self.reopen_button.clicked.connect(lambda: self.record_review(sustained=False))
        self.reload()

    # ----- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        store, family_id = self.store, self.family_id
        self.runner.run(lambda: _load(store, family_id), self._show, self._error)

    def _show(self, loaded: _Loaded) -> None:
        if not isValid(self):  # the window closed (or locked) while this was loading
            return
        view = loaded.outcomes
        self.loaded = loaded
        self.progress_label.setText(progress_html(loaded.progress))
        self.reading_button.setEnabled(True)
        self.employment_button.setEnabled(bool(loaded.adults))
        self._show_claims(loaded)
        self.shown = view
        labels = {c.key: c.label for c in self.framework.criteria}
        self.earlier_label.setText(earlier_outcomes_html(view.earlier_outcomes, labels))
        self.earlier_label.setVisible(bool(view.earlier_outcomes))
        due = view.review_due
        self.review_box.setVisible(view.status is FamilyStatus.CLOSED and due is not None)
        if due is not None:
            self.review_label.setText(
                f"Review due {_day(due)}: check whether the outcomes have held since closing.")

    def _show_claims(self, loaded: _Loaded) -> None:
        self.ready_label.setText(claims_position_html(loaded))
        self.claim_button.setEnabled(bool(loaded.position.ready))
        shown = loaded.position.claims
        self.claims_table.setRowCount(len(shown))
        for row, claim in enumerate(shown):
            status = claim.status.value
            if claim.status is ClaimStatus.REJECTED:
                status += f": {claim.rejected_reason}"
            cells = (claim.claim_reference, loaded.route_words(claim.route, claim.person_id),
                     claim.quarter, status, str(claim.version), _day(claim.claimed_on))
            for column, text in enumerate(cells):
                self.claims_table.setItem(row, column, QTableWidgetItem(text))
        if shown and not self.claims_table.selectedItems():
            self.claims_table.selectRow(0)
        self._update_claim_buttons()

    def selected_claim(self) -> ClaimRecord | None:
        if self.loaded is None:
            return None
        rows = {index.row() for index in self.claims_table.selectedIndexes()}
        claims_shown = self.loaded.position.claims
        return claims_shown[min(rows)] if rows and min(rows) < len(claims_shown) else None

    def _update_claim_buttons(self) -> None:
        claim = self.selected_claim()
        self.status_button.setEnabled(claim is not None and any(
            next_status_allowed(claim.status, s) for s in ClaimStatus))
        self.correct_button.setEnabled(claim is not None
                                       and claim.status is not ClaimStatus.PAID)
        self.pack_button.setEnabled(claim is not None)

    def _error(self, error: Exception) -> None:
        if isValid(self):
            self.message_label.setText(escape(plain_message(error)))

    # ----- actions -------------------------------------------------------------------------

    def _write(self, work: Callable[[], Any], done_text: str) -> None:
        """Run a change off the GUI thread; a refusal is shown in words."""
        def done(_result: object) -> None:
            if not isValid(self):
                return
            self.message_label.setText(done_text)
            self.reload()
            if self._on_changed is not None:
                self._on_changed()

        self.runner.run_write(work, done, self._error)

    def record_review(self, *, sustained: bool) -> None:
        store, family_id = self.store, self.family_id
        text = ("Review recorded: outcomes held." if sustained
                else "Review recorded: the case is open again.")
        self._write(lambda: outcomes.record_sustainability_review(store, family_id,
                                                                  sustained=sustained), text)

    def open_reading_dialog(self) -> ReadingDialog | None:
        """A small dialog; saved off the GUI thread, left open with the reason if refused."""
        if self.loaded is None:
            return None
        identified = {p.problem for p in self.loaded.progress.problems}
        # The family's own problems' measures first: those are the ones that count.
        measures = sorted(self.loaded.plan.measures, key=lambda m: m.problem not in identified)
        dialog = ReadingDialog(measures, self.loaded.people, self)
        dialog.buttons.accepted.connect(lambda: self._save_reading(dialog))
        self.reading_dialog = dialog
        dialog.open()
        return dialog

    def _save_reading(self, dialog: ReadingDialog) -> None:
        store, family_id, typed = self.store, self.family_id, dialog.reading()
        dialog.buttons.setEnabled(False)

        def work() -> object:
            return outcome_evidence.record_reading(
                store, family_id, measure_key=typed.measure_key, person_id=typed.person_id,
                period_start=typed.period_start, period_end=typed.period_end,
                value=typed.value, source=typed.source,
                source_reference=typed.source_reference, verified_by=typed.verified_by)

        self._save_from(dialog, work, "Reading recorded.")

    # ----- saving in a dialog: left open with the reason if refused -------------------------

    def _save_from(self, dialog: QDialog, work: Callable[[], Any], done_text: str,
                   on_saved: Callable[[Any], None] | None = None) -> None:
        """Save off the GUI thread; on success close the dialog (or hand it the result), on
        refusal keep it open with the reason and everything typed."""
        def done(result: object) -> None:
            if not isValid(self):
                return
            if on_saved is not None:
                on_saved(result)
            elif isValid(dialog):
                dialog.accept()
            self.message_label.setText(done_text)
            self.reload()
            if self._on_changed is not None:
                self._on_changed()

        def refused(error: Exception) -> None:
            if isValid(dialog):
                dialog.show_problem(plain_message(error))  # type: ignore[attr-defined]

        self.runner.run_write(work, done, refused)

    def _show_dialog(self, dialog: QDialog) -> None:
        dialog.open()
        self.dialog_opened.emit(dialog)

    # ----- employment ----------------------------------------------------------------------

    def open_employment_dialog(self) -> EmploymentDialog | None:
        if self.loaded is None or not self.loaded.adults:
            return None
        dialog = EmploymentDialog(self.loaded.adults,
                                  default_source=self.loaded.plan.employment.source,
                                  parent=self)
        dialog.buttons.accepted.connect(lambda: self._save_employment(dialog))
        self.employment_dialog = dialog
        self._show_dialog(dialog)
        return dialog

    def _save_employment(self, dialog: EmploymentDialog) -> None:
        store, family_id, typed = self.store, self.family_id, dialog.employment()
        dialog.buttons.setEnabled(False)
        self._save_from(dialog, lambda: outcome_evidence.record_employment(
            store, family_id, person_id=typed.person_id, started_on=typed.started_on,
            hours_per_week=typed.hours_per_week, source=typed.source,
            benefit_ended_on=typed.benefit_ended_on, ended_on=typed.ended_on,
            source_reference=typed.source_reference), "Employment recorded.")

    # ----- claims --------------------------------------------------------------------------

    def open_submit_dialog(self) -> SubmitClaimDialog | None:
        loaded = self.loaded
        if loaded is None or not loaded.position.ready:
            return None
        choices = [ClaimChoice(f"{loaded.route_words(r.route, r.person_id)} (met on "
                               f"{_day(r.met_on)})", r.route, r.person_id)
                   for r in loaded.position.ready]
        dialog = SubmitClaimDialog(choices, self)
        dialog.submit_button.clicked.connect(lambda: self._confirm_submit(dialog))
        self.claim_dialog = dialog
        self._show_dialog(dialog)
        return dialog

    def _confirm_submit(self, dialog: SubmitClaimDialog) -> None:
        choice, reference = dialog.choice(), dialog.reference().strip()
        if not reference:
            dialog.show_problem("A claim needs its claim reference.")
            dialog.reference_edit.setFocus()
            return
        box = ask_to_confirm(
            dialog, title="Submit this claim?",
            text=(f"Submit claim {reference} for {choice.label}? What it rests on is frozen "
                  "into the claim as it stands today: later changes to the family do not "
                  "alter it. A mistake is put right with a correction, a new version."),
            confirm_label="&Submit the claim",
            on_confirm=lambda: self._submit(dialog, choice, reference))
        self.dialog_opened.emit(box)

    def _submit(self, dialog: SubmitClaimDialog, choice: ClaimChoice, reference: str) -> None:
        store, family_id = self.store, self.family_id
        dialog.submit_button.setEnabled(False)

        def work() -> claims.FrozenClaim:
            made = claims.submit_claim(store, family_id, claim_reference=reference,
                                       route=choice.route, person_id=choice.person_id)
            return claims.frozen_claim(store, made.claim_reference)

        def show(frozen: Any) -> None:
            if isValid(dialog):
                dialog.show_result(frozen)

        self._save_from(dialog, work, f"Claim {reference} submitted.", on_saved=show)

    def open_status_dialog(self) -> ClaimStatusDialog | None:
        claim = self.selected_claim()
        if claim is None:
            return None
        dialog = ClaimStatusDialog(claim, self)
        dialog.buttons.accepted.connect(lambda: self._save_status(dialog))
        self.claim_dialog = dialog
        self._show_dialog(dialog)
        return dialog

    def _save_status(self, dialog: ClaimStatusDialog) -> None:
        store, reference = self.store, dialog.claim.claim_reference
        status, reason = dialog.status(), dialog.reason_edit.text()
        dialog.buttons.setEnabled(False)
        self._save_from(dialog, lambda: claims.set_claim_status(store, reference, status,
                                                                reason=reason),
                        f"Claim {reference} is now {status.value}.")

    def open_correct_dialog(self) -> CorrectClaimDialog | None:
        claim = self.selected_claim()
        if claim is None:
            return None
        dialog = CorrectClaimDialog(claim, self)
        dialog.correct_button.clicked.connect(lambda: self._confirm_correct(dialog))
        self.claim_dialog = dialog
        self._show_dialog(dialog)
        return dialog

    def _confirm_correct(self, dialog: CorrectClaimDialog) -> None:
        old = dialog.claim
        new_reference = dialog.new_reference().strip() or old.claim_reference
        box = ask_to_confirm(
            dialog, title="Correct this claim?",
            text=(f"Make version {old.version + 1} of claim {old.claim_reference}, assessed and "
                  f"frozen as things stand today? Version {old.version} is kept, superseded."),
            confirm_label="&Make the new version",
            on_confirm=lambda: self._correct(dialog, new_reference))
        self.dialog_opened.emit(box)

    def _correct(self, dialog: CorrectClaimDialog, new_reference: str) -> None:
        store, old = self.store, dialog.claim.claim_reference
        dialog.correct_button.setEnabled(False)
        self._save_from(dialog, lambda: claims.correct_claim(store, old,
                                                             new_reference=new_reference),
                        f"Claim {new_reference} corrected: a new version is frozen.")

    # ----- the evidence pack ---------------------------------------------------------------

    def open_evidence_pack(self) -> object:
        """The pack in the print preview: Save as PDF… (Documents, "not encrypted") or
        Print…, exactly as every other report is saved."""
        claim = self.selected_claim()
        if claim is None:
            return None
        store, reference = self.store, claim.claim_reference

        def render() -> ReportPreview:
            return preview_claim_pack(store, reference)

        if self._open_preview is not None:
            return self._open_preview(render)
        if self.preview_dialog is not None:
            self.preview_dialog.reject()
        dialog = PrintPreviewDialog(self.store, self.runner, render, reference=reference,
                                    parent=self)
        self.preview_dialog = dialog
        dialog.show()
        dialog.start()
        self.dialog_opened.emit(dialog)
        return dialog
