"""Screenshots of each main screen on a fresh demo caseload, saved to docs/screenshots/.

Run: xvfb-run -a -s "-screen 0 1280x800x24" python tools/screenshots.py
(or QT_QPA_PLATFORM=offscreen python tools/screenshots.py). Safe to rerun.

At 1.5x: QT_SCALE_FACTOR=1.5 QT_QPA_PLATFORM=offscreen python tools/screenshots.py --desktop
writes app-*-150.png (any scale other than 1 adds its percentage to the names); --desktop
leaves out the screens that need a local sync server (status bar, conflicts, team view).
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from familyworker.app import build_app
from familyworker.services.demo import DEMO_PASSPHRASE, import_demo
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def _scale_suffix() -> str:
    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1)
    return "" if scale == 1 else f"-{round(scale * 100)}"


SUFFIX = _scale_suffix()


def settle(app: QApplication, runner_wait: object) -> None:
    for _ in range(5):
        app.processEvents()
    getattr(runner_wait, "wait_until_idle")()  # noqa: B009
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / f"app-{name}{SUFFIX}.png"))
    print(f"saved docs/screenshots/app-{name}{SUFFIX}.png")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "caseload"
        store = CaseloadStore.create(data_dir, DEMO_PASSPHRASE, kdf=KDF_FLOOR)
        import_demo(store)
        store.lock()
        settings = QSettings(str(Path(tmp) / "geometry.ini"), QSettings.Format.IniFormat)
        app, controller = build_app(data_dir, demo_passphrase=DEMO_PASSPHRASE,
                                    settings=settings)
        runner = controller.runner
        controller.start()
        dialog = controller.unlock_dialog
        dialog.adjustSize()
        settle(app, runner)
        save(dialog, "unlock")
        dialog.passphrase_edit.setText(DEMO_PASSPHRASE)
        dialog.try_unlock()
        settle(app, runner)
        main_window = controller.main_window
        main_window.resize(1280, 720)
        settle(app, runner)
        save(main_window, "my-week")  # shown first after unlock
        main_window.show_caseload()
        settle(app, runner)
        save(main_window, "caseload")
        index = main_window.proxy.index(0, 0)
        summary = index.data(main_window.caseload_model.FamilyRole)
        window = controller.open_family(summary.id, summary.reference)
        assert window is not None
        window.resize(1280, 860)
        settle(app, runner)
        save(window, "family-household")
        window.tabs.setCurrentWidget(window.star_page)
        window.star_page.score_buttons[5].click()
        settle(app, runner)
        save(window, "web-star")
        window.tabs.setCurrentWidget(window.plan_page)
        settle(app, runner)
        save(window, "plan")
        print_preview_screen(app, controller, window)
        window.tabs.setCurrentWidget(window.notes_page)
        window.notes_page.select_row(0)
        settle(app, runner)
        save(window, "notes")
        desktop_screens(app, controller, window)
        case_screens(app, controller, window)
        concern_screen(app, controller, window)
        consent_and_history_screens(app, controller, window)
        people_screens(app, controller)
        claims_screens(app, controller)
        connect = controller.sync.offer_connect(first_run=True)
        assert connect is not None
        connect.server_edit.setText("https://sync.example.org")
        connect.code_edit.setText("K7QM-2XTB-9HRD-4WNP")
        connect.adjustSize()
        settle(app, runner)
        save(connect, "connect")
        controller.lock()
        settle(app, runner)
        if "--desktop" not in sys.argv:
            sync_screens(app, Path(tmp))
            team_screens(app, Path(tmp))
    return 0


def team_meeting_note(app: QApplication, controller: Any, window: Any) -> None:
    """A team around the family meeting being written up (not saved)."""
    from familyworker.domain.contact import ChildSeen, ContactOutcome, NoteKind

    notes = window.notes_page
    notes.new_note()
    for combo, value in ((notes.kind_combo, NoteKind.TEAM_AROUND_FAMILY),
                         (notes.outcome_combo, ContactOutcome.MADE),
                         (notes.child_seen_combo, ChildSeen.SEEN)):
        combo.setCurrentIndex(combo.findData(value))
    notes.now_button.click()
    notes.duration_spin.setValue(60)
    for box in notes.present_picker.boxes[:2]:
        box.setChecked(True)
    notes.present_edit.setText("Ms Patel (school pastoral lead), Health visitor")
    notes.agencies_edit.setText("School, Health visiting")
    notes.child_voice_edit.setPlainText("I want to go to breakfast club with my friend.")
    notes.narrative_edit.setPlainText(
        "School will offer breakfast club from Monday. Health visitor to book the 2-year "
        "check. Mum to try the new bedtime routine for two weeks.")
    notes.follow_ups_edit.setPlainText("Ask school about a mentor\nBook the 2-year check")
    notes.next_meeting_check.setChecked(True)
    settle(app, controller.runner)
    save(window, "team-meeting")
    notes.new_note()


def print_preview_screen(app: QApplication, controller: Any, window: Any) -> None:
    """The Plan tab's Print…: the draft on screen, previewed and marked as a draft."""
    window.plan_page.print_button.click()
    settle(app, controller.runner)
    preview = window.preview_dialog
    preview.resize(900, 820)
    settle(app, controller.runner)
    save(preview, "print-preview")
    preview.reject()
    settle(app, controller.runner)


