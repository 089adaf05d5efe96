"""Qt table models of the team view: caseload sizes, families needing attention, the queue."""

from typing import ClassVar

from familyworker.services.review_queue import FamilyChanges
from familyworker.services.team_review import AttentionItem, WorkerLoad
from familyworker.views.shared.row_table_model import RowTableModel


class WorkerLoadModel(RowTableModel[WorkerLoad]):
    HEADERS: ClassVar[tuple[str, ...]] = ("Worker", "Active families", "Closed")

    def cell_text(self, item: WorkerLoad, column: int) -> str:
        return (item.name, str(item.active), str(item.closed))[column]


class AttentionModel(RowTableModel[AttentionItem]):
    HEADERS: ClassVar[tuple[str, ...]] = ("Reference", "Household", "Lead worker", "Why")

    def cell_text(self, item: AttentionItem, column: int) -> str:
        return (item.reference, item.household_name, item.worker_name, item.detail)[column]


class ChangesModel(RowTableModel[FamilyChanges]):
    HEADERS: ClassVar[tuple[str, ...]] = ("Reference", "Household", "Lead worker",
                                          "Last reviewed", "What changed")

    def cell_text(self, item: FamilyChanges, column: int) -> str:
        reviewed = (item.reviewed_at.astimezone().strftime("%d %b %Y %H:%M")
                    if item.reviewed_at else "never")
        return (item.reference, item.household_name, item.worker_name, reviewed,
                item.summary)[column]
