"""Applies the optional style sheet, and a palette whose text colours all reach 4.5:1.

A missing or unreadable sheet leaves the platform style; the palette is adjusted either way.
"""

import logging
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from familyworker.resources import ui_dir

log = logging.getLogger(__name__)

STYLE_SHEET = "style.qss"
MINIMUM_CONTRAST = 4.6  # WCAG 2.2 AA asks 4.5:1 for text; a little over, for rounding


def relative_luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
            + 0.0722 * channel(colour.blue()))


def contrast_ratio(first: QColor, second: QColor) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mix(start: QColor, end: QColor, amount: float) -> QColor:
    return QColor(round(start.red() + (end.red() - start.red()) * amount),
                  round(start.green() + (end.green() - start.green()) * amount),
                  round(start.blue() + (end.blue() - start.blue()) * amount))


def readable(colour: QColor, backgrounds: list[QColor], towards: QColor) -> QColor:
    """`colour` moved towards `towards` (the normal text colour) just far enough to reach
    the minimum contrast on every background: still greyer than normal text, but legible."""
    for step in range(21):
        candidate = _mix(colour, towards, step / 20)
        if all(contrast_ratio(candidate, back) >= MINIMUM_CONTRAST for back in backgrounds):
            return candidate
    return QColor(towards)


def accessible_palette(palette: QPalette) -> QPalette:
    """Disabled text (Fusion: #bebebe on #efefef, 1.6:1) and white on the selection colour
    (3.7:1) brought up to the minimum, following a light or a dark theme alike."""
    fixed = QPalette(palette)
    role, disabled = QPalette.ColorRole, QPalette.ColorGroup.Disabled
    backgrounds = [palette.color(disabled, r) for r in (role.Base, role.Window, role.Button)]
    for text_role in (role.Text, role.WindowText, role.ButtonText):
        towards = palette.color(QPalette.ColorGroup.Active, text_role)
        fixed.setColor(disabled, text_role,
                       readable(palette.color(disabled, text_role), backgrounds, towards))
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, disabled):
        text = palette.color(group, role.HighlightedText)
        highlight = palette.color(group, role.Highlight)
        # Darken (or, under dark text, lighten) the selection until its text reads.
        away = QColor("black") if relative_luminance(text) > 0.5 else QColor("white")
        fixed.setColor(group, role.Highlight, readable(highlight, [text], away))
    return fixed


def apply_style(app: QApplication, path: Path | None = None) -> bool:
    """True when the style sheet was applied."""
    palette = accessible_palette(app.palette())
    if palette != app.palette():
        app.setPalette(palette)
    sheet = path or ui_dir() / STYLE_SHEET
    try:
        text = sheet.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.info("No style sheet applied (%s)", type(error).__name__)
        return False
    if app.styleSheet() != text:  # setting it re-polishes every widget, even unchanged
        app.setStyleSheet(text)
    return True
