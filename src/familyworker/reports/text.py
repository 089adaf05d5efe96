"""Shared wording helpers for reports: UK dates, escaping for reportlab paragraphs."""

from datetime import date, datetime
from xml.sax.saxutils import escape

CONTINUED = "continued in the case file"


def uk_date(day: date | None, *, empty: str = "not set") -> str:
    """'3 March 2025': the long form is easiest to read aloud and cannot be misread as US."""
    if day is None:
        return empty
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def uk_datetime(moment: datetime) -> str:
    return f"{uk_date(moment)}, {moment:%H:%M}"


def para_text(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, with line breaks kept."""
    return "<br/>".join(escape(line) for line in text.strip().splitlines())
