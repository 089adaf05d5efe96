"""Household members."""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import validate_name


class PersonFlag(StrEnum):
    """The fixed list of things about a person that feed eligibility and the supervisor's
    views (docs/casework.md). Each may carry the date it applied from."""

    EXPECTANT_PARENT = "expectant-parent"
    CHILD_PROTECTION_PLAN = "child-protection-plan"
    CHILD_IN_NEED = "child-in-need"
    LOOKED_AFTER = "looked-after"
    SEND = "special-educational-needs"
    YOUNG_CARER = "young-carer"
    AT_RISK_OF_EXPLOITATION = "at-risk-of-exploitation"

    @property
    def label(self) -> str:
        return {
            "expectant-parent": "Expectant parent",
            "child-protection-plan": "Child protection plan",
            "child-in-need": "Child in need",
            "looked-after": "Looked after child",
            "special-educational-needs": "Special educational needs (SEND)",
            "young-carer": "Young carer",
            "at-risk-of-exploitation": "At risk of exploitation"}[self.value]


ADULT_AGE = 18


class Sex(StrEnum):
    """As the quarterly return counts people; "" (not recorded) is allowed on the row."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    NOT_KNOWN = "not-known"

    @property
    def label(self) -> str:
        return {"female": "Female", "male": "Male", "other": "Other",
                "not-known": "Not known"}[self.value]


def parse_sex(text: str) -> "Sex | None":
    """A sex as stored or typed ("" means not recorded); a clear error for anything else."""
    value = text.strip().lower()
    if not value:
        return None
    try:
        return Sex(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Sex)
        raise ValidationError(f"'{text}' is not a sex the return counts; use one of: "
                              f"{allowed} (or leave it blank).") from None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    family_id: str
    name: str
    relationship: str = ""
    date_of_birth: date | None = None
    school_setting: str = ""
    flags: tuple[PersonFlag, ...] = field(default=())
    # The day each flag applied from, where known (a flag without one is still set).
    flag_since: tuple[tuple[PersonFlag, date], ...] = field(default=())
    sex: Sex | None = None  # None: not recorded

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", validate_name(self.name, "A person's name"))
        if self.sex is not None and not isinstance(self.sex, Sex):
            object.__setattr__(self, "sex", parse_sex(str(self.sex)))
        if len(self.relationship) > 60:
            raise ValidationError("The relationship is longer than 60 characters.")
        if len(set(self.flags)) != len(self.flags):
            raise ValidationError("A flag is set twice.")
        if not {flag for flag, _ in self.flag_since} <= set(self.flags):
            raise ValidationError("A flag's date is given but the flag is not set.")

    def since(self, flag: PersonFlag) -> date | None:
        return dict(self.flag_since).get(flag)

    def with_flags(self, flags: dict[PersonFlag, date | None]) -> "Person":
        """The person with exactly these flags (in the list's order), each with its date."""
        ordered = tuple(f for f in PersonFlag if f in flags)
        dated = tuple((f, d) for f in ordered if (d := flags[f]) is not None)
        return replace(self, flags=ordered, flag_since=dated)

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        if dob > day:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def is_dependent_child_on(self, day: date) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE
