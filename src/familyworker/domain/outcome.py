"""Outcomes recorded by hand against a headline criterion (before the outcome plan; kept as
history, judged by nothing), and month arithmetic shared with the outcome plan."""

from dataclasses import dataclass
from datetime import date

from familyworker.domain.errors import ValidationError


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    days_in_month = [31, 29 if (year % 4 == 0 and (year % 100 or year % 400 == 0)) else 28,
                     31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, days_in_month))


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    family_id: str
    criterion_key: str
    achieved_on: date
    evidence: str

    def __post_init__(self) -> None:
        if not self.evidence.strip():
            raise ValidationError("An outcome needs its evidence.")
