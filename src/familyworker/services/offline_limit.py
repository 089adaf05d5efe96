"""SECURITY B3, the longest time offline: an enrolled laptop that has not reached its server for
the policy's number of days (or whose clock has gone back) must reach it before the caseload
opens, so a lost laptop cannot be used offline for ever and a revocation is picked up.

The check runs after the passphrase has opened the store: the record of the last contact lives
inside the encrypted database, where it can be neither read nor reset without the key.
"""

import logging
from datetime import UTC, datetime, timedelta

import httpx

from familyworker.services.sync_session import REVOKED
from familyworker.services.sync_status import parse_setting_time
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.sync import credentials
from familyworker.sync.client import DeviceRevoked, SyncError
from familyworker.sync.engine import SETTING_LAST_CONTACT, SETTING_LAST_SYNC, SyncEngine
from familyworker.sync.shred import crypto_shred

log = logging.getLogger(__name__)

SETTING_CLOCK_SEEN = "sync_latest_clock_seen"  # the latest time this check has seen
SETTING_MAX_OFFLINE_DAYS = "policy_max_offline_days"
DEFAULT_MAX_OFFLINE_DAYS = 30  # as Bitwarden's offline sessions
# A clock this far behind the latest time seen has been set back (time zones and small
# corrections stay inside it).
CLOCK_BACK_TOLERANCE = timedelta(days=1)


class OfflineTooLong(StoreError):
    """The server must be reached before this caseload opens; the store is locked again."""

    def __init__(self, days: int | None) -> None:
        why = (f"This laptop has not reached your organisation's server for {days} days"
               if days is not None else "This laptop's clock has been set back")
        super().__init__(f"{why}, so it must connect before the caseload opens. Connect to the "
                         "internet, then unlock again. Nothing on this laptop has changed.")


class CaseloadWiped(StoreError):
    """The server said this device is revoked: the caseload was crypto-shredded."""


def record_contact(store: CaseloadStore, at: datetime | None = None) -> None:
    store.set_setting(SETTING_LAST_CONTACT, (at or datetime.now(UTC)).isoformat())


def days_overdue(store: CaseloadStore, now: datetime) -> int | None:
    """0 when no online check is due; the days since the last contact when it is; None when
    the clock has gone back (due, with no honest count of days)."""
    limit = store.setting(SETTING_MAX_OFFLINE_DAYS, DEFAULT_MAX_OFFLINE_DAYS)
    if not isinstance(limit, int) or limit <= 0:
        return 0  # policy: no limit
    seen = parse_setting_time(store.setting(SETTING_CLOCK_SEEN))
    if seen is not None and now < seen - CLOCK_BACK_TOLERANCE:
        return None
    last = parse_setting_time(store.setting(SETTING_LAST_CONTACT)) or \
        parse_setting_time(store.setting(SETTING_LAST_SYNC))
    if last is None:
        # Enrolled by a version that kept no record: the count starts now, not in the past.
        record_contact(store, now)
        return 0
    days = (now - last).days
    return days if now - last > timedelta(days=limit) else 0


def check_after_unlock(store: CaseloadStore, *, now: datetime | None = None,
                       http: httpx.Client | None = None) -> bool:
    """Reach the server if this enrolled laptop is due to; returns whether it did. On failure
    the store is locked and OfflineTooLong raised; a revoked device is wiped (CaseloadWiped)."""
    now = now or datetime.now(UTC)
    if not credentials.has_credentials(store):
        return False  # working offline, never enrolled: nothing to check against
    overdue = days_overdue(store, now)
    if overdue == 0:
        _note_clock(store, now)
        return False
    try:
        engine = SyncEngine(store, http=http)
        try:
            engine.client.status()
        finally:
            engine.close()
    except DeviceRevoked:
        log.warning("device revoked at the offline-period check; wiping the local caseload")
        crypto_shred(store)
        raise CaseloadWiped(REVOKED) from None
    except SyncError:
        store.lock()
        raise OfflineTooLong(overdue) from None
    record_contact(store, now)
    _note_clock(store, now)
    return True


def _note_clock(store: CaseloadStore, now: datetime) -> None:
    seen = parse_setting_time(store.setting(SETTING_CLOCK_SEEN))
    if seen is None or now > seen:
        store.set_setting(SETTING_CLOCK_SEEN, now.isoformat())
