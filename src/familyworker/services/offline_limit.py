"""SECURITY B3, the longest time offline: an enrolled laptop that has not reached its server for
the policy's number of days (or whose clock has gone back) must reach it before the caseload
opens, so a lost laptop cannot be used offline for ever and a revocation is picked up.

The check runs after the passphrase has opened the store: the record of the last contact lives
inside the encrypted database, where it can be neither read nor reset without the key. The sync
engine and its HTTP stack are imported only when the server must be asked: a caseload never
enrolled (or within its limit) opens without loading them.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from familyworker.services.offline_policy import (
    DEFAULT_MAX_OFFLINE_DAYS,
    SETTING_MAX_OFFLINE_DAYS,
    remember_policy,
)
from familyworker.services.sync_status import parse_setting_time
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.store.server_address import remember_server
from familyworker.sync import credentials
from familyworker.sync.credentials import (
    SETTING_LAST_CONTACT,
    SETTING_LAST_SYNC,
    SETTING_SERVER_URL,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

SETTING_CLOCK_SEEN = "sync_latest_clock_seen"  # the latest time this check has seen
# A clock this far behind the latest time seen has been set back (time zones and small
# corrections stay inside it).
CLOCK_BACK_TOLERANCE = timedelta(days=1)


class OfflineTooLong(StoreError):
    """The server must be reached before this caseload opens; the store is locked again."""

    def __init__(self, days: int | None) -> None:
        why = (f"This laptop has not reached your organisation's server for {days} days"
               if days is not None else "This laptop's clock has been set back")
        super().__init__(f"{why}. Connect to the internet, then unlock again; nothing on "
                         "this laptop has changed.")


class CaseloadWiped(StoreError):
    """The server said this device is revoked: the caseload was crypto-shredded."""


def record_contact(store: CaseloadStore, at: datetime | None = None) -> None:
    store.set_setting(SETTING_LAST_CONTACT, (at or datetime.now(UTC)).isoformat())


@dataclass(frozen=True, slots=True)
class OfflineRecord:
    """What the check reads, in one read of the store."""

    limit_days: int  # 0: no limit
    last_contact: datetime | None
    clock_seen: datetime | None

    @staticmethod
    def read(store: CaseloadStore) -> "OfflineRecord":
        with store.read() as session:
            limit = store.setting(SETTING_MAX_OFFLINE_DAYS, DEFAULT_MAX_OFFLINE_DAYS,
                                  session=session)
            last = parse_setting_time(store.setting(SETTING_LAST_CONTACT, session=session)) \
                or parse_setting_time(store.setting(SETTING_LAST_SYNC, session=session))
            seen = parse_setting_time(store.setting(SETTING_CLOCK_SEEN, session=session))
        return OfflineRecord(limit if isinstance(limit, int) and limit > 0 else 0, last, seen)

    def days_overdue(self, now: datetime) -> int | None:
        """0 when no online check is due; the days since the last contact when it is; None
        when the clock has gone back (due, with no honest count of days)."""
        if not self.limit_days:
            return 0
        if self.clock_seen is not None and now < self.clock_seen - CLOCK_BACK_TOLERANCE:
            return None
        if self.last_contact is None:
            return 0  # enrolled by a version that kept no record: the count starts now
        since = now - self.last_contact
        return since.days if since > timedelta(days=self.limit_days) else 0


def check_after_unlock(store: CaseloadStore, *, now: datetime | None = None,
                       http: "httpx.Client | None" = None) -> bool:
    """Reach the server if this enrolled laptop is due to; returns whether it did. On any
    failure the store is locked: OfflineTooLong when the server could not confirm the device,
    CaseloadWiped when it said the device is revoked (the caseload is crypto-shredded)."""
    now = now or datetime.now(UTC)
    try:
        if not credentials.has_credentials(store):
            return False  # working offline, never enrolled: nothing to check against
        # Caseloads enrolled before the address was also kept outside the database (B2).
        remember_server(store.paths, str(store.setting(SETTING_SERVER_URL, "")))
        record = OfflineRecord.read(store)
        overdue = record.days_overdue(now)
        if overdue == 0:
            if record.last_contact is None:
                record_contact(store, now)
            _note_clock(store, record, now)
            return False
        _confirm_with_server(store, overdue, http)
        record_contact(store, now)
        _note_clock(store, record, now)
        return True
    except BaseException:
        if not store.is_locked:
            store.lock()
        raise


def _confirm_with_server(store: CaseloadStore, overdue: int | None,
                         http: "httpx.Client | None") -> None:
    from familyworker.services.sync_session import REVOKED
    from familyworker.sync.client import DeviceRevoked, SyncError
    from familyworker.sync.engine import SyncEngine
    from familyworker.sync.shred import crypto_shred

    try:
        engine = SyncEngine(store, http=http)
        try:
            remember_policy(store, engine.client.status())
        finally:
            engine.close()
    except DeviceRevoked:
        log.warning("device revoked at the offline-period check; wiping the local caseload")
        crypto_shred(store)
        raise CaseloadWiped(REVOKED) from None
    except SyncError:
        raise OfflineTooLong(overdue) from None


def _note_clock(store: CaseloadStore, record: OfflineRecord, now: datetime) -> None:
    if record.clock_seen is None or now > record.clock_seen:
        store.set_setting(SETTING_CLOCK_SEEN, now.isoformat())