def desktop_screens(app: QApplication, controller: Any, window: Any) -> None:
    """A finalised note, the Add family form with a field problem, the shortcuts list."""
    runner = controller.runner
    notes = window.notes_page
    finalised = next(r for r in range(notes.notes_model.rowCount())
                     if notes.notes_model.row_at(r).is_final)
    notes.select_row(finalised)
    settle(app, runner)
    save(window, "notes-finalised")
    team_meeting_note(app, controller, window)
    window.tabs.setCurrentWidget(window.household_page)
    window.household_page.findChild(QScrollArea).verticalScrollBar().setValue(10_000)
    settle(app, runner)
    save(window, "household-criteria")
    controller.add_family()
    dialog = controller.add_family_flow.dialog
    dialog.reference_edit.setText("FAM-0900")
    dialog.household_edit.setText("The Example household")
    dialog.address_edit.setText("3 Any Street, Anytown")
    dialog.postcode_edit.setText("AB1")
    dialog.member_box.setChecked(True)
    dialog.member_name_edit.setText("Sam Example")
    dialog.member_relationship_edit.setText("mum")
    dialog.save_button.click()
    settle(app, runner)
    dialog.adjustSize()
    settle(app, runner)
    save(dialog, "add-family")
    dialog.reject()
    shortcuts = controller.main_window.show_shortcuts()
    settle(app, runner)
    save(shortcuts, "shortcuts")
    shortcuts.close()


def _open_by_reference(controller: Any, reference: str) -> Any:
    model = controller.main_window.caseload_model
    for row in range(model.rowCount()):
        summary = model.index(row, 0).data(model.FamilyRole)
        if summary.reference == reference:
            return controller.open_family(summary.id, summary.reference)
    raise LookupError(reference)


def claims_screens(app: QApplication, controller: Any) -> None:
    """The Outcomes tab of the demo's claimed family (its claims) and of a closed family with
    hand-recorded outcomes (history), submitting the ready
    family's claim (the frozen result), and File › Claims… (the quarter's list)."""
    runner = controller.runner
    # The claimed family; a closed family with outcomes typed in by hand before the outcome
    # plan (history only).
    for reference, name in (("FAM-0021", "outcomes-plan"), ("FAM-0006", "outcomes-history")):
        window = _open_by_reference(controller, reference)
        window.resize(1280, 980)
        window.tabs.setCurrentWidget(window.outcomes_page)
        settle(app, runner)
        save(window, name)
        window.close()
    ready = _open_by_reference(controller, "FAM-0007")
    ready.tabs.setCurrentWidget(ready.outcomes_page)
    settle(app, runner)
    dialog = ready.outcomes_page.open_submit_dialog()
    dialog.reference_edit.setText("SF-2026-0199")
    dialog.adjustSize()
    settle(app, runner)
    save(dialog, "claim-submit")
    # Submitted (the confirmation answered): the frozen result in the same dialog.
    ready.outcomes_page._submit(dialog, dialog.choice(), "SF-2026-0199")
    settle(app, runner)
    dialog.adjustSize()
    settle(app, runner)
    save(dialog, "claim-submitted")
    dialog.reject()
    employment = ready.outcomes_page.open_employment_dialog()
    if employment is not None:
        employment.reference_edit.setText("Payslips, March")
        employment.adjustSize()
        settle(app, runner)
        save(employment, "employment-dialog")
        employment.reject()
    ready.close()
    window = controller.claims.open_claims()
    settle(app, runner)
    save(window, "claims")
    window.close()
    settle(app, runner)


