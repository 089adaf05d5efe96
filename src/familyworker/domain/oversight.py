"""Management oversight notes written by supervisors."""

from dataclasses import dataclass
from datetime import date, datetime

from familyworker.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class OversightNote:
    id: str
    family_id: str
    supervisor_id: str | None
    written_at: datetime
    decision: str
    actions: str = ""
    review_due: date | None = None

    def __post_init__(self) -> None:
        if not self.decision.strip():
            raise ValidationError("An oversight note records a decision.")
