"""After the first screens show: import, off the GUI thread, what the rest of the app needs.

The caseload and My week are read without the ORM so they show before SQLAlchemy, SQLModel and
the family file's screens are loaded (about a second on a slow laptop). Once both are on
screen, a background thread imports them, so the first family opened is as quick as later
ones; then (`finished`) the GUI thread starts what waited for them (the network watch). A
plain daemon thread, not the task runner: it writes nothing, and waiting for the runner to be
idle (locking, closing) should not wait for it.
"""

import contextlib
import importlib
import logging
import threading

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

# What opening a family, saving, locking with drafts and syncing import first.
DEFERRED_MODULES = (
    "familyworker.store.tables",
    "familyworker.store.unit_of_work",
    "familyworker.services.drafts",
    "familyworker.services.family_file",
    "familyworker.views.family.family_window",
    "familyworker.sync.engine",
    "PySide6.QtNetwork",  # the network-reachability watch (views.sync.sync_controller)
)


class DeferredImports(QObject):
    """Starts the background import once; `wait` is for closing and tests."""

    # Emitted from the import thread; Qt delivers it on the GUI thread (queued).
    finished = Signal()

    def __init__(self, modules: tuple[str, ...] = DEFERRED_MODULES,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._modules = modules
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._import_all, name="deferred-imports",
                                            daemon=True)
            self._thread.start()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the imports are done (True), or the timeout passes (False)."""
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def _import_all(self) -> None:
        for name in self._modules:
            try:
                importlib.import_module(name)
            except Exception as error:  # imported again, and reported, where it is used
                log.error("Could not load %s in advance (%s)", name, type(error).__name__)
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile: none waits
            self.finished.emit()
