"""Writing contact notes: whether the contact happened, the child, who was present, when, and
team around the family meetings, driven through the Contact notes tab as a worker would."""

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from familyworker.domain.contact import ChildSeen, ContactNote, ContactOutcome, NoteKind
from familyworker.services import visits
from familyworker.services.drafts import load_form_draft
from familyworker.services.family_file import load_family_file
from familyworker.services.queries import family_by_id
from familyworker.store.mapping import family_from_row, family_values
from familyworker.views.app_controller import AppController
from familyworker.views.caseload.caseload_table_model import CaseloadTableModel
from familyworker.views.family.family_window import FamilyWindow
from familyworker.views.family.notes_page import DECISIONS_LABEL, NARRATIVE_LABEL, NotesPage

from .conftest import confirm, unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui

LEFT = Qt.MouseButton.LeftButton


def new_note(qtbot: QtBot, window: FamilyWindow) -> NotesPage:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    page = window.notes_page
    assert window.tabs.currentWidget() is page
    return page


def choose(combo: object, value: object) -> None:
    index = combo.findData(value)  # type: ignore[attr-defined]
    assert index >= 0, value
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def save_draft(qtbot: QtBot, window: FamilyWindow) -> None:
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(window.notes_page.save_button, LEFT)


def finalise(qtbot: QtBot, window: FamilyWindow) -> str:
    """Press Finalise, answer yes; returns the question's text."""
    page = window.notes_page
    qtbot.mouseClick(page.finalise_button, LEFT)
    assert page.confirm_box is not None
    question = page.confirm_box.text()
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        confirm(qtbot, page)
    return question


def open_unbooked_family(qtbot: QtBot, controller: AppController) -> FamilyWindow:
    """The first family, with its booked visit cancelled (the demo books most open cases')."""
    assert controller.store is not None
    family = controller.main_window.proxy.index(0, 0).data(CaseloadTableModel.FamilyRole)
    visits.cancel_visit(controller.store, family.id)
    return open_first_family(qtbot, controller)


def stored(controller: AppController, window: FamilyWindow, note_id: str) -> ContactNote:
    assert controller.store is not None
    file = load_family_file(controller.store, family_id=window.family_id)
    return next(n for n in file.notes if n.id == note_id)


