"""Results claims on the council's outcome plan and the continuous-employment route: what is
ready to claim (computed from domain.outcome_progress, never stored), recorded claims and their
statuses, and the framework's eligibility rule from raw household facts.

The earlier per-criterion claim rules (claim_rules.json, "every need sustained 6 months" over
hand-recorded outcomes) are gone: one engine judges outcomes everywhere (docs/status.md, "One
outcome engine").
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from familyworker.domain.criteria import ProgrammeFramework
from familyworker.domain.errors import ValidationError
from familyworker.domain.outcome_progress import FamilyProgress, ProgressState
from familyworker.domain.person import ADULT_AGE, PersonFlag

MAX_CLAIM_REFERENCE = 64


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


def check_claim_reference(text: str) -> str:
    """The council's claim number: needed, one line, not too long; returned trimmed."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("A claim needs its claim reference.")
    if len(cleaned) > MAX_CLAIM_REFERENCE or any(ord(ch) < 32 for ch in cleaned):
        raise ValidationError(
            f"A claim reference is up to {MAX_CLAIM_REFERENCE} characters on one line.")
    return cleaned


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
