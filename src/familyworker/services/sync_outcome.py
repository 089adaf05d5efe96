"""What one sync pass or connection attempt came to, as plain values the app can show.

Kept apart from the sync engine so the app can name outcomes without importing the HTTP stack
at start-up (that import alone costs about a third of a second).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from familyworker.sync.engine import SyncReport


# A pass that failed for a reason nobody planned for (a bug): the one sentence the worker reads;
# the details go to the log without any value (familyworker.logs.log_unexpected).
UNEXPECTED_STOP = ("The sync stopped because of an unexpected problem; your changes are kept and "
                   "it will try again. Details are in the log.")


class ConnectProblem(Exception):
    """Connecting failed; the message is plain words, safe to show, and nothing was enrolled."""


class SyncState(StrEnum):
    SYNCED = "synced"
    OFFLINE = "offline"  # the server could not be reached; nothing lost
    REFUSED = "refused"  # the server answered with an error (e.g. please update)
    REVOKED = "revoked"  # this device is revoked: the caseload must be wiped
    NOT_CONNECTED = "not-connected"


@dataclass(frozen=True, slots=True)
class SyncPass:
    state: SyncState
    report: "SyncReport | None" = None
    message: str = ""
    wiped: bool = False  # REVOKED only: the caseload is already shredded
    # References of families a supervisor added management oversight to, received this pass.
    oversight_for: tuple[str, ...] = ()
