"""Screenshots of each main screen on a fresh demo caseload, saved to docs/screenshots/.

Run: xvfb-run -a -s "-screen 0 1280x800x24" python tools/screenshots.py
(or QT_QPA_PLATFORM=offscreen python tools/screenshots.py). Safe to rerun.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from familyworker.app import build_app
from familyworker.services.demo import DEMO_PASSPHRASE, import_demo
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def settle(app: QApplication, runner_wait: object) -> None:
    for _ in range(5):
        app.processEvents()
    getattr(runner_wait, "wait_until_idle")()  # noqa: B009
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / f"app-{name}.png"))
    print(f"saved docs/screenshots/app-{name}.png")


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
        window.tabs.setCurrentWidget(window.notes_page)
        window.notes_page.select_row(0)
        settle(app, runner)
        save(window, "notes")
        controller.lock()
        settle(app, runner)
    return 0


if __name__ == "__main__":
    sys.exit(main())
