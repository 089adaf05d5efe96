"""Household members."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import validate_name


class PersonFlag(StrEnum):
    CHILD_PROTECTION_PLAN = "child-protection-plan"
    CHILD_IN_NEED = "child-in-need"
    AT_RISK_OF_EXPLOITATION = "at-risk-of-exploitation"
    YOUNG_CARER = "young-carer"
    SEND = "special-educational-needs"
    EXPECTANT_PARENT = "expectant-parent"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    family_id: str
    name: str
    relationship: str = ""
    date_of_birth: date | None = None
    school_setting: str = ""
    flags: tuple[PersonFlag, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", validate_name(self.name, "A person's name"))
        if len(self.relationship) > 60:
            raise ValidationError("The relationship is longer than 60 characters.")

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
