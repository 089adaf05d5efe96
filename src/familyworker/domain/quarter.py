"""Calendar quarters, as claims and the quarterly return count them (2026Q3 = 1 July to
30 September 2026): one type for both."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from familyworker.domain.errors import ValidationError

QUARTER_PATTERN = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4: January–March … October–December

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4 or not 1900 <= self.year <= 9999:
            raise ValidationError("A quarter is a year and 1 to 4, written like 2026Q3.")

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = QUARTER_PATTERN.match(text.strip())
        if match is None:
            raise ValidationError("A quarter is written like 2026Q3 (the year, Q, then 1 to 4; "
                                  "Q3 is 1 July to 30 September).")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = (date(self.year + 1, 1, 1) if self.number == 4
                     else date(self.year, 3 * self.number + 1, 1))
        return following - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"
