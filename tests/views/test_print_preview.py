"""Print preview, driven as a worker would: it shows the pages and says plainly what they
are; Save and Print give exactly those pages; nothing goes to a temporary file."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlmodel import select
from tests.reports.helpers import pdf_text

from familyworker.reports.pdf_pages import page_sizes, page_text, render_page
from familyworker.services.family_file import load_family_file
from familyworker.store.tables import AuditEventRow
from familyworker.views.app_controller import AppController
from familyworker.views.caseload.caseload_table_model import CaseloadTableModel
from familyworker.views.family.family_window import FamilyWindow
from familyworker.views.family.print_preview_dialog import NOT_ENCRYPTED, PrintPreviewDialog

from .conftest import unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def no_temp_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Any temporary file or folder made while this is in force fails the test: the temp
    folder is a private, empty one (the shared one changes under other processes) and
    tempfile's makers refuse."""
    made: list[str] = []
    private = tmp_path / "temp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    for variable in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(private))

    def refuse(name: str) -> object:
        def call(*_args: object, **_kwargs: object) -> object:
            made.append(name)
            raise AssertionError(f"tempfile.{name} was called during a preview")
        return call

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile",
                 "SpooledTemporaryFile", "TemporaryDirectory"):
        monkeypatch.setattr(tempfile, name, refuse(name))
    yield
    assert made == []
    assert tempfile.gettempdir() == str(private)
    assert list(private.iterdir()) == []


def open_preview(qtbot: QtBot, window: FamilyWindow, click: object) -> PrintPreviewDialog:
    """Press a Print button; wait for the preview and every page in it."""
    with qtbot.waitSignal(window.print_preview_opened, timeout=10_000) as opened:
        click()  # type: ignore[operator]
    dialog = opened.args[0]
    assert isinstance(dialog, PrintPreviewDialog)
    qtbot.waitUntil(lambda: dialog.page_count > 0 and
                    all(dialog.page_image(i) is not None for i in range(dialog.page_count)),
                    timeout=10_000)
    return dialog


