"""A finalised note looks read-only, not just refuses edits."""

import pytest
from pytestqt.qtbot import QtBot

from familyworker.views.app_controller import AppController
from familyworker.views.family.notes_page import FINAL_BANNER

from .conftest import unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui


def test_finalised_note_fields_are_read_only_and_labelled(qtbot: QtBot,
                                                        controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.notes_page
    window.tabs.setCurrentWidget(page)
    rows = [page.notes_model.row_at(r) for r in range(page.notes_model.rowCount())]
    final_row = next(i for i, note in enumerate(rows) if note.is_final)
    page.select_row(final_row)
    assert page.editing is not None and page.editing.is_final
    assert page.final_banner.isVisibleTo(page)
    assert page.final_banner.text() == FINAL_BANNER
    assert "add an addendum to correct" in page.final_banner.text()
    # Read-only rather than disabled (disabled text was light grey on grey, under 4.5:1; see
    # test_accessibility); the kind combo box, which has no read-only state, is disabled.
    for field in (page.present_edit, page.agencies_edit, page.follow_ups_edit,
                  page.when_edit, page.duration_spin):
        assert field.isReadOnly() and field.property("finalised") is True, field.objectName()
    assert not page.kind_combo.isEnabled()
    before = page.agencies_edit.text()
    qtbot.keyClicks(page.agencies_edit, "Police")
    assert page.agencies_edit.text() == before
    assert page.narrative_edit.isReadOnly()
    assert page.narrative_edit.property("finalised") is True
    assert page.addendum_box.isEnabled()

    page.new_note()  # a new note is editable again and loses the banner
    assert not page.final_banner.isVisibleTo(page)
    assert not page.present_edit.isReadOnly() and not page.narrative_edit.isReadOnly()
    assert page.kind_combo.isEnabled()
    qtbot.keyClicks(page.agencies_edit, "Police")
    assert page.agencies_edit.text() == "Police"
