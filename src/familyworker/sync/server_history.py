"""A family's History as the organisation's server holds it (issue 16, SECURITY I4): every
device's audit events for the family, newest first. Blocking: run it off the GUI thread."""

from dataclasses import dataclass
from datetime import datetime

import httpx

from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync import protocol
from familyworker.sync.credentials import SETTING_SERVER_URL
from familyworker.sync.store_client import caseload_client

# A History longer than this is cut to its newest events (a long case over years): the dialog
# is a screenful to scan, not the legal record, which stays whole on the server.
MAX_EVENTS = 5_000
# Someone is waiting at the dialog: a server that does not answer in this long is "not reached"
# (the background sync's 30 s suits a transfer nobody watches).
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class ServerHistory:
    events: list[protocol.HistoryEvent]  # newest first
    server_time: datetime  # when the server answered (its clock)
    cut: bool = False  # more than MAX_EVENTS: the oldest were left out


def fetch_family_history(store: CaseloadStore, family_id: str, *,
                         http: httpx.Client | None = None,
                         page: int = protocol.DEFAULT_HISTORY_LIMIT) -> ServerHistory:
    """Every page of the family's events. Raises the client's SyncError subclasses:
    NotEnrolled, ServerUnreachable, ServerRefused (404 not_found: not in this caller's scope)."""
    client = caseload_client(store, str(store.setting(SETTING_SERVER_URL) or ""), http=http,
                             timeout=TIMEOUT_SECONDS)
    path = protocol.HISTORY_PATH.format(family_id=family_id)
    events: list[protocol.HistoryEvent] = []
    cursor: int | None = None
    try:
        while True:
            params: dict[str, int] = {"limit": page}
            if cursor is not None:
                params["cursor"] = cursor
            answer = protocol.HistoryResponse.model_validate(client.get(path, params))
            if cursor is None:
                server_time = answer.server_time
            events.extend(answer.events)
            cursor = answer.next_cursor
            if cursor is None or len(events) >= MAX_EVENTS:
                break
    finally:
        client.close()
    return ServerHistory(events[:MAX_EVENTS], server_time, cut=cursor is not None)
