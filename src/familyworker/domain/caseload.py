"""Caseload facts: when each family is next due a visit or review, and what is overdue."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from familyworker.domain.family import FamilyStatus


@dataclass(frozen=True, slots=True)
class DuePolicy:
    """Local practice standards; a council may change them."""

    visit_interval_days: int = 14
    no_contact_alert_days: int = 28
    star_rescore_weeks: int = 12
    intervention_weeks: int = 16


ACTIVE_STATUSES = frozenset({FamilyStatus.REFERRED, FamilyStatus.OPEN, FamilyStatus.STEP_DOWN})


def booked_visit_stands(booked_on: date, last_contact: date | None) -> bool:
    """A visit booked for ``booked_on`` is still to be recorded: no contact made on or after
    its day (the one rule for the caseload, My week and the note form's default time)."""
    return last_contact is None or booked_on > last_contact


def next_visit_due(*, explicit: date | None, last_contact: date | None,
                   opened_or_referred: date | None, policy: DuePolicy) -> date | None:
    """A booked visit wins until a contact on or after its day has happened; otherwise the
    visit interval runs from the last contact (so recording the visit clears "overdue")."""
    if explicit is not None and booked_visit_stands(explicit, last_contact):
        return explicit
    start = last_contact or opened_or_referred
    return start + timedelta(days=policy.visit_interval_days) if start else None


@dataclass(frozen=True, slots=True)
class FamilySummary:
    """One caseload line: what a worker needs to see without opening the file."""

    id: str
    reference: str
    household_name: str
    postcode: str
    status: FamilyStatus
    lead_worker_id: str | None
    lead_worker_name: str
    last_contact_on: date | None
    next_visit_due: date | None
    review_due: date | None
    today: date
    member_names: tuple[str, ...] = field(default=())
    pending_changes: int = 0

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def visit_overdue(self) -> bool:
        due = self.next_visit_due
        return self.is_active and due is not None and due < self.today

    @property
    def review_overdue(self) -> bool:
        return self.is_active and self.review_due is not None and self.review_due < self.today

    @property
    def overdue(self) -> bool:
        return self.visit_overdue or self.review_overdue

    @property
    def search_text(self) -> str:
        """Lower-cased text a search box matches against: name, reference, postcode, members."""
        parts = [self.reference, self.household_name, self.postcode, *self.member_names]
        return " ".join(parts).casefold()
