"""A case's status in words, and moving it by reference (the CLI) or by id (the family window).

The moves themselves are the domain's (`Family.move_to`, `ALLOWED_TRANSITIONS`); closing books
the 6-month sustainability review in the same unit of work (`families.change_status`).
"""

from dataclasses import dataclass
from datetime import date

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    ALLOWED_TRANSITIONS,
    ClosureReason,
    Family,
    FamilyStatus,
    sustainability_review_due,
)
from familyworker.reports.text import uk_date
from familyworker.services.families import change_status
from familyworker.services.queries import family_by_id, family_by_reference
from familyworker.store.caseload_store import CaseloadStore


@dataclass(frozen=True, slots=True)
class StatusChanged:
    family: Family
    review_due: date | None  # the sustainability review a closure booked


def review_booked_for(closed_on: date) -> date:
    """The day closing on `closed_on` books the 6-month sustainability review for."""
    return sustainability_review_due(closed_on)


def allowed_moves(status: FamilyStatus) -> list[FamilyStatus]:
    """Where a case may go next, in lifecycle order."""
    return [s for s in FamilyStatus if s in ALLOWED_TRANSITIONS[status]]


def move_label(current: FamilyStatus, target: FamilyStatus) -> str:
    """The move as a worker would say it ("Reopen the case", "Step down", ...)."""
    if target is FamilyStatus.OPEN:
        if current is FamilyStatus.CLOSED:
            return "Reopen the case"
        if current is FamilyStatus.STEP_UP:
            return "Back to early help (open)"
        if current is FamilyStatus.STEP_DOWN:
            return "Open again (step back up to early help)"
        return "Open the case"
    return {FamilyStatus.STEP_DOWN: "Step down",
            FamilyStatus.STEP_UP: "Step up to children's social care",
            FamilyStatus.CLOSED: "Close the case",
            FamilyStatus.REFERRED: "Referred"}[target]


def _since(family: Family) -> date | None:
    fallback = {FamilyStatus.REFERRED: family.referred_on, FamilyStatus.OPEN: family.opened_on,
                FamilyStatus.CLOSED: family.closed_on}
    return family.status_since or fallback.get(family.status)


def status_in_words(family: Family, review_due: date | None = None) -> str:
    """"Open since 3 March 2026", "Stepped down to: School pastoral team since …",
    "Closed (Outcomes achieved) on …; 6-month review due …"."""
    since = _since(family)
    when = f" since {uk_date(since)}" if since else ""
    status = family.status
    if status is FamilyStatus.CLOSED:
        reason = family.closure_reason.label if family.closure_reason else "no reason recorded"
        more = f": {family.status_reason}" if family.status_reason else ""
        text = f"Closed ({reason}{more})"
        text += f" on {uk_date(since)}" if since else ""
        if review_due is not None:
            text += f"; 6-month review due {uk_date(review_due)}"
        return text
    if status is FamilyStatus.STEP_DOWN:
        return f"Stepped down to: {family.stepped_down_to or 'not recorded'}{when}"
    if status is FamilyStatus.STEP_UP:
        return f"Stepped up to social care{when} (why: {family.status_reason})"
    if status is FamilyStatus.REFERRED:
        return f"Referred on {uk_date(since)}" if since else "Referred"
    text = f"Open{when}"
    return text + (f" (why: {family.status_reason})" if family.status_reason else "")


def set_status(store: CaseloadStore, family_id: str, target: FamilyStatus, *,
               on: date | None = None, reason: ClosureReason | None = None, note: str = "",
               today: date | None = None) -> StatusChanged:
    """Move the case, refusing a date still to come; returns it with any review booked."""
    day = on or today or date.today()
    if day > (today or date.today()):
        raise ValidationError("A status change cannot be dated in the future.")
    moved = change_status(store, family_id, target, on=day, reason=reason, note=note)
    with store.read() as session:
        review = family_by_id(session, family_id).sustainability_review_due
    return StatusChanged(moved, review if moved.status is FamilyStatus.CLOSED else None)


def family_id_of(store: CaseloadStore, reference: str) -> str:
    with store.read() as session:
        return family_by_reference(session, reference).id
