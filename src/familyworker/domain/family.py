"""Family: the household a lead worker supports, and its case lifecycle."""

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from familyworker.domain.errors import InvalidTransition, ValidationError
from familyworker.domain.outcome import add_months

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/-]{1,31}$")
# UK postcode, loosely: outward code, optional space, inward code.
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
MAX_NAME_LENGTH = 200
MAX_DETAIL_LENGTH = 500
MAX_SAFETY_LENGTH = 2_000
DEFAULT_CONSENT_SCOPE = "Share with agencies named in the plan"
# Closing a case books a check, this many months on, that the family's progress has held. It
# is casework, not a judgement of outcomes (that is the outcome plan's), and every screen
# calls it the "6-month review"; it came from the retired claim_rules.json, never changed.
SUSTAINABILITY_REVIEW_MONTHS = 6


def sustainability_review_due(closed_on: date) -> date:
    """The day closing on `closed_on` books the sustainability review for."""
    return add_months(closed_on, SUSTAINABILITY_REVIEW_MONTHS)


class FamilyStatus(StrEnum):
    REFERRED = "referred"
    OPEN = "open"
    STEP_DOWN = "step-down"
    # Stepped up to children's social care: the case is held there; early help may stay in.
    STEP_UP = "step-up"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"referred": "Referred", "open": "Open", "step-down": "Step-down",
                "step-up": "Stepped up to social care", "closed": "Closed"}[self.value]


