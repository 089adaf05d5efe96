"""The claims list per quarter: families ready to claim, then claims made in the quarter by
status (claimed, verified, paid, rejected with the reason), with counts.

Shows what it is handed (never queries the store): a supervisor sees it as the team view's
Claims tab, a worker in the Claims window from the File menu; on a worker's device the caseload
holds only their own families, so that is what they see. Enter or a double-click on a line opens
the family file.
"""

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.claims import ClaimRoute, ClaimStatus
from familyworker.domain.quarter import Quarter
from familyworker.services.claims import ClaimsListLine
from familyworker.views.shared.record_table_view import record_table_view
from familyworker.views.shared.row_table_model import RowTableModel

QUARTERS_BACK = 8  # two years of returns to look back on
STATES = ("ready", ClaimStatus.CLAIMED.value, ClaimStatus.VERIFIED.value,
          ClaimStatus.PAID.value, ClaimStatus.REJECTED.value)
STATE_WORDS = {"ready": "Ready to claim", "claimed": "Claimed", "verified": "Verified",
               "paid": "Paid", "rejected": "Rejected"}


def recent_quarters(today: date, count: int = QUARTERS_BACK) -> list[Quarter]:
    """This quarter first, then the ones before it."""
    quarter = Quarter.of(today)
    found = [quarter]
    for _ in range(count - 1):
        year, number = (quarter.year, quarter.number - 1) if quarter.number > 1 else (
            quarter.year - 1, 4)
        quarter = Quarter(year, number)
        found.append(quarter)
    return found


def counts_text(lines: Sequence[ClaimsListLine]) -> str:
    counts = {state: sum(1 for line in lines if line.state == state) for state in STATES}
    return " · ".join(f"<b>{STATE_WORDS[state]}:</b> {counts[state]}" for state in STATES)


class ClaimsModel(RowTableModel[ClaimsListLine]):
    HEADERS: ClassVar[tuple[str, ...]] = ("State", "Family", "Route", "Claim reference",
                                          "Version", "Date", "Reason rejected")

    def cell_text(self, item: ClaimsListLine, column: int) -> str:
        route = ("Outcome plan" if item.route is ClaimRoute.OUTCOME_PLAN
                 else f"Employment — {item.person_name or 'an adult'}")
        when = "" if item.on is None else (
            f"met {item.on:%d %b %Y}" if item.state == "ready" else f"{item.on:%d %b %Y}")
        return (STATE_WORDS.get(item.state, item.state), item.family_reference, route,
                item.claim_reference or "—", str(item.version) if item.version else "—",
                when, item.rejected_reason)[column]


class ClaimsPage(QWidget):
    quarter_changed = Signal(object)  # the Quarter chosen: the owner loads its lines
    family_requested = Signal(str, str)  # (family id, reference)

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claims_page")
        self.setAccessibleName("Claims")
        self.quarter_combo = QComboBox()
        self.quarter_combo.setObjectName("claims_quarter_combo")
        self.quarter_combo.setAccessibleName("Quarter")
        for quarter in recent_quarters(today or date.today()):
            self.quarter_combo.addItem(
                f"{quarter} ({quarter.start:%b} to {quarter.end:%b %Y})", str(quarter))
        quarter_label = QLabel("&Quarter:")
        quarter_label.setBuddy(self.quarter_combo)
        self.counts_label = QLabel("Loading…")
        self.counts_label.setObjectName("claims_counts")
        self.counts_label.setAccessibleName("Claims in the quarter")
        self.counts_label.setWordWrap(True)
        self.model = ClaimsModel(self)
        self.table = record_table_view(self.model, object_name="claims_list_table",
                                       accessible_name="Claims in the quarter",
                                       stretch_column=6, widths=(120, 110, 240, 140, 70, 140))
        self.table.activated.connect(self._on_activated)  # Enter or double-click
        self.empty_label = QLabel("")
        self.empty_label.setObjectName("claims_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        top = QHBoxLayout()
        top.addWidget(quarter_label)
        top.addWidget(self.quarter_combo)
        top.addWidget(self.counts_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        hint = QLabel("Enter or a double-click on a line opens the family file.")
        hint.setObjectName("claims_hint")
        layout.addWidget(hint)
        self.quarter_combo.currentIndexChanged.connect(
            lambda _i: self.quarter_changed.emit(self.quarter()))

    def quarter(self) -> Quarter:
        return Quarter.parse(str(self.quarter_combo.currentData()))

    def set_lines(self, quarter: Quarter, lines: Sequence[ClaimsListLine]) -> None:
        if quarter != self.quarter():
            return  # an answer for a quarter no longer chosen
        self.model.set_rows(lines)
        self.counts_label.setText(counts_text(lines))
        self.empty_label.setText(f"No family was ready to claim and no claim was made in "
                                 f"{quarter}.")
        self.stack.setCurrentWidget(self.table if lines else self.empty_label)

    def show_problem(self, text: str) -> None:
        self.counts_label.setText(text)

    def clear(self) -> None:
        self.model.set_rows(())
        self.counts_label.setText("")

    def _on_activated(self, index: QModelIndex) -> None:
        line = index.data(RowTableModel.RowRole)
        if isinstance(line, ClaimsListLine) and line.family_id:
            self.family_requested.emit(line.family_id, line.family_reference)


class ClaimsWindow(QMainWindow):
    """The claims list on its own, for a worker (a supervisor has it in the team view)."""

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claims_window")
        self.setWindowTitle("FamilyWorker — Claims")
        self.setAccessibleName("Claims")
        self.page = ClaimsPage(today)
        self.setCentralWidget(self.page)
        close = QAction("Close", self)
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        self.addAction(close)
        self.resize(1000, 560)
