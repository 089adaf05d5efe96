"""Deleting a family on purpose (one added by mistake): the fixed reasons and who may do it.

The reason is a code from a fixed list, never free text, so the audit trail that records it
can never carry a name or a story.
"""

from enum import StrEnum

from familyworker.domain.errors import ValidationError
from familyworker.domain.team import Role

# Roles that may delete any family they can see (the lead worker may delete their own).
DELETING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class DeletionReason(StrEnum):
    ADDED_BY_MISTAKE = "added-by-mistake"
    DUPLICATE = "duplicate"
    WRONG_FAMILY = "wrong-family"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DeletionReason.ADDED_BY_MISTAKE: "Added by mistake",
    DeletionReason.DUPLICATE: "A duplicate of another family's record",
    DeletionReason.WRONG_FAMILY: "Recorded against the wrong family",
    DeletionReason.OTHER: "Other",
}


class DeletionNotAllowed(ValidationError):
    def __init__(self) -> None:
        super().__init__("Only the family's lead worker or a supervisor can delete a family.")


def may_delete_family(*, worker_id: str | None, role: str | None,
                      lead_worker_id: str | None) -> bool:
    """The family's lead worker, or a supervisor (or co-ordinator), may delete it."""
    if role in DELETING_ROLES:
        return True
    return worker_id is not None and lead_worker_id is not None and worker_id == lead_worker_id


def parse_reason(code: str) -> DeletionReason:
    """A reason from its code (as typed on the command line); a plain error otherwise."""
    try:
        return DeletionReason(code.strip().lower())
    except ValueError:
        codes = ", ".join(reason.value for reason in DeletionReason)
        raise ValidationError(f"Choose one of these reasons: {codes}.") from None
