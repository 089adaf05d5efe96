"""Sizes that follow the font (a 150% system font or a 1.5x screen scale) and the screen."""

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)


def text_box_height(edit: QPlainTextEdit | QTextEdit, lines: int) -> int:
    """The height showing `lines` lines of the box's font, frame and margins included."""
    margins = edit.contentsMargins()
    document_margin = 2 * int(edit.document().documentMargin())
    return (lines * edit.fontMetrics().lineSpacing() + document_margin + margins.top()
            + margins.bottom() + 2 * edit.frameWidth())


def scrolling(widget: QWidget, accessible_name: str) -> QScrollArea:
    """A long form in a scroll area: it scrolls at a large font instead of squashing boxes."""
    area = QScrollArea()
    area.setObjectName(f"{widget.objectName() or 'form'}_scroll")
    area.setAccessibleName(accessible_name)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


def repolish(widget: QWidget) -> None:
    """Style-sheet rules on properties ([finalised="true"]) follow a property change."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class _HeaderFitter(QObject):
    """Keeps each column at least as wide as its header text (in the header's own font, bold
    and padded by the style sheet), now and whenever the font or the style changes; a stretched
    column stretches only while there is room, otherwise the table scrolls sideways."""

    def __init__(self, view: QAbstractItemView, header: QHeaderView,
                 widths: Sequence[int], stretch: int | None) -> None:
        super().__init__(header)
        self.view, self.header = view, header
        self.widths = tuple(widths)
        self.stretch = stretch
        header.installEventFilter(self)
        view.viewport().installEventFilter(self)
        model = header.model()
        if model is not None:
            model.headerDataChanged.connect(lambda *_args: self.fit())
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange,
                            QEvent.Type.Polish, QEvent.Type.Show, QEvent.Type.Resize):
            self.fit()
        return False

    def needed(self, section: int) -> int:
        return int(self.header.sectionSizeFromContents(section).width())

    def fit(self) -> None:
        header = self.header
        for section in range(header.count()):
            if section == self.stretch:
                continue
            wanted = self.widths[section] if section < len(self.widths) else \
                header.defaultSectionSize()
            header.resizeSection(section, max(wanted, self.needed(section)))
        if self.stretch is None or self.stretch >= header.count():
            return
        others = sum(header.sectionSize(s) for s in range(header.count())
                     if s != self.stretch and not header.isSectionHidden(s))
        room = self.view.viewport().width() - others
        need = self.needed(self.stretch)
        if room >= need:
            header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(self.stretch, need)


def fit_columns_to_headers(view: QAbstractItemView, header: QHeaderView,
                           widths: Sequence[int] = (), stretch: int | None = None) -> None:
    """Columns of at least `widths` pixels and never narrower than their header's text."""
    _HeaderFitter(view, header, widths, stretch)


def clamp_to_screen(window: QWidget, default: QSize) -> None:
    """A window restored from a geometry saved on a bigger or another screen (a laptop
    undocked) is put back on the screen it is on, whole, at a usable size."""
    if window.isMaximized() or window.isFullScreen():
        return
    screen = QGuiApplication.screenAt(window.geometry().center()) or window.screen() or \
        QGuiApplication.primaryScreen()
    if screen is None:
        return
    available = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    extra = QSize(frame.width() - inner.width(), frame.height() - inner.height())
    room = QSize(available.width() - extra.width(), available.height() - extra.height())
    smallest = window.minimumSizeHint().expandedTo(window.minimumSize())
    size = inner.size()
    if available.contains(frame) and size.width() >= smallest.width() and \
            size.height() >= smallest.height():
        return
    if size.width() < smallest.width() or size.height() < smallest.height() or \
            size.width() > room.width() or size.height() > room.height():
        size = default
    size = size.boundedTo(room)
    target = QRect(frame.topLeft(), size + extra)
    target.moveLeft(min(max(target.left(), available.left()),
                        available.right() - target.width() + 1))
    target.moveTop(min(max(target.top(), available.top()),
                       available.bottom() - target.height() + 1))
    window.resize(size)
    window.move(target.topLeft())
