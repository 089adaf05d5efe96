"""Claims on the Outcomes tab, driven as a person would: submit a ready route (confirmed, then
the frozen result), set a claim's status, correct it, the evidence pack in the print preview,
and recording an adult's employment. Real widgets, a real encrypted caseload."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from sqlmodel import select
from tests.services.test_claim_services import make_family, ready_family
from tests.views.test_accessibility import (
    accessible_name,
    collisions,
    describe,
    focusable,
    label_texts_for,
)

from familyworker.domain.claims import ClaimRoute, ClaimStatus
from familyworker.services import claims, families
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow, EmploymentSpellRow, OutcomeClaimRow
from familyworker.views.family.claim_dialogs import (
    ClaimStatusDialog,
    CorrectClaimDialog,
    SubmitClaimDialog,
)
from familyworker.views.family.outcomes_page import OutcomesPage
from familyworker.views.family.print_preview_dialog import NOT_ENCRYPTED, PrintPreviewDialog
from familyworker.views.shared.task_runner import TaskRunner

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.wait_until_idle()


def _page(qtbot: QtBot, store: CaseloadStore, runner: TaskRunner, family_id: str,
          changed: list[int]) -> OutcomesPage:
    page = OutcomesPage(store, runner, family_id=family_id,
                        on_changed=lambda: changed.append(1))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=5000)
    # Every button's Alt+letter is distinct on the tab.
    assert collisions(page) == []
    return page


def _reload_done(qtbot: QtBot, page: OutcomesPage, check: object) -> None:
    qtbot.waitUntil(check, timeout=5000)  # type: ignore[arg-type]


def _accessible(dialog: object) -> None:
    buddies = label_texts_for(dialog)  # type: ignore[arg-type]
    assert [describe(w) for w in focusable(dialog)  # type: ignore[arg-type]
            if not accessible_name(w, buddies)] == []
    assert collisions(dialog) == []  # type: ignore[arg-type]


def _confirm(qtbot: QtBot, page: OutcomesPage, opened: list[object], label: str) -> None:
    box = opened[-1]
    assert isinstance(box, QMessageBox)
    button = box.findChild(QPushButton, "confirm_button")
    assert button is not None and button.text() == label
    qtbot.mouseClick(button, LEFT)


def _stored_claims(store: CaseloadStore) -> list[OutcomeClaimRow]:
    with store.read() as session:
        return sorted(session.exec(select(OutcomeClaimRow)).all(), key=lambda r: r.version)


def test_submit_a_ready_claim_confirmed_then_frozen(qtbot: QtBot, store: CaseloadStore,
                                                    runner: TaskRunner) -> None:
    family_id, _mum, _child = ready_family(store)
    changed: list[int] = []
    page = _page(qtbot, store, runner, family_id, changed)
    opened: list[object] = []
    page.dialog_opened.connect(opened.append)
    assert "Ready to claim</b>: Outcome plan (met on 30 Jun 2026)" in page.ready_label.text()
    assert page.claim_button.isEnabled() and page.claims_table.rowCount() == 0
    assert not page.pack_button.isEnabled()  # no claim chosen, no pack

    qtbot.mouseClick(page.claim_button, LEFT)
    dialog = page.claim_dialog
    assert isinstance(dialog, SubmitClaimDialog) and dialog.isVisible()
    _accessible(dialog)
    assert dialog.route_combo.currentText() == "Outcome plan (met on 30 Jun 2026)"
    # No reference: refused in the dialog, before any question.
    qtbot.mouseClick(dialog.submit_button, LEFT)
    assert dialog.error_label.text() == "A claim needs its claim reference."
    assert opened == [dialog]
    qtbot.keyClicks(dialog.reference_edit, "SF-2026-0141")
    qtbot.mouseClick(dialog.submit_button, LEFT)
    box = opened[-1]
    assert isinstance(box, QMessageBox) and "SF-2026-0141" in box.text()
    # "Not yet" is the default: Enter does not submit by accident.
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _stored_claims(store) == [] and dialog.isVisible()

    qtbot.mouseClick(dialog.submit_button, LEFT)
    _confirm(qtbot, page, opened, "&Submit the claim")
    qtbot.waitUntil(lambda: dialog.result_label.isVisible(), timeout=5000)
    result = dialog.result_label.text()
    assert "Claim SF-2026-0141</b> — outcome plan" in result and "claimed, version 1" in result
    assert "later changes to the family do not alter it" in result
    assert "No offences or anti-social behaviour" in result and ": met on 30 Jun 2026." in result
    assert dialog.close_button.text() == "&Close" and dialog.submit_button.isHidden()
    [row] = _stored_claims(store)
    assert (row.claim_reference, row.route, row.status) == ("SF-2026-0141", "outcome-plan",
                                                            "claimed")
    _reload_done(qtbot, page, lambda: page.claims_table.rowCount() == 1)
    cells = [page.claims_table.item(0, c).text() for c in range(6)]  # type: ignore[union-attr]
    assert cells[:5] == ["SF-2026-0141", "Outcome plan", row.quarter, "claimed", "1"]
    assert not page.claim_button.isEnabled() and changed == [1]
    assert page.ready_label.text() == ("Nothing more is ready to claim; the family's claims "
                                       "are below.")
    qtbot.mouseClick(dialog.close_button, LEFT)
    assert not dialog.isVisible()


def test_a_refused_submission_keeps_the_dialog_and_the_reference(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    family_id, _mum, _child = ready_family(store)
    other, _, _ = make_family(store, reference="FAM-0201")
    page = _page(qtbot, store, runner, family_id, [])
    opened: list[object] = []
    page.dialog_opened.connect(opened.append)
    # The reference is taken meanwhile (another claim already uses it).
    with store.unit_of_work() as uow:
        uow.add(OutcomeClaimRow(id="x-1", family_id=other, claimed_on=date(2026, 7, 1),
                                claim_reference="SF-TAKEN", rule_key="outcome-plan",
                                route="outcome-plan", quarter="2026Q3", status="claimed"))
    dialog = page.open_submit_dialog()
    assert dialog is not None
    qtbot.keyClicks(dialog.reference_edit, "SF-TAKEN")
    qtbot.mouseClick(dialog.submit_button, LEFT)
    _confirm(qtbot, page, opened, "&Submit the claim")
    qtbot.waitUntil(lambda: "already used" in dialog.error_label.text(), timeout=5000)
    assert dialog.isVisible() and dialog.reference_edit.text() == "SF-TAKEN"
    assert dialog.submit_button.isEnabled() and not dialog.result_label.isVisible()
    assert [r.family_id for r in _stored_claims(store)] == [other]


def test_set_status_offers_only_the_allowed_moves_and_rejection_needs_a_reason(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    family_id, _mum, _child = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="SF-1")
    page = _page(qtbot, store, runner, family_id, [])
    assert page.claims_table.rowCount() == 1 and page.status_button.isEnabled()
    qtbot.mouseClick(page.status_button, LEFT)
    dialog = page.claim_dialog
    assert isinstance(dialog, ClaimStatusDialog) and dialog.isVisible()
    _accessible(dialog)
    offered = [dialog.status_combo.itemData(i) for i in range(dialog.status_combo.count())]
    assert offered == ["verified", "rejected"]  # claimed cannot jump to paid
    assert not dialog.reason_edit.isEnabled()
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("rejected"))
    assert dialog.reason_edit.isEnabled()
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: "needs the reason" in dialog.error_label.text(), timeout=5000)
    assert dialog.isVisible() and _stored_claims(store)[0].status == "claimed"
    qtbot.keyClicks(dialog.reason_edit, "School data does not match")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: page.claims_table.item(0, 3) is not None and page.claims_table.item(
        0, 3).text() == "rejected: School data does not match", timeout=5000)  # type: ignore
    assert page.message_label.text() == "Claim SF-1 is now rejected."
    # Nothing leaves rejected except a correction.
    assert not page.status_button.isEnabled() and page.correct_button.isEnabled()


def test_paid_is_reached_through_verified_and_cannot_be_corrected(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    family_id, _mum, _child = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="SF-2")
    claims.set_claim_status(store, "SF-2", ClaimStatus.VERIFIED)
    page = _page(qtbot, store, runner, family_id, [])
    dialog = page.open_status_dialog()
    assert dialog is not None
    assert [dialog.status_combo.itemData(i) for i in range(dialog.status_combo.count())] == [
        "paid", "rejected"]
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("paid"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), LEFT)
    qtbot.waitUntil(lambda: page.claims_table.item(0, 3) is not None
                    and page.claims_table.item(0, 3).text() == "paid",  # type: ignore
                    timeout=5000)
    assert not page.correct_button.isEnabled() and not page.status_button.isEnabled()
    assert page.pack_button.isEnabled()


def test_correct_makes_a_new_version_after_confirming(qtbot: QtBot, store: CaseloadStore,
                                                       runner: TaskRunner) -> None:
    family_id, _mum, _child = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="SF-3")
    changed: list[int] = []
    page = _page(qtbot, store, runner, family_id, changed)
    opened: list[object] = []
    page.dialog_opened.connect(opened.append)
    qtbot.mouseClick(page.correct_button, LEFT)
    dialog = page.claim_dialog
    assert isinstance(dialog, CorrectClaimDialog) and dialog.isVisible()
    _accessible(dialog)
    assert dialog.reference_edit.text() == "SF-3"
    dialog.reference_edit.setText("SF-3A")
    qtbot.mouseClick(dialog.correct_button, LEFT)
    assert "version 2 of claim SF-3" in opened[-1].text()  # type: ignore[attr-defined]
    _confirm(qtbot, page, opened, "&Make the new version")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: page.claims_table.item(0, 0) is not None
                    and page.claims_table.item(0, 0).text() == "SF-3A",  # type: ignore
                    timeout=5000)
    assert page.claims_table.rowCount() == 1  # the superseded version leaves the list
    assert page.claims_table.item(0, 4).text() == "2"  # type: ignore[union-attr]
    assert [(r.claim_reference, r.status, r.version) for r in _stored_claims(store)] == [
        ("SF-3", "superseded", 1), ("SF-3A", "claimed", 2)]
    assert changed == [1]


def test_evidence_pack_previews_then_saves_as_pdf_with_the_warning(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner, tmp_path: Path) -> None:
    family_id, _mum, _child = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="SF/4")
    page = _page(qtbot, store, runner, family_id, [])
    opened: list[object] = []
    page.dialog_opened.connect(opened.append)
    qtbot.mouseClick(page.pack_button, LEFT)
    preview = opened[-1]
    assert isinstance(preview, PrintPreviewDialog)
    with qtbot.waitSignal(preview.preview_ready, timeout=15000):
        pass
    assert preview.title_label.text() == "Evidence pack — claim SF/4, version 1"
    assert preview.page_count >= 2
    # Suggested in Documents (or the folder last used), named by references only.
    assert preview.suggested_path().endswith("FAM-0200-claim-SF-4-v1.pdf")
    target = tmp_path / "pack"
    with qtbot.waitSignal(preview.saved, timeout=10000):
        preview.save_to(target)
    written = tmp_path / "pack.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert NOT_ENCRYPTED in preview.message_label.text()
    with store.read() as session:
        details = [e.detail for e in session.exec(select(AuditEventRow)).all()]
    assert any(d and d.startswith("report=claim-pack sha256=") for d in details)
    preview.reject()


def test_record_employment_stays_open_when_refused_then_saves(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    family_id, mum, _child = make_family(store)
    changed: list[int] = []
    page = _page(qtbot, store, runner, family_id, changed)
    assert page.employment_button.isEnabled()
    qtbot.mouseClick(page.employment_button, LEFT)
    dialog = page.employment_dialog
    assert dialog is not None and dialog.isVisible()
    _accessible(dialog)
    # Only the adults are offered (the child is not).
    assert [dialog.person_combo.itemText(i) for i in range(dialog.person_combo.count())] == [
        "Parent"]
    assert dialog.source_edit.text() != ""  # the plan's source, editable
    dialog.benefit_edit.setDate(QDate(2026, 3, 1))
    dialog.started_edit.setDate(QDate(2026, 3, 2))
    dialog.has_ended.setChecked(True)
    dialog.ended_edit.setDate(QDate(2026, 2, 1))  # before it started: refused
    dialog.hours_spin.setValue(20)
    qtbot.keyClicks(dialog.reference_edit, "Payslips March")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: "cannot end before it starts" in dialog.error_label.text(),
                    timeout=5000)
    assert dialog.isVisible() and dialog.reference_edit.text() == "Payslips March"
    assert dialog.hours_spin.value() == 20 and changed == []
    dialog.has_ended.setChecked(False)  # still in work
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: page.message_label.text() == "Employment recorded.", timeout=5000)
    with store.read() as session:
        [spell] = session.exec(select(EmploymentSpellRow)).all()
    assert (spell.person_id, spell.started_on, spell.ended_on, spell.hours_per_week,
            spell.benefit_ended_on, spell.source_reference) == (
        mum, date(2026, 3, 2), None, 20, date(2026, 3, 1), "Payslips March")
    qtbot.waitUntil(lambda: "<b>Employment</b>" in page.progress_label.text(), timeout=5000)
    assert changed == [1]


def test_employment_route_is_offered_by_name_and_claimed_alone(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    family_id, mum, _child = make_family(store)
    families.add_person(store, family_id, name="Grandad", date_of_birth=date(1950, 1, 1))
    claims_service_spell(store, family_id, mum)
    page = _page(qtbot, store, runner, family_id, [])
    opened: list[object] = []
    page.dialog_opened.connect(opened.append)
    assert "Continuous employment — Parent" in page.ready_label.text()
    dialog = page.open_submit_dialog()
    assert dialog is not None
    assert dialog.route_combo.currentText().startswith("Continuous employment — Parent")
    qtbot.keyClicks(dialog.reference_edit, "SF-EMP-1")
    qtbot.mouseClick(dialog.submit_button, LEFT)
    _confirm(qtbot, page, opened, "&Submit the claim")
    qtbot.waitUntil(lambda: dialog.result_label.isVisible(), timeout=5000)
    assert "continuous employment" in dialog.result_label.text()
    assert "Employment of Parent: met" in dialog.result_label.text()
    [row] = _stored_claims(store)
    assert (row.route, row.person_id) == (ClaimRoute.CONTINUOUS_EMPLOYMENT.value, mum)


def claims_service_spell(store: CaseloadStore, family_id: str, person_id: str) -> None:
    from familyworker.services import outcome_evidence

    outcome_evidence.record_employment(
        store, family_id, person_id=person_id, started_on=date(2025, 1, 6), hours_per_week=30,
        source="Payslips", benefit_ended_on=date(2025, 1, 5))


def test_ctrl_p_on_the_outcomes_tab_previews_the_chosen_claims_pack(
        qtbot: QtBot, store: CaseloadStore, runner: TaskRunner) -> None:
    from PySide6.QtWidgets import QApplication

    from familyworker.views.family.family_window import FamilyWindow

    family_id, _mum, _child = ready_family(store)
    claims.submit_claim(store, family_id, claim_reference="SF-5")
    window = FamilyWindow(store, runner, family_id=family_id, reference="FAM-0200")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.waitUntil(lambda: window.outcomes_page.claims_table.rowCount() == 1, timeout=5000)
    window.tabs.setCurrentWidget(window.outcomes_page)
    with qtbot.waitSignal(window.print_preview_opened, timeout=5000) as opened:
        qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_P,
                       Qt.KeyboardModifier.ControlModifier)
    preview = opened.args[0]
    with qtbot.waitSignal(preview.preview_ready, timeout=15000):
        pass
    assert preview.title_label.text() == "Evidence pack — claim SF-5, version 1"
    window.close()
    runner.wait_until_idle()
