"""Results claims: when a family is "claim ready" under the council's rule, and recorded claims.

The rules are data (resources/criteria/claim_rules.json) because each council words its own
"significant and sustained progress"; the shipped default is the strictest reading: the family
is eligible and every need identified for it has an outcome achieved and sustained for the
whole period (6 months).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.errors import ValidationError
from familyworker.domain.outcome import Outcome, add_months
from familyworker.domain.outcome_progress import FamilyProgress, ProgressState
from familyworker.domain.person import ADULT_AGE, PersonFlag

MAX_CLAIM_REFERENCE = 64


class RuleKind(StrEnum):
    ALL_NEEDS_SUSTAINED = "all-needs-sustained"
    MIN_NEEDS_SUSTAINED = "min-needs-sustained"


class ClaimRoute(StrEnum):
    """Why a claim is made: the council's outcome plan met and sustained, or an adult moved off
    out-of-work benefits into continuous employment (which claims on its own)."""

    OUTCOME_PLAN = "outcome-plan"
    CONTINUOUS_EMPLOYMENT = "continuous-employment"


class ClaimStatus(StrEnum):
    """A submitted claim's progress. "Ready to claim" is computed, never stored; a claim once
    submitted is frozen (its snapshot), and a correction is a new version superseding it."""

    CLAIMED = "claimed"
    VERIFIED = "verified"
    PAID = "paid"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class ReviewResult(StrEnum):
    """What a sustainability review found."""

    SUSTAINED = "sustained"  # outcomes held: the case stays closed
    REOPENED = "reopened"  # things slipped back: the case opens again


@dataclass(frozen=True, slots=True)
class ClaimRule:
    key: str
    name: str
    kind: RuleKind
    sustained_months: int = 6
    min_sustained: int = 0  # for MIN_NEEDS_SUSTAINED
    requires_eligibility: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        if self.sustained_months < 0:
            raise ValidationError("A claim rule's sustained period cannot be negative.")
        if self.kind is RuleKind.MIN_NEEDS_SUSTAINED and self.min_sustained < 1:
            raise ValidationError(f"Claim rule '{self.key}' needs min_sustained of 1 or more.")


@dataclass(frozen=True, slots=True)
class ClaimRules:
    default_key: str
    rules: tuple[ClaimRule, ...]
    sustainability_review_months: int = 6

    def __post_init__(self) -> None:
        keys = [r.key for r in self.rules]
        if len(keys) != len(set(keys)):
            raise ValidationError("The claim rules repeat a rule key.")
        self.rule(self.default_key)

    def rule(self, key: str | None = None) -> ClaimRule:
        wanted = key or self.default_key
        for rule in self.rules:
            if rule.key == wanted:
                return rule
        raise ValidationError(f"'{wanted}' is not a known claim rule.")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ClaimRules":
        try:
            rules = tuple(
                ClaimRule(key=str(r["key"]), name=str(r["name"]), kind=RuleKind(r["kind"]),
                          sustained_months=int(r.get("sustained_months", 6)),
                          min_sustained=int(r.get("min_sustained", 0)),
                          requires_eligibility=bool(r.get("requires_eligibility", True)),
                          description=str(r.get("description", "")))
                for r in data["rules"])
            return cls(default_key=str(data["default"]), rules=rules,
                       sustainability_review_months=int(
                           data.get("sustainability_review_months", 6)))
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(f"The claim rules file is malformed ({error}).") from None


@dataclass(frozen=True, slots=True)
class Claim:
    """A results claim made for a family (its reference is the council's claim number)."""

    id: str
    family_id: str
    claimed_on: date
    claim_reference: str
    rule_key: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "claim_reference", check_claim_reference(self.claim_reference))