def has_ink(image: QImage | None) -> bool:
    assert image is not None and not image.isNull()
    step = max(1, image.width() // 200)
    return any(image.pixelColor(x, y).lightness() < 128
               for y in range(0, image.height(), step) for x in range(0, image.width(), step))


def save_as(qtbot: QtBot, dialog: PrintPreviewDialog, monkeypatch: pytest.MonkeyPatch,
            target: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF documents (*.pdf)")))
    qtbot.mouseClick(dialog.save_button, LEFT)


def audit_details(controller: AppController, family_id: str) -> list[tuple[str, str]]:
    assert controller.store is not None
    with controller.store.read() as session:
        rows = session.exec(select(AuditEventRow).where(
            AuditEventRow.family_id == family_id)).all()
    return [(str(r.action), r.detail or "") for r in rows
            if (r.detail or "").startswith("report=")]


def open_family_with_agreed_plan(qtbot: QtBot, controller: AppController) -> FamilyWindow:
    assert controller.store is not None
    proxy = controller.main_window.proxy
    for row in range(proxy.rowCount()):
        family_id = proxy.index(row, 0).data(CaseloadTableModel.FamilyRole).id
        if load_family_file(controller.store, family_id=family_id).latest_agreed_plan:
            return open_first_family(qtbot, controller, row)
    raise AssertionError("the demo caseload has no agreed plan")


def test_a_draft_plan_previews_as_a_draft_and_saves_those_pages(
        qtbot: QtBot, controller: AppController, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, no_temp_files: None) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.plan_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.editable, timeout=10_000)
    qtbot.keyClicks(page.goal_edit, "Walk to school together on Mondays")
    qtbot.mouseClick(page.add_goal_button, LEFT)
    dialog = open_preview(qtbot, window, lambda: qtbot.mouseClick(page.print_button, LEFT))
    assert dialog.isVisible()
    assert "DRAFT: not yet agreed" in dialog.title_label.text()
    assert dialog.title_label.text().startswith("Plan on a page — version ")
    assert dialog.page_label.text() == f"Page 1 of {dialog.page_count}"
    assert has_ink(dialog.page_image(0))
    assert not dialog.page_labels[0].pixmap().isNull()
    assert audit_details(controller, window.family_id) == []  # a preview is not a print
    assert dialog.preview is not None
    assert "Walk to school together on Mondays" in " ".join(
        page_text(dialog.preview.data, 0).split())

    PrintPreviewDialog.last_folder = None
    assert Path(dialog.suggested_path()).parent != Path.cwd()  # Documents (or home) first
    target = tmp_path / "saved plan.pdf"
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        save_as(qtbot, dialog, monkeypatch, target)
    data = target.read_bytes()
    assert data == dialog.preview.data  # the very bytes shown
    text = pdf_text(data)
    assert "Walk to school together on Mondays" in text
    assert "not yet agreed" in text
    assert dialog.message_label.text() == f"Saved as saved plan.pdf. {NOT_ENCRYPTED}"
    # The next save is offered in the same folder (never the folder the app started in).
    assert Path(dialog.suggested_path()).parent == target.parent
    assert audit_details(controller, window.family_id) == [
        ("export", f"report=plan sha256={dialog.preview.sha256}")]


def test_viewing_an_agreed_version_previews_that_version(
        qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_family_with_agreed_plan(qtbot, controller)
    page = window.plan_page
    window.tabs.setCurrentWidget(page)
    agreed = next(i for i in range(page.version_combo.count())
                  if "(agreed " in page.version_combo.itemText(i))
    page.version_combo.setCurrentIndex(agreed)
    version = page.version_combo.itemText(agreed).split()[1]
    dialog = open_preview(qtbot, window, lambda: qtbot.mouseClick(page.print_button, LEFT))
    title = dialog.title_label.text()
    assert title.startswith(f"Plan on a page — version {version}, agreed on ")
    assert "DRAFT" not in title
    assert dialog.preview is not None
    assert "not yet agreed" not in pdf_text(dialog.preview.data)


def test_star_progress_for_one_person_names_them(qtbot: QtBot,
                                                 controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    assert window.file is not None and window.file.members
    person = window.file.members[0]
    window.tabs.setCurrentWidget(window.star_page)
    whole = open_preview(qtbot, window,
                         lambda: qtbot.mouseClick(window.star_page.print_button, LEFT))
    assert whole.title_label.text() == "Web Star progress — whole family"
    gone: list[bool] = []
    whole.destroyed.connect(lambda: gone.append(True))
    one = open_preview(qtbot, window, lambda: window.star_page.print_progress(person.id))
    qtbot.waitUntil(lambda: gone == [True], timeout=5000)  # one preview at a time
    assert one.title_label.text() == f"Web Star progress — {person.name}"
    assert one.preview is not None and person.name in pdf_text(one.preview.data)
    assert has_ink(one.page_image(0))


def test_ctrl_p_on_the_notes_tab_previews_the_chronology(
        qtbot: QtBot, controller: AppController, no_temp_files: None) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    assert window.file is not None
    entries = len(window.file.notes) + len(window.file.oversight)
    window.tabs.setCurrentWidget(window.notes_page)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    dialog = open_preview(qtbot, window, lambda: qtbot.keyClick(
        window.notes_page.notes_table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier))
    assert dialog.title_label.text() == f"Chronology — {entries} entries"
    assert all(has_ink(dialog.page_image(i)) for i in range(dialog.page_count))
    assert len(dialog.page_labels) == dialog.page_count


def test_the_file_menu_prints_each_record(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    window.tabs.setCurrentWidget(window.household_page)
    dialog = open_preview(qtbot, window, window.print_chronology_action.trigger)
    assert dialog.title_label.text().startswith("Chronology — ")
    dialog = open_preview(qtbot, window, window.print_star_action.trigger)
    assert dialog.title_label.text() == "Web Star progress — whole family"
    dialog = open_preview(qtbot, window, window.print_action.trigger)  # the plan, from here
    assert dialog.title_label.text().startswith("Plan on a page — ")
    assert window.print_action.shortcut().toString() == "Ctrl+P"


def test_zoom_fits_the_width_or_shows_actual_size(qtbot: QtBot,
                                                  controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    dialog = open_preview(qtbot, window, window.print_plan_action.trigger)
    dialog.resize(700, 700)
    QApplication.processEvents()
    label = dialog.page_labels[0]
    assert label.width() <= dialog.pages_scroll.viewport().width()
    dialog.zoom_combo.setCurrentIndex(dialog.zoom_combo.findData("100"))
    expected = round(595.3 / 72 * dialog.logicalDpiX())
    assert abs(label.width() - expected) <= 2
    assert label.height() > label.width()  # A4, portrait


def test_saving_somewhere_it_cannot_says_so_in_words(
        qtbot: QtBot, controller: AppController, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    dialog = open_preview(qtbot, window, window.print_chronology_action.trigger)
    target = tmp_path / "no such folder" / "chronology.pdf"
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        save_as(qtbot, dialog, monkeypatch, target)
    assert failed.args == ["The PDF was not saved: that folder does not exist. "
                           "Choose another place."]
    assert dialog.message_label.text() == failed.args[0]
    assert dialog.save_button.isEnabled()
    assert not target.parent.exists()
    assert audit_details(controller, window.family_id) == []


def test_print_sends_the_previewed_pages_and_audits_them(
        qtbot: QtBot, controller: AppController, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    dialog = open_preview(qtbot, window, window.print_chronology_action.trigger)
    qtbot.mouseClick(dialog.print_button, LEFT)
    qtbot.waitUntil(lambda: dialog.print_dialog is not None and
                    dialog.print_dialog.isVisible(), timeout=5000)
    print_dialog = dialog.print_dialog
    assert print_dialog is not None
    printer = print_dialog.printer()  # type: ignore[attr-defined]
    out = tmp_path / "printer.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        dialog.send_to_printer(printer)  # what the printer dialog's Print does
    assert printed.args == [dialog.page_count]
    assert dialog.message_label.text().startswith(f"Sent {dialog.page_count} page")
    printed_pages = page_sizes(out.read_bytes())  # what reached the "printer"
    assert len(printed_pages) == dialog.page_count
    assert min(render_page(out.read_bytes(), 0, dpi=30).pixels) < 100  # the page, not blank
    assert dialog.preview is not None
    assert audit_details(controller, window.family_id) == [
        ("print", f"report=chronology sha256={dialog.preview.sha256}")]
    print_dialog.reject()


def test_locking_closes_the_preview_and_wipes_its_pages(qtbot: QtBot,
                                                        controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    dialog = open_preview(qtbot, window, window.print_chronology_action.trigger)
    window.close_for_lock()
    assert not dialog.isVisible()
    assert dialog.preview is None and dialog.page_image(0) is None
    assert dialog.title_label.text() == ""


def test_closing_before_the_pages_arrive_drops_them(qtbot: QtBot,
                                                    controller: AppController) -> None:
    """Esc at once: the render still under way finds the preview closed and shows nothing."""
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    opened: list[PrintPreviewDialog] = []
    window.print_preview_opened.connect(opened.append)
    window.print_chronology_action.trigger()
    [dialog] = opened
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert controller.runner.wait_until_idle()
    assert dialog.preview is None and dialog.page_count == 0 and dialog.page_image(0) is None
    assert dialog.title_label.text() == ""
    window.close()  # the closed preview goes with its window
    assert controller.runner.wait_until_idle()


def test_a_report_that_cannot_be_made_says_why(qtbot: QtBot,
                                               controller: AppController) -> None:
    from familyworker.services import printing

    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    store = controller.store
    assert store is not None
    dialog = window.open_print_preview(
        lambda: printing.preview_star(store, family_id=window.family_id, person_id="nobody"))
    assert dialog is not None
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        pass
    assert failed.args == ["That person is not in this family."]
    assert dialog.title_label.text() == "Nothing to print"
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
