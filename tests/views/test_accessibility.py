"""WCAG 2.2 AA, checked by walking every window and dialog the app can show.

For each top-level window: (a) every focusable control has an accessible name; (b) no two
mnemonics (Alt+letter) that can be live at the same time share a letter; (c) the text colours
the style sheet and the palette set reach 4.5:1 (focus outlines 3:1); (d) at a 1.5x font no
label's or button's text is wider than the control, and table headers fit their text.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenuBar,
    QPlainTextEdit,
    QStackedWidget,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from familyworker.domain.consent import (
    ConsentDecision,
    ConsentHow,
    ConsentPurpose,
    ConsentStatement,
)
from familyworker.domain.contact import ContactOutcome, NoteKind
from familyworker.domain.family import Family
from familyworker.domain.person import Person, PersonFlag
from familyworker.domain.safeguarding import Concern, history_of
from familyworker.resources import ui_dir
from familyworker.services import printing
from familyworker.services.allocation import LeadWorker
from familyworker.services.team_review import Thresholds
from familyworker.views.app_controller import AppController
from familyworker.views.caseload.main_window import MainWindow
from familyworker.views.caseload.programme_report_dialog import ProgrammeReportDialog
from familyworker.views.family.book_visit_dialog import BookVisitDialog
from familyworker.views.family.case_status_dialog import CaseStatusDialog
from familyworker.views.family.concern_dialog import ConcernDialog, DecisionDialog
from familyworker.views.family.consent_dialog import (
    AgencyChoiceDialog,
    ConsentDialog,
    WithdrawDialog,
)
from familyworker.views.family.delete_family_dialog import DeleteFamilyDialog
from familyworker.views.family.family_window import FamilyWindow
from familyworker.views.family.history_dialog import HistoryDialog
from familyworker.views.family.household_details_dialog import HouseholdDetailsDialog
from familyworker.views.family.member_dialog import MemberDialog
from familyworker.views.family.oversight_dialog import OversightDialog
from familyworker.views.family.print_preview_dialog import PrintPreviewDialog
from familyworker.views.shared.passphrase_prompt import PassphrasePrompt
from familyworker.views.shared.shortcuts_dialog import ShortcutsDialog
from familyworker.views.shared.style import contrast_ratio
from familyworker.views.sync.attention_dialog import AttentionDialog
from familyworker.views.sync.conflicts_dialog import ConflictsDialog
from familyworker.views.sync.connect_dialog import ConnectDialog
from familyworker.views.team.co_workers_dialog import CoWorkersDialog
from familyworker.views.team.reallocate_dialog import ReallocateDialog
from familyworker.views.team.team_view import TeamWindow
from familyworker.views.team.thresholds_dialog import ThresholdsDialog
from familyworker.views.unlock.create_passphrase_dialog import CreatePassphraseDialog

from .conftest import confirm, unlock
from .test_app_flows import open_first_family

pytestmark = pytest.mark.gui

# ----- walking the windows ---------------------------------------------------------------


def reachable_windows(qtbot: QtBot, controller: AppController) -> list[tuple[str, QWidget]]:
    """The caseload, a family file and every dialog, each shown (one screen of each kind)."""
    unlock(qtbot, controller)
    family = open_first_family(qtbot, controller)
    store, runner = controller.store, controller.runner
    assert store is not None
    windows: list[tuple[str, QWidget]] = [
        ("caseload", controller.main_window), ("family file", family),
        ("unlock", controller.unlock_dialog)]
    dialogs: list[tuple[str, QWidget]] = [
        ("add family", _add_family_dialog(controller)),
        ("create passphrase", CreatePassphraseDialog(runner, lambda _p: None)),
        ("connect", ConnectDialog(first_run=True)),
        ("conflicts", ConflictsDialog(store, runner)),
        ("attention", AttentionDialog(store, runner)),
        ("shortcuts", ShortcutsDialog()),
        ("programme report", ProgrammeReportDialog()),
        ("co-workers", CoWorkersDialog("FAM-0001")),
        ("delete family", DeleteFamilyDialog("FAM-0001")),
        ("book visit", BookVisitDialog("FAM-0001")),
        ("edit member", MemberDialog(Person(
            id="p1", family_id="f1", name="Sam Example", flags=(PersonFlag.CHILD_IN_NEED,)))),
        ("oversight note", OversightDialog("FAM-0001")),
        ("raise concern", ConcernDialog("FAM-0001", (Person(
            id="p1", family_id="f1", name="Sam Example"),))),
        ("record decision", _decision_dialog()),
        ("record consent", ConsentDialog("FAM-0001", (Person(
            id="p1", family_id="f1", name="Sam Example"),), ("Riverside Primary",))),
        ("withdraw consent", WithdrawDialog("FAM-0001", ConsentStatement(
            id="s1", family_id="f1", person_id="p1", purpose=ConsentPurpose.SHARE_WITH_AGENCY,
            decision=ConsentDecision.GIVEN, stated_on=date(2025, 1, 1),
            how=ConsentHow.WRITTEN, agency="Riverside Primary"), "Sam Example")),
        ("chronology for an agency", AgencyChoiceDialog("FAM-0001", ("Riverside Primary",))),
        ("passphrase again", PassphrasePrompt(runner, lambda _p: None, why="Type it again.")),
        ("history", HistoryDialog(store, runner, family_id=family.family_id,
                                  reference=family.reference)),
        ("re-allocate", ReallocateDialog(
            "FAM-0001", [LeadWorker("w1", "Kerry Ashdown", None),
                         LeadWorker("w2", "Bronagh McKeever", None)], "w1")),
        ("thresholds", ThresholdsDialog(Thresholds())),
        ("team view", TeamWindow()),
        ("change status", _status_dialog(family.file.family)),  # type: ignore[union-attr]
        ("household details", HouseholdDetailsDialog(family.file.family)),  # type: ignore[union-attr]
        ("print preview", _print_preview(controller, family)),
    ]
    for _name, dialog in dialogs:
        if dialog.parent() is None:
            qtbot.addWidget(dialog)
        dialog.show()
    controller.unlock_dialog.show()
    runner.wait_until_idle()
    qtbot.waitUntil(lambda: all(w.isVisible() for _n, w in windows + dialogs), timeout=5000)
    return windows + dialogs


def _decision_dialog() -> DecisionDialog:
    """On a concern about a child, a referral chosen: every row enabled."""
    concern = Concern(id="c1", family_id="f1", raised_at=datetime.now(UTC),
                      seen_or_heard="Worried", about_person_id="p1")
    dialog = DecisionDialog("FAM-0001", history_of(concern, []))
    dialog.decision_combo.setCurrentIndex(dialog.decision_combo.count() - 1)
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.count() - 1)
    return dialog


def _status_dialog(family: Family) -> CaseStatusDialog:
    """With its last move chosen (closing, for an open case): the most rows shown."""
    dialog = CaseStatusDialog(family)
    dialog.target_combo.setCurrentIndex(dialog.target_combo.count() - 1)
    return dialog


def _print_preview(controller: AppController, family: FamilyWindow) -> QWidget:
    store, family_id = controller.store, family.family_id
    assert store is not None
    dialog = PrintPreviewDialog(store, controller.runner, lambda: printing.preview_chronology(
        store, family_id=family_id), reference=family.reference)
    dialog.start()
    return dialog


def _add_family_dialog(controller: AppController) -> QWidget:
    controller.add_family()
    dialog = controller.add_family_flow.dialog
    assert dialog is not None
    return dialog


def own_widgets(window: QWidget) -> list[QWidget]:
    """The widgets that belong to this window (not to its dialogs or popups)."""
    return [w for w in window.findChildren(QWidget) if w.window() is window]


def shown_or_on_a_page(widget: QWidget, window: QWidget) -> bool:
    """Visible, or hidden only because its tab or stack page is not the current one."""
    current: QWidget | None = widget
    while current is not None and current is not window:
        parent = current.parentWidget()
        if current.isHidden() and not isinstance(parent, QStackedWidget):
            return False
        current = parent
    return True


def is_internal_part(widget: QWidget) -> bool:
    """The line edit inside a spin box or combo box: the outer control carries the name."""
    parent = widget.parentWidget()
    return parent is not None and (parent.focusProxy() is widget
                                   or isinstance(parent, QAbstractSpinBox | QComboBox))


def focusable(window: QWidget) -> Iterator[QWidget]:
    for widget in own_widgets(window):
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and not is_internal_part(widget) \
                and shown_or_on_a_page(widget, window):
            yield widget


def label_texts_for(window: QWidget) -> dict[int, str]:
    """Controls named by a visible QLabel buddy (what a screen reader reads with them)."""
    named: dict[int, str] = {}
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and plain(label.text()):
            named[id(buddy)] = plain(label.text())
    return named


def is_rich(text: str) -> bool:
    return re.search(r"<[a-zA-Z/][^>]*>", text) is not None


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("&&", "\0").replace("&", "") \
        .replace("\0", "&").strip()


def accessible_name(widget: QWidget, buddies: dict[int, str]) -> str:
    """The rule: an explicit accessibleName; a button's, tab bar's or label's own text; or
    the text of the QLabel whose buddy it is."""
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    if isinstance(widget, QAbstractButton) and plain(widget.text()):
        return plain(widget.text())
    if isinstance(widget, QGroupBox) and plain(widget.title()):
        return plain(widget.title())
    if isinstance(widget, QLabel) and plain(widget.text()):
        return plain(widget.text())
    if isinstance(widget, QTabBar) and widget.count() and all(
            plain(widget.tabText(i)) for i in range(widget.count())):
        return ", ".join(plain(widget.tabText(i)) for i in range(widget.count()))
    return buddies.get(id(widget), "")


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or '(no object name)'}"


# ----- mnemonics ---------------------------------------------------------------------------

MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic_of(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def mnemonics(window: QWidget) -> list[tuple[str, QWidget, str]]:
    """(letter, the widget that owns it, its text) for every Alt+letter the window has."""
    found: list[tuple[str, QWidget, str]] = []

    def add(widget: QWidget, text: str) -> None:
        letter = mnemonic_of(text)
        if letter:
            found.append((letter, widget, text))

    for widget in own_widgets(window):
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or \
                isinstance(widget, QAbstractButton):
            add(widget, widget.text())
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            add(widget, widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(widget, widget.tabText(index))
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                add(widget, action.text())
    return found


def on_different_pages(first: QWidget, second: QWidget) -> bool:
    """True when the two sit on different pages of one stack (a tab widget's pages): they are
    never shown, so never live, together."""
    def pages(widget: QWidget) -> dict[int, QWidget]:
        chain: dict[int, QWidget] = {}
        child, parent = widget, widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QStackedWidget):
                chain[id(parent)] = child
            child, parent = parent, parent.parentWidget()
        return chain

    a, b = pages(first), pages(second)
    return any(a[key] is not b[key] for key in a.keys() & b.keys())


def collisions(window: QWidget) -> list[str]:
    found = mnemonics(window)
    clashes = []
    for i, (letter, widget, text) in enumerate(found):
        for other_letter, other, other_text in found[i + 1:]:
            if letter == other_letter and not on_different_pages(widget, other):
                clashes.append(f"Alt+{letter.upper()}: {text!r} and {other_text!r}")
    return clashes


# ----- contrast ----------------------------------------------------------------------------


# The WCAG 2.2 ratio: the same formula the app's palette is adjusted with.
contrast = contrast_ratio


PALETTE_ROLES = {
    "window": QPalette.ColorRole.Window, "window-text": QPalette.ColorRole.WindowText,
    "base": QPalette.ColorRole.Base, "alternate-base": QPalette.ColorRole.AlternateBase,
    "text": QPalette.ColorRole.Text, "button": QPalette.ColorRole.Button,
    "button-text": QPalette.ColorRole.ButtonText, "highlight": QPalette.ColorRole.Highlight,
    "highlighted-text": QPalette.ColorRole.HighlightedText, "mid": QPalette.ColorRole.Mid,
    "midlight": QPalette.ColorRole.Midlight, "dark": QPalette.ColorRole.Dark,
}
TEXT_INPUTS = ("QLineEdit", "QPlainTextEdit", "QTextEdit", "QAbstractSpinBox", "QSpinBox",
               "QDateEdit", "QDateTimeEdit", "QComboBox", "QTableView", "QListWidget")


def sheet_rules(text: str) -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip().lower()] = value.strip()
        rules.append((" ".join(selector.split()), declarations))
    return rules


def resolve(value: str, palette: QPalette, group: QPalette.ColorGroup) -> QColor | None:
    found = re.search(r"palette\(\s*([a-z-]+)\s*\)", value)
    if found:
        return palette.color(group, PALETTE_ROLES[found.group(1)])
    found = re.search(r"#[0-9a-fA-F]{3,8}\b|\b[a-z]+\b", value)
    colour = QColor(found.group(0)) if found else QColor()
    return colour if colour.isValid() else None


def text_pairs(sheet: str, palette: QPalette) -> list[tuple[str, QColor, QColor, float]]:
    """(where, text colour, background, needed ratio) for everything the sheet and palette
    put text on; focus borders need 3:1 against what they sit on (non-text contrast)."""
    pairs: list[tuple[str, QColor, QColor, float]] = []
    active, disabled = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
    role = QPalette.ColorRole
    for group, name in ((active, "active"), (disabled, "disabled")):
        for text, back in ((role.Text, role.Base), (role.WindowText, role.Window),
                           (role.ButtonText, role.Button), (role.Text, role.Window),
                           (role.HighlightedText, role.Highlight)):
            pairs.append((f"palette {name} {text.name}/{back.name}",
                          palette.color(group, text), palette.color(group, back), 4.5))
    for selector, declarations in sheet_rules(sheet):
        group = disabled if ":disabled" in selector else active
        is_input = any(widget in selector for widget in TEXT_INPUTS)
        colour = resolve(declarations.get("color", ""), palette, group)
        back_value = declarations.get("background-color") or declarations.get("background")
        background = resolve(back_value or "", palette, group)
        if colour is None and background is None:
            text_colour = None
        else:
            default_back = palette.color(group, role.Base if is_input else role.Window)
            default_text = palette.color(group, role.Text if is_input else role.WindowText)
            text_colour = colour or default_text
            pairs.append((selector, text_colour, background or default_back, 4.5))
        border = declarations.get("border") or declarations.get("border-color")
        if ":focus" in selector and border:
            edge = resolve(border.replace("solid", ""), palette, group)
            if edge is not None:
                pairs.append((f"{selector} border", edge, background or palette.color(
                    group, role.Window), 3.0))
    return pairs


# ----- the checks --------------------------------------------------------------------------


def test_every_focusable_control_has_an_accessible_name(qtbot: QtBot,
                                                        controller: AppController) -> None:
    unnamed = []
    for name, window in reachable_windows(qtbot, controller):
        buddies = label_texts_for(window)
        for widget in focusable(window):
            if not accessible_name(widget, buddies):
                unnamed.append(f"{name}: {describe(widget)}")
    assert not unnamed, "\n".join(unnamed)


def test_no_two_live_mnemonics_share_a_letter(qtbot: QtBot, controller: AppController) -> None:
    clashes = []
    for name, window in reachable_windows(qtbot, controller):
        clashes += [f"{name}: {clash}" for clash in collisions(window)]
    assert not clashes, "\n".join(clashes)


def test_a_label_with_a_mnemonic_has_a_buddy(qtbot: QtBot, controller: AppController) -> None:
    """Without a buddy the underlined letter goes nowhere (and Qt shows the ampersand)."""
    stray = []
    for name, window in reachable_windows(qtbot, controller):
        for label in window.findChildren(QLabel):
            if label.textFormat() != Qt.TextFormat.RichText and \
                    not is_rich(label.text()) and mnemonic_of(label.text()) and \
                    label.buddy() is None:
                stray.append(f"{name}: {label.text()!r}")
    assert not stray, "\n".join(stray)


def test_the_family_windows_tab_shortcuts_reach_the_tabs(qtbot: QtBot,
                                                         controller: AppController) -> None:
    """Alt+N, Alt+W and Alt+P (Help's list) go to their tab from any tab, as documented."""
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    alt = Qt.KeyboardModifier.AltModifier
    for start in range(window.tabs.count()):
        for key, page in ((Qt.Key.Key_N, window.notes_page), (Qt.Key.Key_W, window.star_page),
                          (Qt.Key.Key_P, window.plan_page),
                          (Qt.Key.Key_H, window.household_page)):
            window.tabs.setCurrentIndex(start)
            qtbot.keyClick(window.tabs.currentWidget(), key, alt)
            assert window.tabs.currentWidget() is page, \
                f"Alt+{chr(key)} from tab {window.tabs.tabText(start)!r}"


def test_text_colours_meet_the_contrast_minimum(qtbot: QtBot,
                                                controller: AppController) -> None:
    palette = QApplication.palette()
    sheet = (ui_dir() / "style.qss").read_text(encoding="utf-8")
    assert QApplication.instance().styleSheet() == sheet  # type: ignore[union-attr]
    low = [f"{where}: {text.name()} on {back.name()} is {contrast(text, back):.2f}:1 "
           f"(needs {needed}:1)"
           for where, text, back, needed in text_pairs(sheet, palette)
           if contrast(text, back) < needed]
    assert not low, "\n".join(low)


def test_text_boxes_show_where_the_focus_is(qtbot: QtBot) -> None:
    """Focus is shown by more than a thin platform line: the sheet gives text boxes a focus
    border, in em units like the rest of the sheet."""
    rules = dict(sheet_rules((ui_dir() / "style.qss").read_text(encoding="utf-8")))
    focused = " ".join(s for s, body in rules.items() if ":focus" in s and (
        "border" in body or "outline" in body))
    for widget in ("QLineEdit", "QPlainTextEdit", "QTextEdit"):
        assert f"{widget}:focus" in focused


def test_finalising_a_note_keeps_the_focus_in_the_form(qtbot: QtBot,
                                                       controller: AppController) -> None:
    """The Finalise button greys out once pressed: focus went nowhere (lost for a keyboard
    or screen-reader user). It lands on the note's narrative, still readable and selectable."""
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.notes_page
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.start_new_note()
    qtbot.keyClicks(page.narrative_edit, "Phone call; all well.")
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(NoteKind.PHONE))
    page.outcome_combo.setCurrentIndex(page.outcome_combo.findData(ContactOutcome.MADE))
    qtbot.mouseClick(page.now_button, Qt.MouseButton.LeftButton)
    page.finalise_button.setFocus()
    qtbot.keyClick(page.finalise_button, Qt.Key.Key_Space)  # asks first
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        confirm(qtbot, page)
    assert page.editing is not None and page.editing.is_final
    focus = QApplication.focusWidget()
    assert focus is not None and focus.isVisible() and focus.isEnabled()
    assert focus is page.narrative_edit


def test_the_addendum_box_has_a_visible_label(qtbot: QtBot, controller: AppController) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.notes_page
    labels = [label for label in page.findChildren(QLabel)
              if label.buddy() is page.addendum_edit]
    assert labels and plain(labels[0].text())
    assert labels[0].isVisibleTo(page)


def test_finalised_fields_are_read_only_and_readable(qtbot: QtBot,
                                                     controller: AppController) -> None:
    """Finalised fields were disabled: light grey on grey. Read-only keeps them readable,
    selectable and in the tab order; their text meets 4.5:1 on what they sit on."""
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    page = window.notes_page
    window.tabs.setCurrentWidget(page)
    final = next(r for r in range(page.notes_model.rowCount())
                 if page.notes_model.row_at(r).is_final)
    page.select_row(final)
    for edit in (page.when_edit, page.duration_spin, page.present_edit, page.agencies_edit,
                 page.narrative_edit, page.follow_ups_edit):
        assert edit.isEnabled() and edit.isReadOnly(), describe(edit)
    for widget in (page.kind_combo, page.when_edit, page.present_edit, page.follow_ups_edit):
        image = widget.grab().toImage()
        group = QPalette.ColorGroup.Active if widget.isEnabled() else \
            QPalette.ColorGroup.Disabled
        text = widget.palette().color(group, widget.foregroundRole())
        back = image.pixelColor(QPoint(image.width() // 2, image.height() - 3))
        assert contrast(text, back) >= 4.5, describe(widget)


# ----- at 1.5 times the font ---------------------------------------------------------------


@pytest.fixture
def large_font() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    bigger = QFont(before)
    bigger.setPointSizeF(before.pointSizeF() * 1.5)
    app.setFont(bigger)
    yield
    app.setFont(before)


def clipped(window: QWidget) -> list[str]:
    problems = []
    for widget in own_widgets(window):
        if not widget.isVisible() or widget.width() <= 1:
            continue
        if isinstance(widget, QLabel) and not widget.wordWrap() and \
                widget.textFormat() != Qt.TextFormat.RichText and \
                not is_rich(widget.text()) and widget.pixmap().isNull():
            text = plain(widget.text())
            longest = max((widget.fontMetrics().horizontalAdvance(line)
                           for line in text.splitlines()), default=0)
            if longest > widget.contentsRect().width():
                problems.append(f"{describe(widget)} {text!r}: {longest} > "
                                f"{widget.contentsRect().width()}")
        elif isinstance(widget, QAbstractButton) and plain(widget.text()) and \
                not isinstance(widget.parentWidget(), QTabBar):
            need = widget.sizeHint().width()
            if widget.width() + 2 < need:
                problems.append(f"{describe(widget)} {plain(widget.text())!r}: "
                                f"{widget.width()} < {need}")
        elif isinstance(widget, QHeaderView) and widget.orientation() == \
                Qt.Orientation.Horizontal and not widget.isHidden():
            model = widget.model()
            for section in range(widget.count()):
                if widget.isSectionHidden(section) or model is None:
                    continue
                need = widget.sectionSizeFromContents(section).width()
                if widget.sectionSize(section) < need:
                    title = model.headerData(section, Qt.Orientation.Horizontal)
                    problems.append(f"{describe(widget.parentWidget())} column {title!r}: "
                                    f"{widget.sectionSize(section)} < {need}")
    return problems


def test_nothing_is_clipped_at_one_and_a_half_times_the_font(
        qtbot: QtBot, controller: AppController, large_font: None) -> None:
    problems = []
    for name, window in reachable_windows(qtbot, controller):
        tab_widgets = [w for w in own_widgets(window) if isinstance(w, QStackedWidget)]
        pages = [(stack, stack.widget(i)) for stack in tab_widgets
                 for i in range(stack.count())]
        shown: set[str] = set()
        for stack, page in pages or [(None, None)]:
            if stack is not None:
                stack.setCurrentWidget(page)
            QApplication.processEvents()
            shown.update(f"{name}: {problem}" for problem in clipped(window))
        problems += sorted(shown)
    assert not problems, "\n".join(problems)


def test_long_text_boxes_keep_several_lines_at_a_large_font(
        qtbot: QtBot, controller: AppController, large_font: None) -> None:
    """"What happened" and Follow-ups shrank to one line at 1.5x: the form scrolls instead."""
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    window.resize(1000, 640)
    for page, edits in ((window.notes_page, ("narrative_edit", "follow_ups_edit",
                                             "addendum_edit")),
                        (window.star_page, ("note_edit", "words_edit"))):
        window.tabs.setCurrentWidget(page)
        QApplication.processEvents()
        for name in edits:
            edit = getattr(page, name)
            assert isinstance(edit, QPlainTextEdit)
            lines = edit.viewport().height() / edit.fontMetrics().lineSpacing()
            assert lines >= 2.5, f"{name}: {lines:.1f} lines"


def test_the_star_legend_does_not_overlap_the_table(qtbot: QtBot, controller: AppController,
                                                    large_font: None) -> None:
    unlock(qtbot, controller)
    window = open_first_family(qtbot, controller)
    window.resize(1000, 640)
    page = window.star_page
    window.tabs.setCurrentWidget(page)
    QApplication.processEvents()
    chart = page.chart
    assert chart.height() >= chart.minimumSizeHint().height()
    below = [page.compare_label, page.compare_list, page.distance_label, page.distance_table]
    top = min(w.mapTo(page, QPoint(0, 0)).y() for w in below)
    assert chart.mapTo(page, QPoint(0, chart.height())).y() <= top


# ----- restored geometry -------------------------------------------------------------------


def _geometry_bigger_than_the_screen(window: QMainWindow) -> QByteArray:
    screen = QGuiApplication.primaryScreen().availableGeometry()
    window.setGeometry(QRect(screen.x() + screen.width() + 200, screen.y() + 400,
                             screen.width() + 900, screen.height() + 700))
    return window.saveGeometry()


@pytest.mark.parametrize("which", ["main", "family"])
def test_a_saved_geometry_that_no_longer_fits_is_clamped_to_the_screen(
        qtbot: QtBot, controller: AppController, tmp_path: Path, which: str) -> None:
    """A laptop undocked from a big monitor: the saved window is off screen and too big."""
    screen = QGuiApplication.primaryScreen().availableGeometry()
    settings = QSettings(str(tmp_path / "clamp.ini"), QSettings.Format.IniFormat)
    window: QMainWindow
    if which == "main":
        window = MainWindow()
        qtbot.addWidget(window)
        settings.setValue("main_window/geometry", _geometry_bigger_than_the_screen(window))
        fresh = MainWindow()
        qtbot.addWidget(fresh)
        fresh.restore_geometry(settings)
    else:
        unlock(qtbot, controller)
        family = open_first_family(qtbot, controller)
        settings.setValue("family_window/geometry", _geometry_bigger_than_the_screen(family))
        family.restore_geometry(settings)
        fresh = family
    frame = fresh.geometry()
    assert screen.contains(frame), (frame, screen)
    assert frame.width() >= min(screen.width(), fresh.minimumSizeHint().width())

