"""Family: the household a lead worker supports, and its case lifecycle."""

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from familyworker.domain.errors import InvalidTransition, ValidationError

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/-]{1,31}$")
# UK postcode, loosely: outward code, optional space, inward code.
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
MAX_NAME_LENGTH = 200
DEFAULT_CONSENT_SCOPE = "Share with agencies named in the plan"


class FamilyStatus(StrEnum):
    REFERRED = "referred"
    OPEN = "open"
    STEP_DOWN = "step-down"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"referred": "Referred", "open": "Open", "step-down": "Step-down",
                "closed": "Closed"}[self.value]


class ClosureReason(StrEnum):
    OUTCOMES_ACHIEVED = "outcomes-achieved"
    STEPPED_DOWN_UNIVERSAL = "stepped-down-to-universal-services"
    ESCALATED_SOCIAL_CARE = "escalated-to-social-care"
    MOVED_AWAY = "moved-out-of-area"
    DECLINED = "family-declined"
    NO_LONGER_ENGAGING = "no-longer-engaging"
    OTHER = "other"


ALLOWED_TRANSITIONS: dict[FamilyStatus, frozenset[FamilyStatus]] = {
    FamilyStatus.REFERRED: frozenset({FamilyStatus.OPEN, FamilyStatus.CLOSED}),
    FamilyStatus.OPEN: frozenset({FamilyStatus.STEP_DOWN, FamilyStatus.CLOSED}),
    FamilyStatus.STEP_DOWN: frozenset({FamilyStatus.OPEN, FamilyStatus.CLOSED}),
    # A sustainability review may reopen a closed case.
    FamilyStatus.CLOSED: frozenset({FamilyStatus.OPEN}),
}


def normalise_postcode(text: str) -> str:
    """Upper-case a UK postcode and put the single space before the inward code."""
    compact = re.sub(r"\s+", "", text).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_reference(reference: str) -> str:
    ref = reference.strip().upper()
    if not REFERENCE_PATTERN.match(ref):
        raise ValidationError(
            "A family reference is 2–32 letters, digits, '-' or '/', e.g. FAM-0042."
        )
    return ref


def validate_postcode(postcode: str) -> str:
    normalised = normalise_postcode(postcode)
    if not POSTCODE_PATTERN.match(normalised):
        raise ValidationError("The postcode is not a UK postcode (for example LS1 4AB).")
    return normalised


def validate_name(value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError(f"{what} cannot be empty.")
    if len(text) > MAX_NAME_LENGTH:
        raise ValidationError(f"{what} is longer than {MAX_NAME_LENGTH} characters.")
    if any(ord(ch) < 32 for ch in text):
        raise ValidationError(f"{what} contains control characters.")
    return text


@dataclass(frozen=True, slots=True)
class Consent:
    """Consent to share information with partner agencies."""

    given_on: date
    scope: str = DEFAULT_CONSENT_SCOPE


@dataclass(frozen=True, slots=True)
class Family:
    id: str
    reference: str
    household_name: str
    postcode: str
    address: str = ""
    locality: str = ""
    team_id: str | None = None
    lead_worker_id: str | None = None
    status: FamilyStatus = FamilyStatus.REFERRED
    closure_reason: ClosureReason | None = None
    referred_on: date | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    consent: Consent | None = None
    next_visit_due: date | None = None
    review_due: date | None = None
    criteria: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "reference", validate_reference(self.reference))
        object.__setattr__(self, "household_name",
                           validate_name(self.household_name, "The household name"))
        object.__setattr__(self, "postcode", validate_postcode(self.postcode))
        if self.status is FamilyStatus.CLOSED:
            if self.closure_reason is None:
                raise ValidationError("A closed case needs a closure reason.")
            if self.closed_on is None:
                raise ValidationError("A closed case needs the date it closed.")
        elif self.closure_reason is not None:
            raise ValidationError("Only a closed case has a closure reason.")
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            raise ValidationError("A case cannot close before it opened.")

    def _move_to(self, target: FamilyStatus) -> None:
        if target not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"A case that is {self.status.label.lower()} cannot move to "
                f"{target.label.lower()}."
            )

    def open_case(self, on: date) -> "Family":
        self._move_to(FamilyStatus.OPEN)
        return replace(self, status=FamilyStatus.OPEN, opened_on=self.opened_on or on,
                       closed_on=None, closure_reason=None)

    def step_down(self, on: date) -> "Family":
        self._move_to(FamilyStatus.STEP_DOWN)
        return replace(self, status=FamilyStatus.STEP_DOWN)

    def close(self, on: date, reason: ClosureReason | None) -> "Family":
        if reason is None:
            raise ValidationError("A closed case needs a closure reason.")
        self._move_to(FamilyStatus.CLOSED)
        return replace(self, status=FamilyStatus.CLOSED, closure_reason=reason, closed_on=on)

    def reopen(self, on: date) -> "Family":
        self._move_to(FamilyStatus.OPEN)
        return replace(self, status=FamilyStatus.OPEN, closure_reason=None, closed_on=None,
                       opened_on=on)

    def move_to(self, target: FamilyStatus, *, on: date,
                reason: ClosureReason | None = None) -> "Family":
        """Apply a lifecycle transition by target status."""
        if target is FamilyStatus.CLOSED:
            return self.close(on, reason)
        if target is FamilyStatus.STEP_DOWN:
            return self.step_down(on)
        if target is FamilyStatus.OPEN:
            return self.reopen(on) if self.status is FamilyStatus.CLOSED else self.open_case(on)
        raise InvalidTransition("A case cannot go back to referred.")
