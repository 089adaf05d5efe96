"""Plan on a page: versioned, in plain words, with goals and actions the family can read."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from familyworker.domain.errors import ImmutableRecord, ValidationError

MAX_SECTION_LENGTH = 4000
MAX_LINE_LENGTH = 500


class PlanStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"


class ActionStatus(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


def _check_length(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise ValidationError(f"{what} is longer than {limit} characters.")


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    what: str
    who: str
    by_when: date | None = None
    status: ActionStatus = ActionStatus.NOT_STARTED

    def __post_init__(self) -> None:
        if not self.what.strip():
            raise ValidationError("An action needs to say what will happen.")
        if not self.who.strip():
            raise ValidationError(f"The action '{self.what[:40]}' needs an owner (who will do it).")
        _check_length(self.what, MAX_LINE_LENGTH, "An action")
        _check_length(self.who, 120, "An action's owner")


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    text: str
    star_domain_key: str | None = None
    actions: tuple[Action, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValidationError("A goal needs some words.")
        _check_length(self.text, MAX_LINE_LENGTH, "A goal")


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    family_id: str
    version: int
    status: PlanStatus = PlanStatus.DRAFT
    working_well: str = ""
    worried_about: str = ""
    needs_to_happen: str = ""
    family_words: str = ""
    goals: tuple[Goal, ...] = field(default=())
    agreed_on: date | None = None
    review_due: date | None = None

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValidationError("Plan versions start at 1.")
        for text, what in ((self.working_well, "What's working well"),
                           (self.worried_about, "What we're worried about"),
                           (self.needs_to_happen, "What needs to happen"),
                           (self.family_words, "The family's words")):
            _check_length(text, MAX_SECTION_LENGTH, what)
        if self.status is PlanStatus.AGREED and self.agreed_on is None:
            raise ValidationError("An agreed plan needs the date it was agreed.")
        if self.agreed_on and self.review_due and self.review_due < self.agreed_on:
            raise ValidationError("A plan's review date cannot be before it was agreed.")

    @property
    def is_agreed(self) -> bool:
        return self.status is PlanStatus.AGREED

    def edit(self, **changes: object) -> "Plan":
        """A changed draft; an agreed plan is immutable (revise it instead)."""
        if self.is_agreed:
            raise ImmutableRecord("This plan was agreed with the family; start a new version.")
        forbidden = set(changes) & {"id", "family_id", "version", "status", "agreed_on"}
        if forbidden:
            raise ValidationError(f"Cannot change {', '.join(sorted(forbidden))} by editing.")
        return replace(self, **changes)  # type: ignore[arg-type]

    def agree(self, *, on: date, review_due: date) -> "Plan":
        if self.is_agreed:
            raise ImmutableRecord("This plan version is already agreed.")
        if not (self.working_well or self.worried_about or self.needs_to_happen or self.goals):
            raise ValidationError("An empty plan cannot be agreed.")
        return replace(self, status=PlanStatus.AGREED, agreed_on=on, review_due=review_due)

    def revise(self, *, new_id: Callable[[], str]) -> "Plan":
        """The next draft version, starting from this one's words, goals and actions."""
        goals = tuple(
            replace(goal, id=new_id(),
                    actions=tuple(replace(action, id=new_id()) for action in goal.actions))
            for goal in self.goals
        )
        return Plan(id=new_id(), family_id=self.family_id, version=self.version + 1,
                    working_well=self.working_well, worried_about=self.worried_about,
                    needs_to_happen=self.needs_to_happen, family_words=self.family_words,
                    goals=goals, review_due=None)