def case_screens(app: QApplication, controller: Any, window: Any) -> None:
    """Change status… with closing chosen, Edit details… filled in (all made up), and the
    header that shows them."""
    runner = controller.runner
    window.tabs.setCurrentWidget(window.household_page)
    panel = window.case_panel
    dialog = panel.open_status_dialog()
    dialog.target_combo.setCurrentIndex(dialog.target_combo.findText("Close the case"))
    dialog.reason_combo.setCurrentIndex(1)
    dialog.adjustSize()
    settle(app, runner)
    save(dialog, "case-status")
    dialog.reject()
    settle(app, runner)
    details = panel.open_details_dialog()
    details.phone_edit.setText("0113 496 0000")
    details.language_edit.setText("Polish")
    details.interpreter_check.setChecked(True)
    details.safety_edit.setPlainText("Dog; ring before visiting")
    details.lead_name_edit.setText("Sam Example")
    details.lead_agency_edit.setText("Health visiting")
    details.lead_contact_edit.setText("0113 496 0999")
    details.adjustSize()
    settle(app, runner)
    save(details, "household-edit")
    details.save_button.click()
    settle(app, runner)
    save(window, "case-header")


def concern_screen(app: QApplication, controller: Any, window: Any) -> None:
    """The Safeguarding tab: a decided concern about a child (with its outcome) and a newer one
    about the household awaiting decision (all made up)."""
    from datetime import date

    from familyworker.services import safeguarding

    runner, store = controller.runner, controller.store
    child = window.file.members[-1]
    first = safeguarding.raise_concern(
        store, family_id=window.family_id, about_person_id=child.id,
        seen_or_heard="Said there was no food in the house at the weekend and they were hungry.",
        immediate_action="Spoke to the school's designated safeguarding lead the same day.")
    safeguarding.record_decision(store, first.id, decision="referral-to-social-care",
                                 referral_to="MASH", referral_on=date.today(),
                                 referral_reference="MASH-2024-0815", outcome="early-help",
                                 outcome_on=date.today(),
                                 note="MASH advised early help; the plan adds food support.")
    safeguarding.raise_concern(
        store, family_id=window.family_id,
        seen_or_heard="Neighbour reported shouting late at night twice this week.")
    window.reload()
    settle(app, runner)
    window.tabs.setCurrentWidget(window.safeguarding_page)
    window.safeguarding_page.concern_list.setCurrentRow(1)
    settle(app, runner)
    save(window, "concern")
    window.tabs.setCurrentWidget(window.household_page)


def consent_and_history_screens(app: QApplication, controller: Any, window: Any) -> None:
    """The Consent tab with the demo's register (one consent withdrawn, one due for review),
    the withdrawn line selected; then the History (Ctrl+H) of the same family."""
    runner = controller.runner
    window.reload()
    settle(app, runner)
    window.tabs.setCurrentWidget(window.consent_page)
    page = window.consent_page
    for row in range(page.current_list.count()):
        if "Withdrawn" in page.current_list.item(row).text():
            page.current_list.setCurrentRow(row)
    settle(app, runner)
    save(window, "consent")
    dialog = window.open_history()
    assert dialog is not None
    dialog.resize(760, 560)
    settle(app, runner)
    save(dialog, "history")
    dialog.reject()
    window.tabs.setCurrentWidget(window.household_page)


