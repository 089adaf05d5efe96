"""Who may manage the team on this device: the role the server gave at enrolment."""

from familyworker.domain.errors import ValidationError
from familyworker.domain.team import Role
from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore

MANAGER_ROLES = frozenset({Role.SUPERVISOR.value, Role.ADMIN.value})


class NotAManager(ValidationError):
    def __init__(self) -> None:
        super().__init__("Only a supervisor or co-ordinator can do that on this device.")


def role_of(store: CaseloadStore) -> str | None:
    """The role the server gave this caseload at enrolment (None before enrolling)."""
    role = store.setting(SETTING_ROLE)
    return str(role) if role else None


def is_manager(store: CaseloadStore) -> bool:
    return role_of(store) in MANAGER_ROLES


def require_manager(store: CaseloadStore) -> None:
    if not is_manager(store):
        raise NotAManager()
