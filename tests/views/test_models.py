"""Qt model contracts and first-run passphrase creation."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from familyworker.domain.caseload import FamilySummary
from familyworker.domain.family import FamilyStatus
from familyworker.views.caseload.caseload_filter_proxy import CaseloadFilterProxy
from familyworker.views.caseload.caseload_table_model import CaseloadTableModel

from .conftest import close_down, make_controller

pytestmark = pytest.mark.gui


def summary(i: int, name: str, status: FamilyStatus = FamilyStatus.OPEN,
            due: date | None = None) -> FamilySummary:
    return FamilySummary(id=str(i), reference=f"FAM-{i:04d}", household_name=name,
                         postcode="LS1 4AB", status=status, lead_worker_id=None,
                         lead_worker_name="Kerry", last_contact_on=None, next_visit_due=due,
                         review_due=None, today=date(2026, 3, 1), member_names=("Ann Lee",))


def test_caseload_model_obeys_qt_contract(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CaseloadTableModel()
    model.set_rows([summary(1, "The Smiths"), summary(2, "The Khans", due=date(2026, 1, 1))])
    qtmodeltester.check(model)
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("khan")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)


def test_an_overdue_visit_is_shaded_amber_and_an_upcoming_one_is_not() -> None:
    model = CaseloadTableModel()
    model.set_rows([summary(1, "The Smiths", due=date(2026, 1, 1)),
                    summary(2, "The Khans", due=date(2026, 4, 1))])
    column = 5  # Next visit due
    overdue = model.data(model.index(0, column), Qt.ItemDataRole.BackgroundRole)
    assert QColor(overdue).name() == "#ffecc8"
    assert model.data(model.index(1, column), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_sorting_uses_native_values() -> None:
    model = CaseloadTableModel()
    model.set_rows([summary(1, "b", due=date(2026, 5, 1)), summary(2, "a", due=date(2026, 1, 2)),
                    summary(3, "c")])
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(5, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["FAM-0002", "FAM-0001", "FAM-0003"]


def test_search_narrows_as_the_worker_types_and_widens_when_they_delete() -> None:
    model = CaseloadTableModel()
    model.set_rows([summary(1, "The Khans"), summary(2, "The Khalils"),
                    summary(3, "The Kemps", status=FamilyStatus.CLOSED), summary(4, "Lee")])
    proxy = CaseloadFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)

    def shown() -> list[str]:
        return [proxy.index(r, 1).data() for r in range(proxy.rowCount())]

    for typed, expected in (("k", ["The Kemps", "The Khalils", "The Khans"]),
                            ("kh", ["The Khalils", "The Khans"]),
                            ("kha", ["The Khalils", "The Khans"]), ("khan", ["The Khans"]),
                            ("kh", ["The Khalils", "The Khans"]),
                            ("", ["Lee", "The Kemps", "The Khalils", "The Khans"]),
                            ("ann lee", ["Lee", "The Kemps", "The Khalils", "The Khans"])):
        proxy.set_search(typed)
        assert shown() == expected, typed
    proxy.set_search("the")
    proxy.set_status(FamilyStatus.OPEN)
    assert shown() == ["The Khalils", "The Khans"]
    model.set_rows([summary(5, "The Khatuns")])  # a reload keeps the search and filter
    assert shown() == ["The Khatuns"]
    assert proxy.mapToSource(proxy.index(0, 1)).row() == 0


def test_first_run_creates_a_caseload(qtbot: QtBot, tmp_path: Path,
                                      settings: QSettings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from familyworker.store import caseload_store
    from familyworker.store.keys import KDF_FLOOR

    original = caseload_store.CaseloadStore.create.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(caseload_store.CaseloadStore, "create",
                        classmethod(lambda cls, d, p, **k: original(cls, d, p, kdf=KDF_FLOOR)))
    made = make_controller(qtbot, tmp_path / "new", settings)
    made.start()
    dialog = made.create_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.passphrase_edit, "short")
    assert dialog.strength_bar.format() == "Too short"
    assert not dialog.create_button.isEnabled()
    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, "purple kettle river 42")
    qtbot.keyClicks(dialog.repeat_edit, "purple kettle river 4")
    assert not dialog.create_button.isEnabled()
    assert "not the same" in dialog.message_label.text()
    qtbot.keyClicks(dialog.repeat_edit, "2")
    assert dialog.create_button.isEnabled()
    assert dialog.strength_bar.value() >= 3
    with qtbot.waitSignal(made.caseload_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert made.main_window.stack.currentWidget() is made.main_window.empty_label
    close_down(made)


def test_family_file_table_models_obey_qt_contract_and_read_plainly(
        qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from familyworker.domain.contact import ContactNote, NoteKind
    from familyworker.domain.person import Person, PersonFlag
    from familyworker.domain.star import DomainChange
    from familyworker.views.family.distance_table_model import DistanceTableModel
    from familyworker.views.family.members_table_model import MembersTableModel
    from familyworker.views.family.notes_table_model import NotesTableModel

    members = MembersTableModel()
    zoe = Person(id="p1", family_id="f", name="Zoë Ward", relationship="Daughter",
                 date_of_birth=date(2015, 5, 6), flags=(PersonFlag.YOUNG_CARER,))
    members.set_rows([zoe, Person(id="p2", family_id="f", name="Sam Ward")])
    notes = NotesTableModel()
    notes.set_rows([ContactNote(id="n1", family_id="f", kind=NoteKind.PHONE,
                                occurred_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
                                narrative="x" * 120)])
    distance = DistanceTableModel()
    distance.set_rows([("Being healthy", DomainChange("health", 3, 7)),
                       ("Feelings", DomainChange("feelings", 6, 4)),
                       ("Work", DomainChange("work-skills", None, 5))])
    for model in (members, notes, distance):
        qtmodeltester.check(model)
    cell = Qt.ItemDataRole.DisplayRole
    assert members.data(members.index(0, 0), cell) == "Zoë Ward"
    assert members.data(members.index(1, 2), cell) == "—"
    assert members.data(members.index(0, 4), cell) == "Young carer"
    assert members.data(members.index(0, 0), members.RowRole) is zoe
    assert members.row_at(1).name == "Sam Ward"
    assert notes.data(notes.index(0, 3), cell) == "x" * 90 + "…"
    assert notes.headerData(1, Qt.Orientation.Horizontal) == "Kind"
    assert [distance.data(distance.index(r, 3), cell) for r in range(3)] == [
        "▲ +4", "▼ -2", "—"]