def people_screens(app: QApplication, controller: Any) -> None:
    """A member's flags being edited, and one member's own Web Star (FAM-0024: an expectant
    parent, and a daughter with a star of her own; a second is scored so her distance shows)."""
    from datetime import date, timedelta

    from PySide6.QtCore import QDate

    from familyworker.domain.person import PersonFlag
    from familyworker.services.programme import default_star_template
    from familyworker.services.stars import score_star

    runner = controller.runner
    model = controller.main_window.caseload_model
    summary = next(s for s in model.rows if s.reference == "FAM-0024")
    window = controller.open_family(summary.id, summary.reference)
    window.resize(1280, 860)
    settle(app, runner)
    page = window.household_page
    members = page.members_model
    row = next(r for r in range(members.rowCount())
               if PersonFlag.EXPECTANT_PARENT in members.row_at(r).flags)
    page.members_table.setCurrentIndex(members.index(row, 0))
    dialog = page.edit_member()
    assert dialog is not None
    flag = dialog.flag_rows[PersonFlag.EXPECTANT_PARENT]
    flag.since_check.setChecked(True)
    flag.since_edit.setDate(QDate.currentDate().addDays(-61))
    dialog.flag_rows[PersonFlag.YOUNG_CARER].check.setChecked(True)
    dialog.adjustSize()
    settle(app, runner)
    save(dialog, "person-flags")
    dialog.reject()
    scored = next(s.person_id for s in window.file.stars if s.person_id is not None)
    own = [s for s in window.file.stars if s.person_id == scored]
    template = default_star_template()
    latest = own[-1].as_mapping() if own else dict.fromkeys(template.domain_keys(), 4)
    score_star(controller.store, family_id=summary.id, person_id=scored,
               assessed_on=date.today() - timedelta(days=3),
               scores={k: min(10, v + (2 if i % 3 else 1)) for i, (k, v)
                       in enumerate(latest.items())})
    window.reload()
    settle(app, runner)
    star = window.star_page
    window.tabs.setCurrentWidget(star)
    star.choose_subject(scored)
    settle(app, runner)
    save(window, "star-person")
    window.close()
    settle(app, runner)


def sync_screens(app: QApplication, tmp: Path) -> None:
    """The status bar of an enrolled laptop and the conflicts view, against a real local server
    holding a conflict made by two devices (all names made up)."""
    from sqlalchemy import update

    from familyworker.services import families
    from familyworker.services.caseload import list_caseload
    from familyworker.services.sync_session import sync_pass
    from familyworker.sync.engine import enrol
    from familyworker_server import accounts, models
    from familyworker_server.background import start_server
    from familyworker_server.db import make_engine

    with start_server(tmp / "server") as server:
        admin = make_engine(server.settings.resolved_url())
        team = accounts.add_team(admin, name="North")
        worker = accounts.add_worker(admin, name="Ann Example", role="worker", team=team)
        laptop_dir, tablet_dir = tmp / "laptop", tmp / "tablet"
        stores = []
        for folder in (laptop_dir, tablet_dir):
            store = CaseloadStore.create(folder, DEMO_PASSPHRASE, kdf=KDF_FLOOR)
            enrol(store, server_url=server.url,
                  code=accounts.new_enrolment_code(admin, worker=worker))
            stores.append(store)
        laptop, tablet = stores
        import_demo(laptop, as_worker="w1", only_own_families=True)
        sync_pass(laptop)
        sync_pass(tablet)
        family_id = _first_family_id(laptop)
        families.update_family(laptop, family_id, address="Flat 2, 14 Orchard Road")
        families.update_family(tablet, family_id, address="14 Orchard Road (side door)")
        sync_pass(tablet)
        # A supervisor moved another family to Bob while the laptop was offline with an edit to
        # it: the server refuses that edit, and the laptop keeps it as needing attention.
        moved_id = list_caseload(laptop)[1].id
        bob = accounts.add_worker(admin, name="Bob Example", role="worker", team=team)
        with admin.begin() as conn:
            conn.execute(update(models.family_scope).where(
                models.family_scope.c.family_id == moved_id).values(lead_worker_id=bob))
        families.add_person(laptop, moved_id, name="Sam Example", relationship="Cousin")
        tablet.lock()
        laptop.lock()
        settings = QSettings(str(tmp / "geometry-sync.ini"), QSettings.Format.IniFormat)
        _app, controller = build_app(laptop_dir, demo_passphrase=DEMO_PASSPHRASE,
                                     settings=settings)
        runner = controller.runner
        controller.start()
        controller.unlock_dialog.passphrase_edit.setText(DEMO_PASSPHRASE)
        controller.unlock_dialog.try_unlock()
        for _ in range(200):  # the background sync pushes the laptop's edit: a conflict
            settle(app, runner)
            if "conflict" in controller.sync.status_widget.summary():
                break
            time.sleep(0.05)
        main_window = controller.main_window
        main_window.resize(1280, 720)
        settle(app, runner)
        save(main_window, "caseload-synced")
        dialog = controller.sync.show_conflicts()
        assert dialog is not None
        settle(app, runner)
        dialog.start_merge()
        settle(app, runner)
        save(dialog, "conflicts")
        dialog.close()
        attention = controller.sync.show_attention()
        assert attention is not None
        settle(app, runner)
        save(attention, "attention")
        controller.lock()
        settle(app, runner)
        controller.sync.wait_for_pass()
        admin.dispose()


