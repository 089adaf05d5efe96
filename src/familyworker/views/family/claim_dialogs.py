"""Small dialogs for a family's claims on the Outcomes tab: submit a ready route, set a claim's
status, correct it with a new version.

They only gather what is typed; the page confirms, saves off the GUI thread and, if the service
refuses, the dialog stays open with the reason and everything typed still there.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.claims import ClaimRecord, ClaimRoute, ClaimStatus, next_status_allowed
from familyworker.services.claims import FrozenClaim

ROUTE_WORDS = {ClaimRoute.OUTCOME_PLAN: "Outcome plan",
               ClaimRoute.CONTINUOUS_EMPLOYMENT: "Continuous employment"}
SETTABLE = (ClaimStatus.VERIFIED, ClaimStatus.PAID, ClaimStatus.REJECTED)


@dataclass(frozen=True, slots=True)
class ClaimChoice:
    """A route ready to claim, in words for the chooser."""

    label: str
    route: ClaimRoute
    person_id: str | None


def _error_label(name: str, accessible: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    return label


def frozen_html(frozen: FrozenClaim) -> str:
    record = frozen.record
    head = (f"<b>Claim {escape(record.claim_reference)}</b> — "
            f"{ROUTE_WORDS[record.route].lower()}, quarter {escape(record.quarter)}, "
            f"{record.status.value}, version {record.version}.<br>"
            f"Frozen as assessed on {frozen.assessed_on:%d %b %Y}; later changes to the "
            "family do not alter it.")
    return head + "".join(f"<br>• {escape(line)}" for line in frozen.lines)


class SubmitClaimDialog(QDialog):
    """Which ready route, and the council's claim reference; then the frozen result."""

    def __init__(self, choices: Sequence[ClaimChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("submit_claim_dialog")
        self.setWindowTitle("Submit a claim")
        self.choices = list(choices)
        self.route_combo = QComboBox()
        self.route_combo.setObjectName("claim_route_combo")
        self.route_combo.setAccessibleName("Claim for")
        for index, choice in enumerate(self.choices):
            self.route_combo.addItem(choice.label, index)
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("claim_reference_edit")
        self.reference_edit.setAccessibleName("Claim reference")
        self.reference_edit.setPlaceholderText("the council's claim number")
        self.error_label = _error_label("submit_claim_error", "Problem with the claim")
        self.result_label = QLabel("")
        self.result_label.setObjectName("claim_result")
        self.result_label.setAccessibleName("The claim as frozen")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.buttons = QDialogButtonBox()
        self.submit_button = QPushButton("&Submit claim…")
        self.submit_button.setObjectName("submit_claim_button")
        self.submit_button.setDefault(True)
        self.buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.form = QWidget()
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Claim &for:", self.route_combo)
        form.addRow("Claim &reference:", self.reference_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(520)  # the frozen result reads as lines, not a column

    def choice(self) -> ClaimChoice:
        return self.choices[int(self.route_combo.currentData())]

    def reference(self) -> str:
        return self.reference_edit.text()

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.submit_button.setEnabled(True)

    def show_result(self, frozen: FrozenClaim) -> None:
        """Submitted: the form gives way to what was frozen, and the only way on is Close."""
        self.form.hide()
        self.error_label.clear()
        self.submit_button.hide()
        self.close_button.setText("&Close")
        self.result_label.setText(frozen_html(frozen))
        self.result_label.show()
        self.close_button.setFocus()


class ClaimStatusDialog(QDialog):
    """Verified, paid or rejected with its reason: only the moves the claim allows."""

    def __init__(self, claim: ClaimRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claim_status_dialog")
        self.setWindowTitle(f"Set the status of claim {claim.claim_reference}")
        self.claim = claim
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("claim_status_combo")
        self.status_combo.setAccessibleName("New status")
        for status in SETTABLE:
            if next_status_allowed(claim.status, status):
                self.status_combo.addItem(status.value.capitalize(), status.value)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("rejected_reason_edit")
        self.reason_edit.setAccessibleName("Why it was rejected")
        self.error_label = _error_label("claim_status_error", "Problem with the status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow(QLabel(f"Claim {escape(claim.claim_reference)} is {claim.status.value}."))
        form.addRow("&New status:", self.status_combo)
        form.addRow("Reason if re&jected:", self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def status(self) -> ClaimStatus:
        return ClaimStatus(str(self.status_combo.currentData()))

    def _status_changed(self) -> None:
        self.reason_edit.setEnabled(self.status_combo.currentData()
                                    == ClaimStatus.REJECTED.value)

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.buttons.setEnabled(True)


class CorrectClaimDialog(QDialog):
    """A correction: a new version, re-assessed and frozen today, optionally re-referenced."""

    def __init__(self, claim: ClaimRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("correct_claim_dialog")
        self.setWindowTitle(f"Correct claim {claim.claim_reference}")
        self.claim = claim
        self.reference_edit = QLineEdit(claim.claim_reference)
        self.reference_edit.setObjectName("corrected_reference_edit")
        self.reference_edit.setAccessibleName("Claim reference of the new version")
        explain = QLabel(f"Version {claim.version + 1} is assessed and frozen as things stand "
                         f"today and replaces version {claim.version}, which is kept as "
                         "superseded.")
        explain.setWordWrap(True)
        self.error_label = _error_label("correct_claim_error", "Problem with the correction")
        self.buttons = QDialogButtonBox()
        self.correct_button = QPushButton("&Make the new version…")
        self.correct_button.setObjectName("correct_claim_button")
        self.correct_button.setDefault(True)
        self.buttons.addButton(self.correct_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow(explain)
        form.addRow("Claim &reference:", self.reference_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.resize(480, self.sizeHint().height())

    def new_reference(self) -> str:
        return self.reference_edit.text()

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.correct_button.setEnabled(True)
