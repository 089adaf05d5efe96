"""Crypto-shredding a revoked device's caseload: the wrapped key first, then the files (E2)."""

import contextlib
import logging

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.paths import StorePaths

log = logging.getLogger(__name__)


def crypto_shred(store: CaseloadStore) -> None:
    """Close the store and destroy it (see ``shred_files``)."""
    store.lock()
    shred_files(store.paths)


def shred_files(paths: StorePaths) -> None:
    """Destroy a caseload that is not open. Without the key file the database is unreadable,
    so the key goes first: a crash half-way still leaves nothing that can be opened."""
    key_file = paths.key_file
    if key_file.exists():
        # Overwrite before unlinking so the wrapped key does not linger in the same blocks
        # (best effort on SSDs; the point is that the data key is gone).
        size = key_file.stat().st_size
        with key_file.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
        key_file.unlink()
    for file in (*paths.database_files(), paths.server_file):
        with contextlib.suppress(FileNotFoundError):
            file.unlink()
    log.warning("local caseload wiped after device revocation")
