"""Agency involvement: the multi-agency picture around a family."""

from dataclasses import dataclass
from datetime import date

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import validate_name


@dataclass(frozen=True, slots=True)
class AgencyInvolvement:
    id: str
    family_id: str
    agency: str
    role: str = ""
    contact: str = ""
    from_date: date | None = None
    to_date: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "agency", validate_name(self.agency, "The agency"))
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValidationError("An agency's involvement cannot end before it starts.")

    def is_current_on(self, day: date) -> bool:
        started = self.from_date is None or self.from_date <= day
        return started and (self.to_date is None or self.to_date >= day)