class InterventionLevel(StrEnum):
    """How intensive the support is, as councils report it (Derby: high / medium / low)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return {"high": "High", "medium": "Medium", "low": "Low"}[self.value]


def parse_intervention_level(text: str) -> InterventionLevel | None:
    """A level as stored or typed ("" means not assessed yet); a clear error otherwise."""
    value = text.strip().lower()
    if not value:
        return None
    try:
        return InterventionLevel(value)
    except ValueError:
        raise ValidationError(f"'{text}' is not an intervention level; use high, medium or "
                              f"low (or leave it blank until assessed).") from None


class ClosureReason(StrEnum):
    OUTCOMES_ACHIEVED = "outcomes-achieved"
    STEPPED_DOWN_UNIVERSAL = "stepped-down-to-universal-services"
    ESCALATED_SOCIAL_CARE = "escalated-to-social-care"
    MOVED_AWAY = "moved-out-of-area"
    DECLINED = "family-declined"
    NO_LONGER_ENGAGING = "no-longer-engaging"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "outcomes-achieved": "Outcomes achieved",
            "stepped-down-to-universal-services": "Stepped down to universal services",
            "escalated-to-social-care": "Escalated to children's social care",
            "moved-out-of-area": "Moved out of the area",
            "family-declined": "Family declined support",
            "no-longer-engaging": "Family no longer engaging",
            "other": "Other reason"}[self.value]


ALLOWED_TRANSITIONS: dict[FamilyStatus, frozenset[FamilyStatus]] = {
    FamilyStatus.REFERRED: frozenset({FamilyStatus.OPEN, FamilyStatus.STEP_UP,
                                      FamilyStatus.CLOSED}),
    FamilyStatus.OPEN: frozenset({FamilyStatus.STEP_DOWN, FamilyStatus.STEP_UP,
                                  FamilyStatus.CLOSED}),
    FamilyStatus.STEP_DOWN: frozenset({FamilyStatus.OPEN, FamilyStatus.STEP_UP,
                                       FamilyStatus.CLOSED}),
    # Social care steps the case back down to early help, or it closes.
    FamilyStatus.STEP_UP: frozenset({FamilyStatus.OPEN, FamilyStatus.CLOSED}),
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


def validate_detail(value: str, what: str, limit: int = MAX_DETAIL_LENGTH) -> str:
    """Optional free text on one or a few lines: trimmed, bounded, no control characters
    besides line breaks."""
    text = value.strip()
    if len(text) > limit:
        raise ValidationError(f"{what} is longer than {limit:,} characters.")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise ValidationError(f"{what} contains control characters.")
    return text


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
class LeadProfessional:
    """The family's lead professional when it is not the lead worker: often someone from a
    partner agency (a health visitor, a school's pastoral lead) who does not use the app."""

    name: str
    agency: str = ""
    contact: str = ""


@dataclass(frozen=True, slots=True)
class BookedVisit:
    at: datetime
    where: str = ""


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
    status_since: date | None = None
    # Why the case stepped up or reopened, or more about an "other" closure.
    status_reason: str = ""
    stepped_down_to: str = ""
    phone: str = ""
    preferred_language: str = ""
    interpreter_needed: bool = False
    # Lone-working safety: shown to workers, printed on nothing the family receives.
    safety_information: str = ""
    booked_visit: BookedVisit | None = None
    lead_professional: LeadProfessional | None = None
    intervention_level: InterventionLevel | None = None  # None: not assessed yet

    def __post_init__(self) -> None:
        if (self.intervention_level is not None
                and not isinstance(self.intervention_level, InterventionLevel)):
            object.__setattr__(self, "intervention_level",
                               parse_intervention_level(str(self.intervention_level)))
        object.__setattr__(self, "reference", validate_reference(self.reference))
        object.__setattr__(self, "household_name",
                           validate_name(self.household_name, "The household name"))
        object.__setattr__(self, "postcode", validate_postcode(self.postcode))
        object.__setattr__(self, "address", validate_detail(self.address, "The address"))
        object.__setattr__(self, "phone", validate_detail(self.phone, "The phone number", 40))
        object.__setattr__(self, "preferred_language",
                           validate_detail(self.preferred_language, "The preferred language",
                                           60))
        object.__setattr__(self, "safety_information",
                           validate_detail(self.safety_information,
                                           "The safety information", MAX_SAFETY_LENGTH))
        object.__setattr__(self, "status_reason",
                           validate_detail(self.status_reason, "The reason"))
        object.__setattr__(self, "stepped_down_to",
                           validate_detail(self.stepped_down_to, "Stepped down to"))
        if self.status is FamilyStatus.STEP_UP and not self.status_reason:
            raise ValidationError("A step-up to social care needs the reason.")
        if self.lead_professional is not None and not self.lead_professional.name.strip():
            raise ValidationError("A lead professional needs a name.")
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

    def open_case(self, on: date, note: str = "") -> "Family":
        self._move_to(FamilyStatus.OPEN)
        return replace(self, status=FamilyStatus.OPEN, opened_on=self.opened_on or on,
                       closed_on=None, closure_reason=None, status_since=on,
                       status_reason=note, stepped_down_to="")

    def step_down(self, on: date, to_whom: str = "") -> "Family":
        self._move_to(FamilyStatus.STEP_DOWN)
        if not to_whom.strip():
            raise ValidationError("Say who the case steps down to (for example the school).")
        return replace(self, status=FamilyStatus.STEP_DOWN, status_since=on,
                       stepped_down_to=to_whom, status_reason="")

    def step_up(self, on: date, reason: str) -> "Family":
        self._move_to(FamilyStatus.STEP_UP)
        if not reason.strip():
            raise ValidationError("A step-up to social care needs the reason.")
        return replace(self, status=FamilyStatus.STEP_UP, status_since=on,
                       status_reason=reason, stepped_down_to="")

    def close(self, on: date, reason: ClosureReason | None, note: str = "") -> "Family":
        if reason is None:
            raise ValidationError("A closed case needs a closure reason.")
        self._move_to(FamilyStatus.CLOSED)
        return replace(self, status=FamilyStatus.CLOSED, closure_reason=reason, closed_on=on,
                       status_since=on, status_reason=note, stepped_down_to="",
                       booked_visit=None)

    def reopen(self, on: date, note: str = "") -> "Family":
        self._move_to(FamilyStatus.OPEN)
        return replace(self, status=FamilyStatus.OPEN, closure_reason=None, closed_on=None,
                       opened_on=on, status_since=on, status_reason=note, stepped_down_to="")

    def move_to(self, target: FamilyStatus, *, on: date,
                reason: ClosureReason | None = None, note: str = "") -> "Family":
        """Apply a lifecycle transition by target status. ``note``: to whom a case steps
        down, why it steps up or reopens, or more about an "other" closure."""
        if target is FamilyStatus.CLOSED:
            return self.close(on, reason, note)
        if target is FamilyStatus.STEP_DOWN:
            return self.step_down(on, note)
        if target is FamilyStatus.STEP_UP:
            return self.step_up(on, note)
        if target is FamilyStatus.OPEN:
            if self.status is FamilyStatus.CLOSED:
                return self.reopen(on, note)
            return self.open_case(on, note)
        raise InvalidTransition("A case cannot go back to referred.")

    def book_visit(self, at: datetime, where: str = "") -> "Family":
        """Book the next visit: its day becomes the day the next visit is due."""
        if self.status is FamilyStatus.CLOSED:
            raise InvalidTransition("A closed case has no visits to book; reopen it first.")
        return replace(self, booked_visit=BookedVisit(at, validate_detail(where, "Where")),
                       next_visit_due=at.date())

    def cancel_visit(self) -> "Family":
        return replace(self, booked_visit=None, next_visit_due=None)
