"""Who was present at a contact: a tick box per household member (names kept as text)."""

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

COLUMNS = 3
NO_MEMBERS = "No household members recorded yet (add them on the Household tab)."


class PresentPicker(QWidget):
    """One check box per member, in household order; `present` is stored as names, so a
    member renamed later is no longer ticked and the old name is kept as typed text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("present_picker")
        self.setAccessibleName("Household members present")
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(NO_MEMBERS)
        self.empty_label.setObjectName("present_empty_label")
        self.empty_label.setWordWrap(True)
        self.boxes: list[QCheckBox] = []
        self._names: tuple[str, ...] = ()
        self._read_only = False
        self._layout.addWidget(self.empty_label, 0, 0, 1, COLUMNS)

    def set_members(self, names: Sequence[str]) -> bool:
        """Rebuild the boxes for these members, keeping the ticks of those still there;
        True when the boxes changed."""
        names = tuple(dict.fromkeys(n for n in names if n.strip()))
        if names == self._names:
            return False
        ticked = set(self.ticked())
        for box in self.boxes:
            self._layout.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        self._names = names
        for index, name in enumerate(names):
            box = QCheckBox(name.replace("&", "&&"))  # a name is never a mnemonic
            box.setObjectName(f"present_box_{index}")
            box.setAccessibleName(f"{name} was present")
            box.setProperty("member_name", name)
            box.setChecked(name in ticked)
            box.setEnabled(not self._read_only)
            self.boxes.append(box)
            self._layout.addWidget(box, 1 + index // COLUMNS, index % COLUMNS)
        self.empty_label.setVisible(not names)
        return True

    @property
    def member_names(self) -> tuple[str, ...]:
        return self._names

    def ticked(self) -> tuple[str, ...]:
        return tuple(name for name, box in zip(self._names, self.boxes, strict=True)
                     if box.isChecked())

    def set_present(self, present: Sequence[str]) -> tuple[str, ...]:
        """Tick the members named in `present`; returns the other names (not members)."""
        wanted = set(present)
        for name, box in zip(self._names, self.boxes, strict=True):
            box.setChecked(name in wanted)
        members = set(self._names)
        return tuple(name for name in present if name not in members)

    def set_read_only(self, read_only: bool) -> None:
        # A check box has no read-only state: a finalised note's boxes are disabled, like the
        # kind; the names are also in the printed chronology.
        self._read_only = read_only
        for box in self.boxes:
            box.setEnabled(not read_only)
