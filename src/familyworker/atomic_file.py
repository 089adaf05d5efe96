"""Crash-safe file writes: temp file in the same folder, fsync, atomic rename, folder fsync.

Either the old file (or none) or the complete new one is on disk whatever happens to the
process. The temp file is owner-only from its first byte and has a random name, so nothing
from the target's name (which may name a family) reaches it.
"""

import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    tmp = folder / f".fw-{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its rename is already durable
        return
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
