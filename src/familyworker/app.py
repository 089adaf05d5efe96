"""Composition root: QApplication, the task runner, the unlock flow and the main window."""

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from familyworker.logs import logging_to
from familyworker.resources import resources_dir
from familyworker.views.app_controller import AppController
from familyworker.views.shared.style import apply_style
from familyworker.views.shared.task_runner import TaskRunner

log = logging.getLogger(__name__)

ORGANISATION = "FamilyWorker"
APPLICATION = "FamilyWorker"
# The reverse-DNS id shared by the desktop file, the icon and the AppStream metainfo.
APP_ID = "org.familyworker.FamilyWorker"


# Set to 1: once the first window is on screen, say which and quit. Checks that an installed
# bundle starts (Qt plugins, style sheet, icon) and times start-up (benchmarks/bundle_bench.py).
EXIT_WHEN_READY = "FAMILYWORKER_EXIT_WHEN_READY"


def _report_ready_and_quit(app: QApplication) -> None:
    shown = [w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()]
    sys.stdout.write(f"FamilyWorker ready: {', '.join(shown) or 'no window shown'}\n")
    sys.stdout.flush()
    app.exit(0 if shown else 1)


def _idle_ms_from_environment() -> int | None:
    """Tests and benchmarks may shorten the idle lock; it can never be lengthened past policy."""
    value = os.environ.get("FAMILYWORKER_IDLE_MS")
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def build_app(data_dir: Path, *, demo_passphrase: str | None = None,
              idle_ms: int | None = None,
              settings: QSettings | None = None) -> tuple[QApplication, AppController]:
    """Create (or reuse) the QApplication and wire the controller; nothing is shown yet."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "hicolor" / "scalable" / "apps"
                                / f"{APP_ID}.svg")))
    app.setDesktopFileName(APP_ID)  # packaging/APP_ID.desktop: task bars group its windows
    app.setQuitOnLastWindowClosed(False)  # locking hides windows; quitting is explicit
    apply_style(app)  # optional: without ui/style.qss the platform style stays
    write_pool = QThreadPool()
    runner = TaskRunner(QThreadPool.globalInstance(), write_pool, parent=app)
    controller = AppController(data_dir, runner, settings=settings or QSettings(),
                               demo_passphrase=demo_passphrase,
                               idle_ms=idle_ms or _idle_ms_from_environment(), parent=app)
    controller.shut_down.connect(app.quit)
    controller.unlock_dialog.rejected.connect(app.quit)
    return app, controller


def run_gui(data_dir: Path, *, demo_passphrase: str | None = None) -> int:
    """Open the desktop app on the caseload in `data_dir`; returns the process exit code."""
    app, controller = build_app(data_dir, demo_passphrase=demo_passphrase)
    if controller.create_dialog is None and not data_dir.exists():
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    controller.session_lock_watcher.connect_buses()
    controller.start()
    if controller.create_dialog is not None:
        controller.create_dialog.rejected.connect(app.quit)
    if os.environ.get(EXIT_WHEN_READY) == "1":
        QTimer.singleShot(0, lambda: _report_ready_and_quit(app))
    with logging_to(data_dir):  # warnings, and unexpected failures' details, to its log file
        code = app.exec()
    controller.runner.wait_until_idle()
    if controller.store is not None:
        controller.store.lock()
    log.info("FamilyWorker closed")
    return int(code)
