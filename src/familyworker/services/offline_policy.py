"""SECURITY B3's limit, the organisation's policy: the server sends it in every /status answer
and the device keeps it in its encrypted store, where the check at unlock reads it."""

from typing import TYPE_CHECKING

from familyworker.store.caseload_store import CaseloadStore

if TYPE_CHECKING:  # the wire protocol (pydantic) is not loaded by the check at every unlock
    from familyworker.sync.protocol import StatusResponse

SETTING_MAX_OFFLINE_DAYS = "policy_max_offline_days"
SETTING_CLOSED_GRACE_DAYS = "closed_grace_days"  # read by services/closed_purge.py
DEFAULT_MAX_OFFLINE_DAYS = 30  # as Bitwarden's offline sessions; servers send their own


def remember_policy(store: CaseloadStore, status: "StatusResponse") -> None:
    """Keep the server's limit (a server from before it sent one leaves the setting alone)."""
    days = status.max_offline_days
    if days is not None and store.setting(SETTING_MAX_OFFLINE_DAYS) != days:
        store.set_setting(SETTING_MAX_OFFLINE_DAYS, days)
    grace = status.closed_grace_days  # SECURITY J1 (services/closed_purge.py)
    if grace is not None and store.setting(SETTING_CLOSED_GRACE_DAYS) != grace:
        store.set_setting(SETTING_CLOSED_GRACE_DAYS, grace)
