"""Runs blocking service calls on pool threads and delivers results on the GUI thread."""

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

T = TypeVar("T")


class TaskRunner(QObject):
    """One per app. Reads run on a small pool; store writes on a serial pool (one writer)."""

    _finished = Signal(object, object)  # (callback, result or exception)
    busy_changed = Signal(bool)  # True while any task is under way (for progress indication)
    task_finished = Signal()  # after each callback has run on the GUI thread

    def __init__(self, read_pool: QThreadPool | None = None,
                 write_pool: QThreadPool | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read_pool = read_pool or QThreadPool(self)
        if read_pool is None:
            self._read_pool.setMaxThreadCount(2)
        self._write_pool = write_pool or QThreadPool(self)
        # SQLite must never see two writers, and writes keep their order (a draft before a lock).
        self._write_pool.setMaxThreadCount(1)
        self._pending = 0
        # The receiver lives on the GUI thread, so emits from workers arrive queued there.
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        return self._pending

    def run(self, work: Callable[[], T], on_done: Callable[[T], None],
            on_error: Callable[[Exception], None]) -> None:
        """Run a read (or the unlock KDF) off the GUI thread. `work` never touches a widget."""
        self._start(self._read_pool, work, on_done, on_error)

    def run_write(self, work: Callable[[], T], on_done: Callable[[T], None],
                  on_error: Callable[[Exception], None]) -> None:
        """Run a store write on the serial writer thread, after every write queued before it."""
        self._start(self._write_pool, work, on_done, on_error)

    def _start(self, pool: QThreadPool, work: Callable[[], T], on_done: Callable[[T], None],
               on_error: Callable[[Exception], None]) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        finished = self._finished

        def job() -> None:
            try:
                result = work()
            except Exception as error:  # delivered to on_error on the GUI thread
                finished.emit(on_error, error)
            else:
                finished.emit(on_done, result)

        pool.start(job)

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], value: object) -> None:
        try:
            callback(value)
        finally:
            self._pending -= 1
            if self._pending == 0:
                self.busy_changed.emit(False)
            self.task_finished.emit()

    def wait_until_idle(self, timeout_ms: int = 10_000) -> bool:
        """Block until every queued task and its callback has run (tests, shutdown)."""
        app = QCoreApplication.instance()
        rounds = max(1, timeout_ms // 10)
        for _ in range(rounds):
            if self._pending == 0:
                return True
            self._read_pool.waitForDone(10)
            self._write_pool.waitForDone(10)
            if app is not None:
                QCoreApplication.processEvents()
        return self._pending == 0
