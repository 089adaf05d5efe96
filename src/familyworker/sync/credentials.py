"""This device's sync credentials, kept only in the encrypted store's settings (E1).

Settings: the refresh token, the access token and its expiry (this device's clock), written
together in one store transaction. A caseload enrolled before token rotation holds one device
token under ``sync_token``: it is used as the refresh token on the first exchange, which replaces
it. Tokens are never logged; ``Credentials`` hides them from ``repr``.

Several clients of one caseload may run at once in a process (the background sync, the History
fetch): each refreshes under ``refresh_lock`` and re-reads the stored pair after taking it, so
a refresh token is never exchanged twice (which the server would take for a stolen copy, E1).
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from familyworker.store.caseload_store import CaseloadStore

if TYPE_CHECKING:
    from sqlmodel import Session

log = logging.getLogger(__name__)

SETTING_LEGACY_TOKEN = "sync_token"
SETTING_ACCESS_TOKEN = "sync_access_token"
SETTING_ACCESS_EXPIRES = "sync_access_expires_at"
SETTING_REFRESH_TOKEN = "sync_refresh_token"
# Why the server stopped this device's tokens ("token_reused"): it must be connected again.
SETTING_RECONNECT = "sync_reconnect_reason"
# Where the server is and when it last answered (kept here, not in engine.py, so the status
# line can read them at unlock without loading the sync engine and its HTTP stack).
SETTING_SERVER_URL = "sync_server_url"
SETTING_LAST_SYNC = "sync_last_at"
# The last answer from the server to an enrolment, a whole sync pass or the offline-period
# check (SECURITY B3; services/offline_limit.py), as ISO UTC.
SETTING_LAST_CONTACT = "sync_last_contact_at"

TOKEN_SETTINGS = (SETTING_LEGACY_TOKEN, SETTING_ACCESS_TOKEN, SETTING_ACCESS_EXPIRES,
                  SETTING_REFRESH_TOKEN)


_REFRESH_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def refresh_lock(store: CaseloadStore) -> threading.Lock:
    """The one lock every client of this device's caseload refreshes under, process-wide."""
    with _LOCKS_GUARD:
        return _REFRESH_LOCKS.setdefault(store.device_id, threading.Lock())


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the client presents. ``legacy``: a pre-rotation device token, no access token yet."""

    refresh_token: str = field(repr=False)
    access_token: str | None = field(default=None, repr=False)
    access_expires_at: datetime | None = None
    legacy: bool = False

    def needs_refresh(self, at: datetime) -> bool:
        return self.access_token is None or self.access_expires_at is None or \
            self.access_expires_at <= at


def load(store: CaseloadStore) -> Credentials | None:
    with store.read() as session:
        refresh = store.setting(SETTING_REFRESH_TOKEN, session=session)
        if refresh:
            expires = store.setting(SETTING_ACCESS_EXPIRES, session=session)
            return Credentials(refresh_token=str(refresh),
                               access_token=store.setting(SETTING_ACCESS_TOKEN, session=session),
                               access_expires_at=datetime.fromisoformat(expires)
                               if expires else None)
        legacy = store.setting(SETTING_LEGACY_TOKEN, session=session)
        return Credentials(refresh_token=str(legacy), legacy=True) if legacy else None


def has_credentials(store: CaseloadStore) -> bool:
    # On a plain connection: asked at every unlock, before the ORM is loaded.
    with store.raw_read() as connection:
        return bool(store.setting(SETTING_REFRESH_TOKEN, connection=connection)
                    or store.setting(SETTING_LEGACY_TOKEN, connection=connection))


def save(store: CaseloadStore, credentials: Credentials, *,
         session: "Session | None" = None) -> None:
    """Replace the stored pair in one transaction (the caller's, if given)."""
    if session is None:
        with store.unit_of_work() as uow:
            save(store, credentials, session=uow.session)
        return
    _clear(session, (SETTING_LEGACY_TOKEN,))
    store.set_setting(SETTING_REFRESH_TOKEN, credentials.refresh_token, session=session)
    store.set_setting(SETTING_ACCESS_TOKEN, credentials.access_token, session=session)
    store.set_setting(SETTING_ACCESS_EXPIRES, credentials.access_expires_at.isoformat()
                      if credentials.access_expires_at else None, session=session)


def forget(store: CaseloadStore, reason: str) -> None:
    """The server stopped these tokens: drop them (the caseload itself stays) and remember why,
    so the app can ask the worker to connect again."""
    log.warning("sync: the server stopped this device's tokens (%s); reconnect needed", reason)
    with store.unit_of_work() as uow:
        _clear(uow.session, TOKEN_SETTINGS)
        store.set_setting(SETTING_RECONNECT, reason, session=uow.session)


def reconnect_reason(store: CaseloadStore) -> str | None:
    reason = store.setting(SETTING_RECONNECT)
    return str(reason) if reason else None


def _clear(session: "Session", keys: tuple[str, ...]) -> None:
    from familyworker.store.tables import LocalSettingRow

    for key in keys:
        row = session.get(LocalSettingRow, key)
        if row is not None:
            session.delete(row)
    session.flush()
