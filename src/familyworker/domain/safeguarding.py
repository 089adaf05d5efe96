"""Safeguarding concerns and what was decided about them (docs/safeguarding.md).

A concern is what a worker saw or heard that worries them about a child (or the whole
household), written down when it happened. Neither a concern nor a decision is ever edited after
saving: the decision, and later the outcome, are new rows, so the whole history is kept. The
latest decision row is the concern's state; a concern with none is awaiting decision.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from familyworker.domain.errors import ValidationError
from familyworker.domain.person import PersonFlag

MAX_CONCERN_LENGTH = 20_000
MAX_REFERRAL_LENGTH = 200


class Decision(StrEnum):
    NO_FURTHER_ACTION = "no-further-action"
    TEAM_AROUND_THE_FAMILY = "team-around-the-family"
    REFERRAL_TO_SOCIAL_CARE = "referral-to-social-care"

    @property
    def label(self) -> str:
        return {"no-further-action": "No further action",
                "team-around-the-family": "Team around the family",
                "referral-to-social-care": "Referral to children's social care"}[self.value]


class ConcernOutcome(StrEnum):
    NONE_YET = "none-yet"
    NO_FURTHER_ACTION = "no-further-action"
    EARLY_HELP = "early-help"
    CHILD_IN_NEED = "child-in-need"
    CHILD_PROTECTION_PLAN = "child-protection-plan"
    LOOKED_AFTER = "looked-after"

    @property
    def label(self) -> str:
        return {"none-yet": "No outcome yet",
                "no-further-action": "No further action",
                "early-help": "Early help",
                "child-in-need": "Child in need",
                "child-protection-plan": "Child protection plan",
                "looked-after": "Looked after"}[self.value]

    @property
    def implied_flag(self) -> PersonFlag | None:
        """The person flag this outcome sets on the child the concern is about."""
        return {"child-in-need": PersonFlag.CHILD_IN_NEED,
                "child-protection-plan": PersonFlag.CHILD_PROTECTION_PLAN,
                "looked-after": PersonFlag.LOOKED_AFTER}.get(self.value)


def _text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError(f"{what} is needed.")
    if len(text) > limit:
        raise ValidationError(f"{what} is longer than {limit:,} characters.")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise ValidationError(f"{what} contains control characters.")
    return text


@dataclass(frozen=True, slots=True)
class Concern:
    """A safeguarding concern; ``about_person_id`` None means the whole household."""

    id: str
    family_id: str
    raised_at: datetime
    seen_or_heard: str
    immediate_action: str = ""
    about_person_id: str | None = None
    raised_by: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "seen_or_heard", _text(
            self.seen_or_heard, "What was seen or heard", MAX_CONCERN_LENGTH, required=True))
        object.__setattr__(self, "immediate_action", _text(
            self.immediate_action, "The immediate action", MAX_CONCERN_LENGTH))


@dataclass(frozen=True, slots=True)
class ConcernDecision:
    """One decision row: what was decided, any referral and (later) the outcome."""

    id: str
    family_id: str
    concern_id: str
    decided_at: datetime
    decision: Decision
    referral_to: str = ""
    referral_on: date | None = None
    referral_reference: str = ""
    outcome: ConcernOutcome = ConcernOutcome.NONE_YET
    outcome_on: date | None = None
    note: str = ""
    decided_by: str | None = None

    def __post_init__(self) -> None:
        for name, what in (("referral_to", "Who it was referred to"),
                           ("referral_reference", "The referral reference")):
            object.__setattr__(self, name, _text(getattr(self, name), what,
                                                 MAX_REFERRAL_LENGTH))
        object.__setattr__(self, "note", _text(self.note, "The note", MAX_CONCERN_LENGTH))
        referral = self.decision is Decision.REFERRAL_TO_SOCIAL_CARE
        if not referral and (self.referral_to or self.referral_on or self.referral_reference):
            raise ValidationError("Referral details are only given for a referral to "
                                  "children's social care.")
        if referral and not self.referral_to:
            raise ValidationError("Say who the referral went to (for example the MASH).")
        if self.outcome is ConcernOutcome.NONE_YET and self.outcome_on is not None:
            raise ValidationError("An outcome date is given but no outcome.")
        if self.outcome is not ConcernOutcome.NONE_YET and self.outcome_on is None:
            raise ValidationError("Give the date of the outcome.")
        if self.referral_on and self.referral_on > self.decided_at.date():
            raise ValidationError("The referral cannot be dated after the decision was "
                                  "recorded.")
        if self.outcome_on and self.referral_on and self.outcome_on < self.referral_on:
            raise ValidationError("The outcome cannot be before the referral.")

    def state(self) -> str:
        """The state in words, e.g. "Referral to children's social care (MASH) — Child in
        need"."""
        words = self.decision.label
        if self.referral_to:
            words += f" ({self.referral_to})"
        if self.outcome is not ConcernOutcome.NONE_YET:
            words += f" — {self.outcome.label}"
        return words


AWAITING_DECISION = "Awaiting decision"


@dataclass(frozen=True, slots=True)
class ConcernHistory:
    """A concern with every decision row about it, oldest first."""

    concern: Concern
    decisions: tuple[ConcernDecision, ...] = ()

    @property
    def current(self) -> ConcernDecision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def awaiting_decision(self) -> bool:
        return not self.decisions

    def state(self) -> str:
        current = self.current
        return AWAITING_DECISION if current is None else current.state()


def history_of(concern: Concern, decisions: Iterable[ConcernDecision]) -> ConcernHistory:
    """The concern's decisions in the order they were made (the latest is its state)."""
    mine = sorted((d for d in decisions if d.concern_id == concern.id),
                  key=lambda d: (d.decided_at, d.id))
    return ConcernHistory(concern, tuple(mine))