def test_a_home_visit_with_no_answer_is_finalised_as_not_contact(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_unbooked_family(qtbot, controller)
    page = new_note(qtbot, window)
    qtbot.keyClicks(page.narrative_edit, "Knocked twice and rang; nobody in. Left a card.")
    choose(page.kind_combo, NoteKind.HOME_VISIT)
    # No visit is booked: the time the form opened is not taken as the time of the visit.
    assert not page.when_chosen and page.when_hint.isVisibleTo(page)
    qtbot.mouseClick(page.save_button, LEFT)
    assert page.message_label.text() == \
        "Say when the contact happened (Date and time), or press Now."
    qtbot.mouseClick(page.now_button, LEFT)
    assert page.when_chosen and not page.when_hint.isVisibleTo(page)
    # Whether it happened is asked, never assumed.
    assert page.outcome_combo.currentData() is None
    qtbot.mouseClick(page.finalise_button, LEFT)
    assert page.message_label.text() == \
        "Choose whether the contact happened (Did the contact happen?)."
    assert page.confirm_box is None
    choose(page.outcome_combo, ContactOutcome.NO_ANSWER)
    question = finalise(qtbot, window)
    assert "did not happen (no answer / not in): it will not count as contact" in question
    note = page.editing
    assert note is not None and note.is_final
    saved = stored(controller, window, note.id)
    assert saved.outcome is ContactOutcome.NO_ANSWER and not saved.counts_as_contact
    row = next(r for r in range(page.notes_model.rowCount())
               if page.notes_model.row_at(r).id == note.id)
    assert page.notes_model.index(row, 1).data() == "Home visit — no answer / not in"
    assert not page.outcome_combo.isEnabled()  # finalised: fixed like the kind


def test_the_child_seen_alone_and_their_words_round_trip(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = new_note(qtbot, window)
    choose(page.kind_combo, NoteKind.HOME_VISIT)
    qtbot.mouseClick(page.now_button, LEFT)
    choose(page.outcome_combo, ContactOutcome.MADE)
    choose(page.child_seen_combo, ChildSeen.SEEN_ALONE)
    qtbot.keyClicks(page.child_voice_edit, "I don't like it when they shout.")
    qtbot.keyClicks(page.narrative_edit, "Saw the children; spoke to the eldest alone.")
    question = finalise(qtbot, window)
    assert "will not count as contact" not in question
    note = page.editing
    assert note is not None
    saved = stored(controller, window, note.id)
    assert saved.child_seen is ChildSeen.SEEN_ALONE
    assert saved.child_voice == "I don't like it when they shout."
    assert saved.counts_as_contact
    page.new_note()
    assert page.child_voice_edit.toPlainText() == ""
    assert page.child_seen_combo.currentData() == ChildSeen.NOT_RECORDED
    page.select_row(next(r for r in range(page.notes_model.rowCount())
                         if page.notes_model.row_at(r).id == note.id))
    assert page.child_seen_combo.currentData() == ChildSeen.SEEN_ALONE
    assert page.child_voice_edit.toPlainText() == "I don't like it when they shout."
    assert page.child_voice_edit.isReadOnly()


def test_present_members_are_ticked_and_come_back_after_a_lock(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_unbooked_family(qtbot, controller)
    family_id, reference = window.family_id, window.reference
    assert window.file is not None
    members = [m.name for m in window.file.members]
    assert len(members) >= 2
    page = new_note(qtbot, window)
    boxes = page.present_picker.boxes
    assert [b.text().replace("&&", "&") for b in boxes] == members
    assert all(b.accessibleName() == f"{n} was present" for b, n in zip(boxes, members,
                                                                        strict=True))
    # Tab goes from the duration through each member to "Anyone else present".
    chain, widget = [], page.duration_spin.nextInFocusChain()
    while widget is not page.agencies_edit:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain.index(boxes[0]) < chain.index(boxes[-1]) < chain.index(page.present_edit)
    qtbot.mouseClick(boxes[1], LEFT)
    qtbot.keyClicks(page.present_edit, "Health visitor")
    choose(page.kind_combo, NoteKind.HOME_VISIT)
    choose(page.outcome_combo, ContactOutcome.DID_NOT_ATTEND)
    choose(page.child_seen_combo, ChildSeen.SEEN)
    qtbot.keyClicks(page.narrative_edit, "Half-written")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    controller.runner.wait_until_idle()
    assert controller.store is None
    unlock(qtbot, controller)
    assert controller.store is not None
    kept = load_form_draft(controller.store, f"note:{family_id}")
    assert kept is not None and kept["present"] == [members[1], "Health visitor"]
    reopened = controller.open_family(family_id, reference)
    assert reopened is not None
    qtbot.waitUntil(lambda: reopened.file is not None, timeout=5000)
    controller.runner.wait_until_idle()
    page = reopened.notes_page
    assert [b.isChecked() for b in page.present_picker.boxes] == \
        [i == 1 for i in range(len(members))]
    assert page.present_edit.text() == "Health visitor"
    assert page.outcome_combo.currentData() == ContactOutcome.DID_NOT_ATTEND
    assert page.child_seen_combo.currentData() == ChildSeen.SEEN
    assert not page.when_chosen  # never chosen before the lock: still to be set
    qtbot.mouseClick(page.now_button, LEFT)
    save_draft(qtbot, reopened)
    note = page.editing
    assert note is not None
    assert stored(controller, reopened, note.id).present == (members[1], "Health visitor")
    # An existing note opened again re-ticks its members.
    page.new_note()
    assert not any(b.isChecked() for b in page.present_picker.boxes)
    page.select_row(next(r for r in range(page.notes_model.rowCount())
                         if page.notes_model.row_at(r).id == note.id))
    assert page.present_picker.boxes[1].isChecked()
    assert page.present_edit.text() == "Health visitor"


def test_when_defaults_to_the_booked_visit(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    store = controller.store
    assert store is not None
    index = controller.main_window.proxy.index(0, 0)
    family_id = index.data(CaseloadTableModel.FamilyRole).id
    # Booked for two hours ago: the visit has happened and is being written up.
    booked_at = (datetime.now().astimezone() - timedelta(hours=2)).replace(
        second=0, microsecond=0)
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        uow.update(row, family_values(family_from_row(row).book_visit(booked_at, "home")))
    window = open_first_family(qtbot, controller)
    page = new_note(qtbot, window)
    assert page.when_chosen
    shown = page.when_edit.dateTime()
    assert (shown.date().day(), shown.time().hour(), shown.time().minute()) == \
        (booked_at.day, booked_at.hour, booked_at.minute)
    assert "booked visit at home" in page.when_hint.text()
    assert page.when_hint.isVisibleTo(page)
    choose(page.kind_combo, NoteKind.HOME_VISIT)
    choose(page.outcome_combo, ContactOutcome.MADE)
    qtbot.keyClicks(page.narrative_edit, "Visited as booked.")
    save_draft(qtbot, window)
    note = page.editing
    assert note is not None
    assert stored(controller, window, note.id).occurred_at == booked_at
    # The visit is now recorded: the next new note no longer offers it.
    finalise(qtbot, window)
    page.new_note()
    assert not page.when_chosen


def test_a_visit_still_to_come_is_not_offered_as_the_time(
        qtbot: QtBot, controller: AppController) -> None:
    """A call today, before Wednesday's booked visit, is not dated Wednesday."""
    unlock(qtbot, controller)
    assert controller.store is not None
    family = controller.main_window.proxy.index(0, 0).data(CaseloadTableModel.FamilyRole)
    visits.book_visit(controller.store, family.id,
                      at=datetime.now().astimezone() + timedelta(days=2), where="home")
    window = open_first_family(qtbot, controller)
    page = new_note(qtbot, window)
    assert not page.when_chosen and "Not chosen yet" in page.when_hint.text()


def test_a_team_around_the_family_meeting(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = new_note(qtbot, window)
    assert page.narrative_label.text() == NARRATIVE_LABEL
    choose(page.kind_combo, NoteKind.TEXT_EMAIL)  # no child is seen in a text
    assert not page.child_seen_combo.isVisibleTo(page)
    assert not page.outcome_combo.isVisibleTo(page)
    assert not page.next_meeting_edit.isVisibleTo(page)
    choose(page.kind_combo, NoteKind.TEAM_AROUND_FAMILY)
    assert page.outcome_combo.isVisibleTo(page) and page.child_seen_combo.isVisibleTo(page)
    assert page.narrative_label.text() == DECISIONS_LABEL
    assert page.narrative_edit.accessibleName() == "Decisions made"
    assert page.next_meeting_edit.isVisibleTo(page)
    assert not page.next_meeting_edit.isEnabled()  # until a next meeting is ticked
    qtbot.mouseClick(page.present_picker.boxes[0], LEFT)
    qtbot.keyClicks(page.present_edit, "Ms Patel (school), Health visitor")
    qtbot.keyClicks(page.agencies_edit, "School, Health visiting")
    qtbot.keyClicks(page.narrative_edit, "School to offer breakfast club from Monday.")
    qtbot.keyClicks(page.follow_ups_edit, "Ask school about a mentor")
    qtbot.mouseClick(page.next_meeting_check, LEFT)
    assert page.next_meeting_edit.isEnabled()
    meeting = date.today() + timedelta(days=42)
    page.next_meeting_edit.setDate(QDate(meeting.year, meeting.month, meeting.day))
    qtbot.keyClicks(page.child_voice_edit, "Breakfast club with my friend.")
    qtbot.mouseClick(page.now_button, LEFT)
    choose(page.outcome_combo, ContactOutcome.MADE)
    # What a lock keeps of the meeting comes back whole.
    payload = page.draft_payload()
    assert payload is not None
    page.new_note()
    assert page.narrative_label.text() == NARRATIVE_LABEL
    page.restore_draft(payload)
    assert page.kind_combo.currentData() == NoteKind.TEAM_AROUND_FAMILY
    assert page.narrative_label.text() == DECISIONS_LABEL
    assert page.next_meeting_check.isChecked() and page.next_meeting_edit.isEnabled()
    assert page.next_meeting_edit.date() == QDate(meeting.year, meeting.month, meeting.day)
    assert page.child_voice_edit.toPlainText() == "Breakfast club with my friend."
    assert page.present_picker.boxes[0].isChecked() and page.when_chosen
    finalise(qtbot, window)
    note = page.editing
    assert note is not None and note.is_final
    saved = stored(controller, window, note.id)
    assert window.file is not None
    assert saved.child_voice == "Breakfast club with my friend."
    assert saved.kind is NoteKind.TEAM_AROUND_FAMILY
    assert saved.present == (window.file.members[0].name, "Ms Patel (school)",
                             "Health visitor")
    assert saved.agencies == ("School", "Health visiting")
    assert saved.next_meeting_on == meeting
    assert saved.follow_ups == "Ask school about a mentor"
    assert saved.counts_as_contact
    row = next(r for r in range(page.notes_model.rowCount())
               if page.notes_model.row_at(r).id == note.id)
    assert page.notes_model.index(row, 1).data() == "Team around the family meeting"
