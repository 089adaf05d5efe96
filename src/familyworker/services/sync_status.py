"""What the status bar says about sync: connected or not, last synced, changes waiting, changes
the server refused, conflicts to resolve, records from the server this version could not show.
Counts and times only, never a name."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select

from familyworker.services.queries import is_waiting_change
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SetAsideRow, SyncConflictRow
from familyworker.store.tables import OutboxRow

SETTING_SYNC_MINUTES = "sync_interval_minutes"  # in the encrypted store, like the idle lock
DEFAULT_SYNC_MINUTES = 5
MIN_SYNC_MINUTES = 1
MAX_SYNC_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """One snapshot of this caseload's sync state."""

    enrolled: bool
    server_url: str
    last_synced_at: datetime | None
    waiting: int  # local changes not yet accepted by the server
    needs_attention: int  # changes the server refused (kept locally, shown to the worker)
    open_conflicts: int
    interval_minutes: int
    # The server stopped this device's tokens (an old refresh token came back): the caseload is
    # intact; the worker connects again with a new code.
    reconnect_needed: bool = False
    # Records pulled from the server that this version could not apply: kept on this device
    # and tried again after an app update (sync/set_aside.py).
    rows_set_aside: int = 0


def read_sync_status(store: CaseloadStore) -> SyncStatus:
    # Imported here, on the worker thread, to keep the HTTP stack out of the app's start-up.
    from familyworker.services.organisation_settings import organisation_defaults
    from familyworker.sync.credentials import SETTING_RECONNECT
    from familyworker.sync.engine import SETTING_LAST_SYNC, SETTING_SERVER_URL, is_enrolled

    with store.read() as session:
        waiting = int(session.exec(select(func.count()).select_from(OutboxRow)
                                   .where(is_waiting_change())).one())
        # Refused changes stay in the outbox, marked, until the worker acts on them.
        attention = int(session.exec(select(func.count()).select_from(OutboxRow).where(
            col(OutboxRow.rejected_reason).is_not(None),
            OutboxRow.table_name != "audit_event")).one())
        conflicts = int(session.exec(select(func.count()).select_from(SyncConflictRow).where(
            col(SyncConflictRow.resolution).is_(None),
            col(SyncConflictRow.deleted_at).is_(None))).one())
        set_aside = int(session.exec(select(func.count()).select_from(SetAsideRow)).one())
        last = store.setting(SETTING_LAST_SYNC, session=session)
        url = store.setting(SETTING_SERVER_URL, "", session=session)
        minutes = store.setting(SETTING_SYNC_MINUTES, session=session)
        reconnect = store.setting(SETTING_RECONNECT, session=session)
    if minutes is None:  # the worker has not chosen: the organisation's interval, if it set one
        minutes = organisation_defaults().sync_interval_minutes or DEFAULT_SYNC_MINUTES
    enrolled = is_enrolled(store)
    return SyncStatus(enrolled=enrolled, server_url=str(url or ""),
                      last_synced_at=parse_setting_time(last), waiting=waiting,
                      needs_attention=attention, open_conflicts=conflicts,
                      interval_minutes=clamp_interval(minutes),
                      reconnect_needed=not enrolled and bool(reconnect),
                      rows_set_aside=set_aside)


def clamp_interval(minutes: object) -> int:
    """A stored interval as whole minutes within policy; anything unusable means the default."""
    if isinstance(minutes, bool) or not isinstance(minutes, int | float):
        return DEFAULT_SYNC_MINUTES
    return int(min(MAX_SYNC_MINUTES, max(MIN_SYNC_MINUTES, minutes)))


def set_sync_interval(store: CaseloadStore, minutes: int) -> None:
    if not MIN_SYNC_MINUTES <= minutes <= MAX_SYNC_MINUTES:
        raise ValueError(f"Choose between {MIN_SYNC_MINUTES} and {MAX_SYNC_MINUTES} minutes.")
    store.set_setting(SETTING_SYNC_MINUTES, minutes)


def parse_setting_time(value: object) -> datetime | None:
    """A time kept as an ISO setting (naive ones are UTC); None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# ----- plain words ---------------------------------------------------------------------------


def relative_time(then: datetime | None, now: datetime) -> str:
    """'never', 'just now', '3 minutes ago', 'yesterday at 14:05', '12 Nov at 09:30'."""
    if then is None:
        return "never"
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"  # also covers a clock that is slightly behind the stamp
    if seconds < 3600:
        minutes = int(seconds // 60)
        return "1 minute ago" if minutes == 1 else f"{minutes} minutes ago"
    if seconds < 6 * 3600:
        hours = int(seconds // 3600)
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    local_then, local_now = then.astimezone(), now.astimezone()
    days = (local_now.date() - local_then.date()).days
    if days == 0:
        return f"today at {local_then:%H:%M}"
    if days == 1:
        return f"yesterday at {local_then:%H:%M}"
    return f"{local_then.day} {local_then:%b} at {local_then:%H:%M}"


def count_text(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def waiting_text(status: SyncStatus) -> str:
    return count_text(status.waiting, "change waiting", "changes waiting")


def conflicts_text(status: SyncStatus) -> str:
    return count_text(status.open_conflicts, "conflict to resolve", "conflicts to resolve")


def attention_text(status: SyncStatus) -> str:
    return count_text(status.needs_attention, "change needs attention",
                      "changes need attention")


def set_aside_text(count: int) -> str:
    return count_text(count, "record from the server could not be shown",
                      "records from the server could not be shown")


# The status bar's tooltip: what it means, and that nothing is lost.
SET_ASIDE_TOOLTIP = ("This version of the app could not show them; an app update may be "
                     "needed. They are kept on this laptop and tried again after an update, "
                     "so nothing is lost.")


def set_aside_sentence(count: int) -> str:
    """The CLI's sentence after a pass that holds set-aside records."""
    return (f"{set_aside_text(count)} on this device (an app update may be needed); "
            f"{'it is' if count == 1 else 'they are'} kept here and tried again after an "
            "update.")
