"""My week as a tree: a heading row per day, the day's items under it (overdue first)."""

from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from familyworker.services.my_week import MyWeek, WeekItem

COLUMNS = ("When", "Family", "What", "To do")
ItemRole = Qt.ItemDataRole.UserRole + 1


def day_heading(day: date, today: date) -> str:
    if day == today:
        return f"Today — {day:%A %d %B}"
    if day == today + timedelta(days=1):
        return f"Tomorrow — {day:%A %d %B}"
    return f"{day:%A %d %B}"


def when_text(item: WeekItem) -> str:
    if item.overdue:
        return "OVERDUE"
    if item.at is not None:
        return f"{item.at:%H:%M}"
    return ""


class MyWeekModel(QStandardItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.week: MyWeek | None = None

    def show_week(self, week: MyWeek) -> None:
        self.week = week
        self.removeRows(0, self.rowCount())
        root = self.invisibleRootItem()
        bold = QFont()
        bold.setBold(True)
        for day, items in week.by_day():
            heading = QStandardItem(day_heading(day, week.today))
            heading.setFont(bold)
            heading.setEditable(False)
            heading.setAccessibleText(f"{day_heading(day, week.today)}: {len(items)} to do")
            fillers = [QStandardItem("") for _ in COLUMNS[1:]]
            for filler in fillers:
                filler.setEditable(False)
            for item in items:
                family = f"{item.reference} · {item.household}" if item.household \
                    else item.reference
                cells = [QStandardItem(when_text(item)), QStandardItem(family),
                         QStandardItem(item.kind.label), QStandardItem(item.text)]
                for cell in cells:
                    cell.setEditable(False)
                    cell.setData(item, ItemRole)
                if item.overdue:
                    cells[0].setFont(bold)
                heading.appendRow(cells)
            root.appendRow([heading, *fillers])

    def clear_week(self) -> None:
        self.week = None
        self.removeRows(0, self.rowCount())

    def item_at(self, index: QModelIndex) -> WeekItem | None:
        found = index.siblingAtColumn(0).data(ItemRole) if index.isValid() else None
        return found if isinstance(found, WeekItem) else None

    def items_shown(self) -> list[WeekItem]:
        found = []
        for row in range(self.rowCount()):
            heading = self.item(row, 0)
            for child in range(heading.rowCount()):
                data = heading.child(child, 0).data(ItemRole)
                if isinstance(data, WeekItem):
                    found.append(data)
        return found
