"""A SyncClient for an enrolled caseload, wired to its stored credentials.

Every client of one caseload in this process (the background sync, the History fetch)
refreshes under the same lock and adopts a pair another one already saved, so two of them never
exchange the same refresh token (credentials.refresh_lock).
"""

import httpx

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync import credentials
from familyworker.sync.client import NotEnrolled, ReconnectRequired, SyncClient


def caseload_client(store: CaseloadStore, server_url: str, *,
                    http: httpx.Client | None = None, timeout: float = 30.0) -> SyncClient:
    """Raises NotEnrolled when the caseload holds no credentials."""
    held = credentials.load(store)
    if held is None or not server_url:
        raise NotEnrolled()
    # A rotated pair is saved (one store transaction) before the client sends it; a stopped
    # token family (reuse) drops the tokens but never the caseload: only DeviceRevoked wipes.
    return SyncClient(
        server_url, credentials=held, device_id=store.device_id, http=http, timeout=timeout,
        on_rotate=lambda fresh: credentials.save(store, fresh),
        on_stopped=lambda: credentials.forget(store, ReconnectRequired.code),
        stored=lambda: credentials.load(store), token_lock=credentials.refresh_lock(store))
