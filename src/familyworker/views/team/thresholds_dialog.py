"""Edit the team view's thresholds (local practice standards) for this device."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from familyworker.services.team_review import Thresholds

FIELDS = (("no_contact_days", "&No contact for more than", " days"),
          ("star_rescore_weeks", "Web &Star not re-scored in", " weeks"),
          ("draft_hours", "&Drafts older than", " hours"),
          ("open_weeks", "Cases &open longer than", " weeks"))


class ThresholdsDialog(QDialog):
    submitted = Signal(object)  # Thresholds

    def __init__(self, current: Thresholds, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thresholds_dialog")
        self.setWindowTitle("Team view thresholds")
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout(self)
        for name, label, suffix in FIELDS:
            spin = QSpinBox()
            spin.setObjectName(f"{name}_spin")
            spin.setRange(1, 1000)
            spin.setSuffix(suffix)
            spin.setValue(getattr(current, name))
            self.spins[name] = spin
            form.addRow(label, spin)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_values(Thresholds()))
        form.addRow(self.buttons)

    def show_values(self, thresholds: Thresholds) -> None:
        for name, spin in self.spins.items():
            spin.setValue(getattr(thresholds, name))

    def values(self) -> Thresholds:
        return Thresholds(**{name: spin.value() for name, spin in self.spins.items()})

    def _submit(self) -> None:
        self.submitted.emit(self.values())
        self.accept()
