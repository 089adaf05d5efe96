"""One open copy of a caseload per profile (K3): an OS file lock held while unlocked."""

import os
from pathlib import Path
from typing import IO

from familyworker.store.errors import CaseloadInUse

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows relies on QLockFile in the app
    fcntl = None  # type: ignore[assignment]


class ProcessLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self._path, "a+", encoding="utf-8")  # noqa: SIM115 - held while unlocked
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                raise CaseloadInUse() from None
        os.chmod(self._path, 0o600)
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing drops the flock
            self._handle = None
