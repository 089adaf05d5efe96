"""Applies the optional style sheet; a missing or unreadable one leaves the platform style."""

import logging
from pathlib import Path

from PySide6.QtWidgets import QApplication

from familyworker.resources import ui_dir

log = logging.getLogger(__name__)

STYLE_SHEET = "style.qss"


def apply_style(app: QApplication, path: Path | None = None) -> bool:
    """True when the style sheet was applied."""
    sheet = path or ui_dir() / STYLE_SHEET
    try:
        text = sheet.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        log.info("No style sheet applied (%s)", type(error).__name__)
        return False
    if app.styleSheet() != text:  # setting it re-polishes every widget, even unchanged
        app.setStyleSheet(text)
    return True
