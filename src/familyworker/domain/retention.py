"""The retention schedule (SECURITY J2): how long each kind of record is kept, and why.

The schedule is data (``resources/retention/schedule.json``), checked as it is read: an entry
with a missing basis or a period out of range stops the load with a sentence naming it. Pure:
the server's retention command (``familyworker_server.retention``) reads the file and applies
the family rule here.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

FAMILY = "family"
AUDIT = "audit"
REQUIRED_KINDS = (FAMILY, AUDIT)
MAX_YEARS = 100


class RetentionScheduleError(ValueError):
    """The schedule file is not usable; the message names the entry and what is wrong."""


@dataclass(frozen=True, slots=True)
class RetentionRule:
    kind: str
    applies_to: str
    basis: str
    source: str
    keep_years: int | None = None  # after the record was made (audit)
    keep_years_after_closure: int | None = None
    keep_until_youngest_child_age: int | None = None


def parse_schedule(data: Any) -> dict[str, RetentionRule]:
    """Each entry by kind; raises RetentionScheduleError naming the first bad entry."""
    if not isinstance(data, Mapping) or not isinstance(data.get("entries"), list):
        raise RetentionScheduleError("The retention schedule must be an object with a list "
                                     "of entries.")
    rules: dict[str, RetentionRule] = {}
    for place, entry in enumerate(data["entries"], start=1):
        rule = _entry(place, entry)
        if rule.kind in rules:
            raise RetentionScheduleError(
                f"Retention schedule entry {place} repeats the kind '{rule.kind}'.")
        rules[rule.kind] = rule
    missing = [kind for kind in REQUIRED_KINDS if kind not in rules]
    if missing:
        raise RetentionScheduleError(
            f"The retention schedule has no entry for '{missing[0]}'.")
    family = rules[FAMILY]
    if family.keep_years_after_closure is None:
        raise RetentionScheduleError("Retention schedule entry 'family' needs "
                                     "keep_years_after_closure.")
    return rules


def _entry(place: int, entry: Any) -> RetentionRule:
    if not isinstance(entry, Mapping):
        raise RetentionScheduleError(f"Retention schedule entry {place} is not an object.")
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        raise RetentionScheduleError(f"Retention schedule entry {place} has no kind.")
    name = f"Retention schedule entry '{kind}'"
    texts: dict[str, str] = {}
    for field in ("applies_to", "basis", "source"):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise RetentionScheduleError(f"{name} has no {field}.")
        texts[field] = value.strip()
    periods: dict[str, int | None] = {}
    for field in ("keep_years", "keep_years_after_closure", "keep_until_youngest_child_age"):
        value = entry.get(field)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value <= MAX_YEARS):
            raise RetentionScheduleError(
                f"{name} has {field} that is not a whole number of years from 0 to "
                f"{MAX_YEARS}.")
        periods[field] = value
    if all(value is None for value in periods.values()):
        raise RetentionScheduleError(f"{name} gives no period to keep records for.")
    unknown = sorted(set(entry) - {"kind", *texts, *periods})
    if unknown:
        raise RetentionScheduleError(f"{name} has an unknown field '{unknown[0]}'.")
    return RetentionRule(kind=kind.strip(), applies_to=texts["applies_to"],
                         basis=texts["basis"], source=texts["source"],
                         keep_years=periods["keep_years"],
                         keep_years_after_closure=periods["keep_years_after_closure"],
                         keep_until_youngest_child_age=periods["keep_until_youngest_child_age"])


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def family_kept_until(rule: RetentionRule, closed_on: date, youngest_born: date | None) -> date:
    """The first day a closed family's record may be deleted: the later of closure plus the
    period and the youngest child's birthday at the given age (when the rule has one)."""
    until = add_years(closed_on, rule.keep_years_after_closure or 0)
    if youngest_born is not None and rule.keep_until_youngest_child_age is not None:
        until = max(until, add_years(youngest_born, rule.keep_until_youngest_child_age))
    return until


# ----- what stays on a laptop (SECURITY J1) ---------------------------------------------------

DEFAULT_CLOSED_GRACE_DAYS = 28
REVIEW_WINDOW_DAYS = 30


def review_window_open(review_due: date | None, today: date) -> bool:
    """The sustainability review is due within 30 days, or was due less than 30 days ago."""
    if review_due is None:
        return False
    return abs((review_due - today).days) <= REVIEW_WINDOW_DAYS


def leaves_laptop(closed_on: date | None, review_due: date | None, today: date, *,
                  grace_days: int = DEFAULT_CLOSED_GRACE_DAYS) -> bool:
    """A worker's laptop drops a closed family ``grace_days`` after it closed, unless its
    sustainability review is near (then the lead worker keeps it, or gets it back)."""
    if closed_on is None:
        return False
    return (today - closed_on).days >= grace_days and not review_window_open(review_due, today)
