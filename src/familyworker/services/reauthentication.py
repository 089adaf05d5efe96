"""SECURITY B4: the passphrase again before an export when it was last entered more than 15
minutes ago (docs/data-protection.md § Exports).

The time of the last entry is kept in memory only (a lock forgets it); the clock is injected so
tests never wait. A wrong passphrase here counts as a failed unlock (B2), so asking again is no
way to guess; a right one clears the count.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from familyworker.domain.audit import AuditAction
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import WrongPassphrase
from familyworker.store.unlock_attempts import UnlockAttemptLog

REENTRY_AFTER = timedelta(minutes=15)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PassphraseRecency:
    """When the passphrase was last typed; whether an export needs it again."""

    def __init__(self, now: Callable[[], datetime] = _utc_now,
                 window: timedelta = REENTRY_AFTER) -> None:
        self._now = now
        self.window = window
        self._entered_at: datetime | None = None

    def entered(self) -> None:
        self._entered_at = self._now()

    def forget(self) -> None:
        self._entered_at = None

    def needed(self) -> bool:
        """Never entered, more than the window ago, or the clock set back since: ask."""
        if self._entered_at is None:
            return True
        elapsed = self._now() - self._entered_at
        return elapsed > self.window or elapsed < timedelta(0)


def confirm_passphrase(store: CaseloadStore, passphrase: str, recency: PassphraseRecency,
                       attempts: UnlockAttemptLog | None = None) -> None:
    """WrongPassphrase (counted) or the time of entry renewed. Runs the KDF: off the GUI."""
    if attempts is not None:
        attempts.require_code()
    try:
        store.check_passphrase(passphrase)
    except WrongPassphrase:
        if attempts is not None:
            attempts.record_failure()
        raise
    if attempts is not None:
        attempts.reset()
    recency.entered()


def record_export_denied(store: CaseloadStore, *, family_id: str, report: str) -> None:
    """The audit row B4 asks for when the passphrase was not given again: nothing written."""
    with store.unit_of_work() as uow:
        uow.audit(AuditAction.EXPORT, entity="family", entity_id=family_id, family_id=family_id,
                  detail=f"denied report={report} reason=passphrase-not-entered")
