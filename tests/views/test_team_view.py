"""The supervisor's team view with a synced team: two workers' devices and the supervisor's app
against a real server, driven through the real widgets."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QTableView
from pytestqt.qtbot import QtBot
from sqlmodel import select
from tests.sync.helpers import Server, add_family, enrolled, sync
from tests.views.conftest import close_down, make_controller, unlock

from familyworker.domain.contact import NoteKind
from familyworker.domain.family import FamilyStatus
from familyworker.services import families, notes, stars
from familyworker.services.programme import default_star_template
from familyworker.services.team_review import Attention
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import FamilyRow, OversightNoteRow
from familyworker.views.app_controller import AppController
from familyworker.views.family.oversight_dialog import OversightDialog
from familyworker.views.family.oversight_panel import OversightPanel
from familyworker.views.shared.row_table_model import RowTableModel
from familyworker.views.team.reallocate_dialog import ReallocateDialog
from familyworker.views.team.thresholds_dialog import ThresholdsDialog

pytestmark = pytest.mark.gui
TODAY = date.today()


def _open_family(store: CaseloadStore, reference: str, *, weeks_ago: int,
                 contact_days_ago: int) -> str:
    fid = add_family(store, reference, f"Household {reference}")
    families.change_status(store, fid, FamilyStatus.OPEN, on=TODAY - timedelta(weeks=weeks_ago))
    notes.save_note(store, family_id=fid, kind=NoteKind.HOME_VISIT,
                    occurred_at=datetime.now(UTC) - timedelta(days=contact_days_ago),
                    narrative="Visit.", finalise=True)
    stars.score_star(store, family_id=fid,
                     scores={d.key: 6 for d in default_star_template().domains})
    return fid


def _references(table: QTableView) -> list[str]:
    model = table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _family_ids(store: CaseloadStore) -> set[str]:
    with store.read() as session:
        return {r.id for r in session.exec(select(FamilyRow)).all()}


@dataclass
class NorthTeam:
    """Ann and Bob (workers) and Sue (their supervisor), each with an enrolled caseload."""

    ann: CaseloadStore
    bob: CaseloadStore
    sue: CaseloadStore
    sue_dir: Path
    bob_id: str
    sue_id: str


def north_team(server: Server, tmp_path: Path) -> NorthTeam:
    team = server.team("North")
    ann_id, bob_id = server.worker("Ann", team), server.worker("Bob", team)
    sue_id = server.worker("Sue", team, role="supervisor")
    return NorthTeam(enrolled(server, tmp_path / "ann", ann_id),
                     enrolled(server, tmp_path / "bob", bob_id),
                     enrolled(server, tmp_path / "sue", sue_id), tmp_path / "sue", bob_id, sue_id)


def _save(dialog: OversightDialog | ReallocateDialog | ThresholdsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_supervisor_reviews_the_team_adds_oversight_and_reallocates(
        qtbot: QtBot, sqlite_server: Server, tmp_path: Path, settings: QSettings) -> None:
    server = sqlite_server
    north = north_team(server, tmp_path)
    ann, bob, sue, sue_dir = north.ann, north.bob, north.sue, north.sue_dir
    bob_id, sue_id = north.bob_id, north.sue_id
    quiet = _open_family(ann, "FAM-1", weeks_ago=20, contact_days_ago=40)
    _open_family(bob, "FAM-2", weeks_ago=2, contact_days_ago=1)
    for store in (ann, bob, sue):
        sync(store, server)
    sue.lock()

    controller = make_controller(qtbot, sue_dir, settings)
    try:
        with qtbot.waitSignal(controller.team.role_known, timeout=30_000) as known:
            unlock(qtbot, controller)
        assert known.args == [True]
        assert controller.team.menu.menuAction().isVisible()
        with qtbot.waitSignal(controller.team.loaded, timeout=10_000):
            controller.team.team_action.trigger()
        window = controller.team.team_window
        assert window is not None and window.isVisible()
        workers = window.workers_model
        assert [(workers.index(r, 0).data(), workers.index(r, 1).data())
                for r in range(workers.rowCount())] == [("Ann", "1"), ("Bob", "1"),
                                                         ("Sue", "0")]
        window.show_section(Attention.NO_CONTACT)
        table = window.current_table()
        assert table is not None and _references(table) == ["FAM-1"]
        window.show_section(Attention.OPEN_TOO_LONG)
        assert _references(window.current_table()) == ["FAM-1"]  # type: ignore[arg-type]
        # An empty list says so in plain words.
        window.show_section(Attention.CONFLICT)
        conflicts = window.attention_tabs[Attention.CONFLICT]
        assert conflicts.stack.currentWidget() is conflicts.empty_label
        assert conflicts.empty_label.text() == "No unresolved sync conflicts."
        assert window.tabs.tabText(window.tabs.currentIndex()) == "Conflicts (0)"

        # Enter on a row opens the family file, as in the caseload list.
        window.show_section(Attention.NO_CONTACT)
        table.setCurrentIndex(table.model().index(0, 0))
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: quiet in controller.family_windows, timeout=5_000)
        family_window = controller.family_windows[quiet]
        qtbot.waitUntil(lambda: family_window.file is not None, timeout=5_000)

        # Management oversight from the family file.
        panel = family_window.findChild(OversightPanel)
        assert panel is not None and not panel.add_button.isHidden()
        family_window.tabs.setCurrentWidget(panel)
        with qtbot.waitSignal(controller.team.dialog_opened) as opened:
            panel.add_button.click()
        dialog = opened.args[0]
        assert isinstance(dialog, OversightDialog)
        _save(dialog)  # no decision yet: refused in the dialog, nothing written
        assert dialog.error_label.text() == "Write the decision first." and dialog.isVisible()
        qtbot.keyClicks(dialog.decision_edit, "Keep open; weekly visits until review.")
        qtbot.keyClicks(dialog.actions_edit, "Ann to visit weekly")
        _save(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
        assert "weekly visits" in panel.detail.toPlainText()
        assert panel.detail.toPlainText().startswith("Decision by Sue")  # who wrote it
        # ... and in the Contact notes chronology, read-only and without addenda.
        notes_page = family_window.notes_page
        notes_model = notes_page.notes_model
        qtbot.waitUntil(lambda: any(notes_model.row_at(r).kind is NoteKind.OVERSIGHT
                                    for r in range(notes_model.rowCount())), timeout=5_000)
        row = next(r for r in range(notes_page.notes_model.rowCount())
                   if notes_page.notes_model.row_at(r).kind is NoteKind.OVERSIGHT)
        assert notes_page.notes_model.index(row, 1).data() == "Management oversight"
        notes_page.select_row(row)
        assert notes_page.narrative_edit.toPlainText().startswith(
            "Decision: Keep open; weekly visits until review.\nActions: Ann to visit weekly")
        assert not notes_page.addendum_box.isEnabled()
        assert not notes_page.save_button.isEnabled()

        controller.runner.wait_until_idle()
        assert controller.store is not None
        sync(controller.store, server)
        sync(ann, server)
        with ann.read() as session:
            arrived = session.exec(select(OversightNoteRow)).all()
        assert [(r.family_id, r.decision, r.actions, r.supervisor_id) for r in arrived] == [
            (quiet, "Keep open; weekly visits until review.", "Ann to visit weekly", sue_id)]

        # Re-allocate FAM-1 from Ann to Bob from the team view.
        window.show_section(Attention.NO_CONTACT)
        table.setCurrentIndex(table.model().index(0, 0))
        with qtbot.waitSignal(controller.team.dialog_opened, timeout=5_000) as opened:
            window.reallocate_button.click()
        move = opened.args[0]
        assert isinstance(move, ReallocateDialog)
        choices = [move.worker_combo.itemText(i) for i in range(move.worker_combo.count())]
        assert choices == ["Bob", "Sue"]  # the current lead is not offered
        move.choose(bob_id)
        with qtbot.waitSignal(controller.team.loaded, timeout=10_000):
            _save(move)
        workers = window.workers_model
        assert workers.index(0, 1).data() == "0" and workers.index(1, 1).data() == "2"
        controller.runner.wait_until_idle()
        sync(controller.store, server)
        assert quiet in _family_ids(ann)
        assert sync(ann, server).purged_families == 1
        assert quiet not in _family_ids(ann)
        sync(bob, server)
        assert quiet in _family_ids(bob)

        # Changes since my last review: both families, until marked reviewed.
        with qtbot.waitSignal(controller.team.loaded, timeout=10_000):
            window.refresh_button.click()
        window.show_section(None)
        assert _references(window.changes_table) == ["FAM-1", "FAM-2"]
        assert window.mark_button.isEnabled()
        first = window.changes_model.row_at(0)
        assert "1 note or addendum" in first.summary and "1 Web Star" in first.summary
        window.changes_table.setCurrentIndex(window.changes_model.index(0, 0))
        with qtbot.waitSignal(controller.team.loaded, timeout=10_000):
            window.mark_button.click()
        assert _references(window.changes_table) == ["FAM-2"]
        item = window.changes_table.model().index(0, 0).data(RowTableModel.RowRole)
        assert item.reference == "FAM-2"

        # Thresholds are settings: 60 days without contact empties that list, in plain words.
        window.show_section(Attention.NO_CONTACT)
        assert _references(table) == ["FAM-1"]
        with qtbot.waitSignal(controller.team.dialog_opened) as opened:
            window.thresholds_button.click()
        limits = opened.args[0]
        assert isinstance(limits, ThresholdsDialog)
        assert limits.spins["no_contact_days"].value() == 28
        limits.spins["no_contact_days"].setValue(60)
        with qtbot.waitSignal(controller.team.loaded, timeout=10_000):
            _save(limits)
        no_contact = window.attention_tabs[Attention.NO_CONTACT]
        assert no_contact.stack.currentWidget() is no_contact.empty_label
        assert "in the last 60 days" in no_contact.empty_label.text()
    finally:
        close_down(controller)
        ann.lock()
        bob.lock()


def test_a_worker_sees_no_team_menu_and_no_oversight_button(
        qtbot: QtBot, controller: AppController) -> None:
    with qtbot.waitSignal(controller.team.role_known, timeout=30_000) as known:
        unlock(qtbot, controller)
    assert known.args == [False]
    assert not controller.team.menu.menuAction().isVisible()
    controller.team.team_action.trigger()
    assert controller.team.team_window is None
    main = controller.main_window
    summary = main.proxy.index(0, 0).data(main.caseload_model.FamilyRole)
    window = controller.open_family(summary.id, summary.reference)
    assert window is not None
    panel = window.findChild(OversightPanel)
    assert panel is not None and panel.add_button.isHidden()
