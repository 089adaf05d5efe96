"""A list that says in words what its emptiness means: the list and a label in one stack."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget


def with_empty_state(view: QWidget, text: str, *, object_name: str,
                     accessible_name: str) -> tuple[QStackedWidget, QLabel]:
    """``view`` and a wrapped, top-aligned label saying ``text``, stacked; show the label
    (``stack.setCurrentWidget(label)``) while there is nothing to list."""
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setAccessibleName(accessible_name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    stack = QStackedWidget()
    stack.addWidget(view)
    stack.addWidget(label)
    return stack, label
