"""The claims list per quarter, driven through the app on the demo caseload: File › Claims… for
a worker, the team view's Claims tab for a supervisor; Enter on a line opens the family file."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from familyworker.domain.claims import ClaimStatus
from familyworker.domain.quarter import Quarter
from familyworker.services import claims
from familyworker.store.caseload_store import SETTING_ROLE
from familyworker.views.app_controller import AppController
from familyworker.views.shared.shortcuts_dialog import SHORTCUTS
from familyworker.views.team.claims_page import ClaimsPage, counts_text, recent_quarters

from .conftest import unlock
from .test_accessibility import accessible_name, collisions, describe, focusable, label_texts_for

pytestmark = pytest.mark.gui


def _lines(table: QTableView) -> list[tuple[str, ...]]:
    model = table.model()
    return [tuple(str(model.index(r, c).data()) for c in range(model.columnCount()))
            for r in range(model.rowCount())]


def _open_line(qtbot: QtBot, table: QTableView, reference: str) -> None:
    """Choose the line with the keyboard and press Enter, as a person would."""
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == reference)
    table.setFocus()
    table.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)


def _opened(qtbot: QtBot, controller: AppController) -> list[str]:
    """The family files open, once each has loaded (nothing left in flight at teardown)."""
    windows = list(controller.family_windows.values())
    for window in windows:
        qtbot.waitUntil(lambda w=window: w.file is not None, timeout=5000)  # type: ignore[misc]
    controller.runner.wait_until_idle()
    return [w.reference for w in windows]


def test_quarters_start_with_the_current_one() -> None:
    quarters = recent_quarters(date(2026, 2, 10), count=3)
    assert [str(q) for q in quarters] == ["2026Q1", "2025Q4", "2025Q3"]


def test_a_worker_sees_the_quarters_claims_and_opens_a_family(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    store = controller.store
    assert store is not None
    main = controller.main_window
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=5000)
    with qtbot.waitSignal(controller.claims.loaded, timeout=10_000):
        qtbot.keyClick(main, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # File › Claims…
    window = controller.claims.window
    assert window is not None and window.isVisible()
    page = window.page
    buddies = label_texts_for(window)
    assert [describe(w) for w in focusable(window) if not accessible_name(w, buddies)] == []
    assert collisions(window) == []
    assert page.quarter() == Quarter.of(date.today())
    assert controller.claims.action.shortcut().toString() == "Ctrl+Shift+M"
    assert ("Caseload", "Ctrl+Shift+M", "Claims per quarter (Enter opens the family)") \
        in SHORTCUTS  # Help lists it
    expected = claims.claims_list(store, page.quarter())
    shown = _lines(page.table)
    assert len(shown) == len(expected) and expected  # the demo has something to claim
    ready = [line for line in shown if line[0] == "Ready to claim"]
    assert ("FAM-0007", "Outcome plan") in {(line[1], line[2]) for line in ready}
    assert any(line[1] == "FAM-0012" and line[2].startswith("Employment — ")
               for line in ready)
    assert page.counts_label.text() == counts_text(expected)
    assert f"<b>Ready to claim:</b> {len(ready)}" in page.counts_label.text()

    _open_line(qtbot, page.table, "FAM-0007")
    assert _opened(qtbot, controller) == ["FAM-0007"]


def test_another_quarter_and_a_rejection_with_its_reason(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    store = controller.store
    assert store is not None
    # The demo's claim, rejected: it shows under the quarter it was claimed in, with why.
    demo = claims.claims_list(store, Quarter.of(date.today()))
    claimed = [line for line in demo if line.state == ClaimStatus.CLAIMED.value]
    assert claimed, "the demo has a claim made this quarter"
    claims.set_claim_status(store, claimed[0].claim_reference, ClaimStatus.REJECTED,
                            reason="Attendance figures not on the register")
    with qtbot.waitSignal(controller.claims.loaded, timeout=10_000):
        controller.claims.action.trigger()
    page = controller.claims.window.page  # type: ignore[union-attr]
    rejected = [line for line in _lines(page.table) if line[0] == "Rejected"]
    assert [(line[3], line[6]) for line in rejected] == [
        (claimed[0].claim_reference, "Attendance figures not on the register")]
    assert "<b>Rejected:</b> 1" in page.counts_label.text()
    # A quarter two years back: nothing was claimed; only what was ready then.
    with qtbot.waitSignal(controller.claims.loaded, timeout=10_000):
        page.quarter_combo.setCurrentIndex(page.quarter_combo.count() - 1)
    old = page.quarter()
    assert old == recent_quarters(date.today())[-1]
    assert len(_lines(page.table)) == len(claims.claims_list(store, old))
    assert all(line[0] == "Ready to claim" for line in _lines(page.table))


def test_a_supervisor_has_the_claims_tab_in_the_team_view(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    store = controller.store
    assert store is not None
    store.set_setting(SETTING_ROLE, "supervisor")
    controller.team.attach(store)  # as enrolling does: the role is read again
    qtbot.waitUntil(lambda: controller.team.is_manager, timeout=5000)
    window = controller.team.open_team()
    assert window is not None
    page = window.claims_page
    assert isinstance(page, ClaimsPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    window.tabs.setCurrentWidget(page)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Claims"
    assert collisions(window) == []
    assert len(_lines(page.table)) == len(claims.claims_list(store, page.quarter()))
    _open_line(qtbot, page.table, "FAM-0007")
    assert _opened(qtbot, controller) == ["FAM-0007"]
    # Locking forgets every line.
    controller.lock()
    assert page.model.rowCount() == 0