def check_claim_reference(text: str) -> str:
    """The council's claim number: needed, one line, not too long; returned trimmed."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("A claim needs its claim reference.")
    if len(cleaned) > MAX_CLAIM_REFERENCE or any(ord(ch) < 32 for ch in cleaned):
        raise ValidationError(
            f"A claim reference is up to {MAX_CLAIM_REFERENCE} characters on one line.")
    return cleaned


@dataclass(frozen=True, slots=True)
class NeedOutcome:
    """One headline criterion for a family: identified as a need, achieved, sustained."""

    criterion_key: str
    identified: bool  # False: an outcome recorded against a criterion not identified as a need
    achieved_on: date | None
    sustained_from: date | None  # the day the outcome counts as sustained
    sustained: bool

    @property
    def achieved(self) -> bool:
        return self.achieved_on is not None


@dataclass(frozen=True, slots=True)
class ClaimAssessment:
    rule: ClaimRule
    on: date
    eligible: bool
    needs: tuple[NeedOutcome, ...]
    claim: Claim | None = None

    @property
    def identified(self) -> tuple[NeedOutcome, ...]:
        return tuple(n for n in self.needs if n.identified)

    @property
    def achieved_count(self) -> int:
        return sum(1 for n in self.identified if n.achieved)

    @property
    def sustained_count(self) -> int:
        return sum(1 for n in self.identified if n.sustained)

    @property
    def reasons_not_ready(self) -> tuple[str, ...]:
        """Why the family cannot be claimed for yet, in plain words (empty when ready)."""
        reasons: list[str] = []
        if self.rule.requires_eligibility and not self.eligible:
            reasons.append("The family does not meet the programme's eligibility rule.")
        needs = self.identified
        if self.rule.kind is RuleKind.ALL_NEEDS_SUSTAINED:
            if not needs:
                reasons.append("No needs have been identified.")
            waiting = len(needs) - self.sustained_count
            if waiting:
                reasons.append(f"{waiting} of {len(needs)} needs have no outcome sustained for "
                               f"{self.rule.sustained_months} months yet.")
        elif self.sustained_count < self.rule.min_sustained:
            reasons.append(f"{self.sustained_count} of the {self.rule.min_sustained} needs "
                           f"required have an outcome sustained for "
                           f"{self.rule.sustained_months} months.")
        return tuple(reasons)

    @property
    def ready(self) -> bool:
        return not self.reasons_not_ready

    @property
    def state(self) -> str:
        if self.claim is not None:
            return "claimed"
        return "ready" if self.ready else "not ready"


def assess_claim(rule: ClaimRule, *, needs: Iterable[str], outcomes: Iterable[Outcome],
                 eligible: bool, on: date, claim: Claim | None = None) -> ClaimAssessment:
    """Each need with its earliest achieved outcome, and whether it has lasted the period."""
    earliest: dict[str, date] = {}
    for outcome in outcomes:
        known = earliest.get(outcome.criterion_key)
        if known is None or outcome.achieved_on < known:
            earliest[outcome.criterion_key] = outcome.achieved_on
    identified = list(dict.fromkeys(needs))
    keys = identified + sorted(set(earliest) - set(identified))
    rows = []
    for key in keys:
        achieved = earliest.get(key)
        sustained_from = (add_months(achieved, rule.sustained_months)
                          if achieved is not None else None)
        rows.append(NeedOutcome(criterion_key=key, identified=key in identified,
                                achieved_on=achieved, sustained_from=sustained_from,
                                sustained=sustained_from is not None and on >= sustained_from))
    return ClaimAssessment(rule=rule, on=on, eligible=eligible, needs=tuple(rows), claim=claim)


def household_is_eligible(framework: ProgrammeFramework, *, needs: Iterable[str],
                          dates_of_birth: Iterable[date | None],
                          flags: Iterable[Iterable[str]], on: date) -> bool:
    """The framework's rule from raw household facts: needs, members' birth dates and flags."""
    has_child = any(dob is not None and dob <= on and _age(dob, on) < ADULT_AGE
                    for dob in dates_of_birth)
    expectant = any(PersonFlag.EXPECTANT_PARENT.value in set(f) for f in flags)
    return framework.is_eligible(needs=needs, has_dependent_child=has_child,
                                 has_expectant_parent=expectant)


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def sustainability_review_due(closed_on: date, rules: ClaimRules) -> date:
    """Closing a case books its sustainability review this many months later."""
    return add_months(closed_on, rules.sustainability_review_months)


# --- Claims on the outcome plan and the continuous-employment route (issue 17) --------------


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A submitted claim (one version): frozen once made; status moves, content does not."""

    id: str
    family_id: str
    route: ClaimRoute
    person_id: str | None  # the adult, on the continuous-employment route
    claim_reference: str
    claimed_on: date
    quarter: str
    status: ClaimStatus
    status_on: date | None = None
    rejected_reason: str = ""
    version: int = 1
    supersedes_id: str | None = None

    @property
    def live(self) -> bool:
        """Still stands (a superseded version has been replaced by its correction)."""
        return self.status is not ClaimStatus.SUPERSEDED


@dataclass(frozen=True, slots=True)
class ReadyClaim:
    """A claim that could be submitted now (computed, never stored)."""

    family_id: str
    route: ClaimRoute
    person_id: str | None
    met_on: date


@dataclass(frozen=True, slots=True)
class ClaimsPosition:
    """For one family: what is ready to claim and the claims recorded (live versions)."""

    family_id: str
    ready: tuple[ReadyClaim, ...]
    claims: tuple[ClaimRecord, ...]


def next_status_allowed(current: ClaimStatus, wanted: ClaimStatus) -> bool:
    """Claimed → verified → paid; claimed or verified → rejected. Nothing leaves paid,
    rejected or superseded except by a correction (a new version)."""
    allowed = {ClaimStatus.CLAIMED: {ClaimStatus.VERIFIED, ClaimStatus.REJECTED},
               ClaimStatus.VERIFIED: {ClaimStatus.PAID, ClaimStatus.REJECTED}}
    return wanted in allowed.get(current, set())


def claims_position(family_id: str, progress: FamilyProgress,
                    claims: Iterable[ClaimRecord]) -> ClaimsPosition:
    """Routes met and not yet claimed are ready; a live claim on a route (any status but
    superseded) means that route has been claimed. Pure: the quarterly return uses it too."""
    live = tuple(sorted((c for c in claims if c.live), key=lambda c: (c.claimed_on, c.id)))
    claimed = {(c.route, c.person_id) for c in live}
    ready: list[ReadyClaim] = []
    met_on = progress.plan_met_on
    if met_on is not None and (ClaimRoute.OUTCOME_PLAN, None) not in claimed:
        ready.append(ReadyClaim(family_id, ClaimRoute.OUTCOME_PLAN, None, met_on))
    for adult in progress.employment:
        key = (ClaimRoute.CONTINUOUS_EMPLOYMENT, adult.person_id)
        if adult.met_on is not None and adult.state is ProgressState.MET and key not in claimed:
            ready.append(ReadyClaim(family_id, ClaimRoute.CONTINUOUS_EMPLOYMENT,
                                    adult.person_id, adult.met_on))
    return ClaimsPosition(family_id=family_id, ready=tuple(ready), claims=live)