def team_screens(app: QApplication, tmp: Path) -> None:
    """The supervisor's team view and a family's oversight tab: the demo's three workers sync
    their own families to a real local server; the supervisor's device pulls the team."""
    from familyworker.services.oversight import add_oversight_note
    from familyworker.services.sync_session import sync_pass
    from familyworker.sync.engine import enrol
    from familyworker_server import accounts
    from familyworker_server.background import start_server
    from familyworker_server.db import make_engine

    with start_server(tmp / "team-server") as server:
        admin = make_engine(server.settings.resolved_url())
        team = accounts.add_team(admin, name="Northfield Early Help Team")

        def device(folder: str, name: str, role: str) -> CaseloadStore:
            worker = accounts.add_worker(admin, name=name, role=role, team=team)
            store = CaseloadStore.create(tmp / folder, DEMO_PASSPHRASE, kdf=KDF_FLOOR)
            enrol(store, server_url=server.url,
                  code=accounts.new_enrolment_code(admin, worker=worker))
            return store

        for key, name in (("w1", "Kerry Ashdown"), ("w2", "Oluwaseun Adebayo-Hart"),
                          ("w3", "Bronagh McKeever")):
            worker_store = device(f"team-{key}", name, "worker")
            import_demo(worker_store, as_worker=key, only_own_families=True)
            sync_pass(worker_store)
            worker_store.lock()
        supervisor = device("team-s1", "Ayşe Korkmaz", "supervisor")
        sync_pass(supervisor)
        supervisor.lock()
        settings = QSettings(str(tmp / "geometry-team.ini"), QSettings.Format.IniFormat)
        _app, controller = build_app(tmp / "team-s1", demo_passphrase=DEMO_PASSPHRASE,
                                     settings=settings)
        runner = controller.runner
        controller.start()
        controller.unlock_dialog.passphrase_edit.setText(DEMO_PASSPHRASE)
        controller.unlock_dialog.try_unlock()
        for _ in range(100):
            settle(app, runner)
            if controller.team.is_manager:
                break
            time.sleep(0.05)
        window = controller.team.open_team()
        assert window is not None
        window.resize(1280, 720)
        settle(app, runner)
        from familyworker.services.team_review import Attention

        window.show_section(Attention.NO_CONTACT)
        settle(app, runner)
        save(window, "team-view")
        table = window.current_table()
        assert table is not None and table.model().rowCount() > 0
        item = table.model().index(0, 0).data(Qt.ItemDataRole.UserRole + 1)
        store = controller.store
        assert store is not None
        runner.wait_until_idle()
        add_oversight_note(store, family_id=item.family_id,
                           decision="Keep the case open. Step visits up to weekly until the "
                                    "review; escalate if school attendance has not improved.",
                           actions="Kerry: weekly home visits\nKerry: call school attendance "
                                   "officer by Friday")
        family_window = controller.open_family(item.family_id, item.reference)
        assert family_window is not None
        family_window.resize(1280, 860)
        settle(app, runner)
        family_window.tabs.setCurrentIndex(family_window.tabs.count() - 1)
        settle(app, runner)
        save(family_window, "oversight")
        # A co-worker for the first family, then the Co-workers… dialog.
        from familyworker.services.allocation import allocation_choices
        from familyworker.services.co_workers import add_co_worker

        workers, lead = allocation_choices(store, item.family_id)
        add_co_worker(store, family_id=item.family_id,
                      worker_id=next(w.id for w in workers if w.id != lead))
        table.setCurrentIndex(table.model().index(0, 0))
        opened: list[Any] = []
        controller.team.dialog_opened.connect(opened.append)
        window.co_workers_button.click()
        for _ in range(100):
            settle(app, runner)
            if opened and opened[-1].current_list.count():
                break
            time.sleep(0.05)
        opened[-1].resize(520, 380)
        settle(app, runner)
        save(opened[-1], "co-workers")
        opened[-1].reject()
        controller.lock()
        settle(app, runner)
        controller.sync.wait_for_pass()
        admin.dispose()


def _first_family_id(store: CaseloadStore) -> str:
    from familyworker.services.caseload import list_caseload

    return list_caseload(store)[0].id


if __name__ == "__main__":
    sys.exit(main())
