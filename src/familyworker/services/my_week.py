"""My week: what is due for the worker's families over the next days, grouped by day.

For the families this worker leads or co-works: visits (booked, or due by the visit interval),
their open tasks, plan reviews, Web Star re-scores and 6-month sustainability reviews. Anything
overdue is listed first, on today. Built from a few set-based queries (never one per family)
as plain SQL on one read transaction: no ORM rows (over 5,000 families they cost more than the
queries), and no SQLAlchemy import, as My week is the first page after unlock.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from familyworker.domain.caseload import (
    ACTIVE_STATUSES,
    DuePolicy,
    booked_visit_stands,
    next_visit_due,
)
from familyworker.domain.family import FamilyStatus
from familyworker.services.plain_queries import (
    AWAITING_CONCERNS_SQL,
    day,
    waiting_changes_by_family,
)
from familyworker.store.caseload_store import SETTING_WORKER_ID, CaseloadStore
from familyworker.store.database import Connection

DEFAULT_DAYS = 7
MAX_DAYS = 366
_ACTIVE = sorted(s.value for s in ACTIVE_STATUSES)


class WeekItemKind(StrEnum):
    # A safeguarding concern awaiting a decision: listed under today before everything else.
    CONCERN = "concern"
    VISIT = "visit"
    TASK = "task"
    PLAN_REVIEW = "plan-review"
    STAR_RESCORE = "star-rescore"
    SUSTAINABILITY_REVIEW = "sustainability-review"

    @property
    def label(self) -> str:
        return {"concern": "Safeguarding concern", "visit": "Visit", "task": "Task",
                "plan-review": "Plan review",
                "star-rescore": "Web Star re-score",
                "sustainability-review": "6-month review"}[self.value]

    @property
    def tab(self) -> str:
        """The family file's tab that does it (FamilyWindow.show_tab)."""
        return {"concern": "safeguarding", "visit": "notes", "task": "tasks", "plan-review": "plan",
                "star-rescore": "star", "sustainability-review": "outcomes"}[self.value]


_KIND_ORDER = {kind: index for index, kind in enumerate(WeekItemKind)}


class WeekItem(NamedTuple):
    """One thing to do. ``day`` is the day it is listed under (today for an overdue one);
    ``due_on`` is when it was due. A named tuple, not a frozen dataclass: as immutable, and
    five times cheaper to make (a week over 5,000 families makes about as many items)."""

    day: date
    kind: WeekItemKind
    reference: str
    text: str
    family_id: str
    due_on: date
    overdue: bool = False
    at: datetime | None = None  # a booked visit's time, local
    task_id: str | None = None
    household: str = ""  # the family's household name, shown beside its reference

    @property
    def tab(self) -> str:
        return self.kind.tab

    def as_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "kind": self.kind.value,
                "reference": self.reference, "household": self.household,
                "text": self.text,
                "due_on": self.due_on.isoformat(),
                "overdue": self.overdue, "family_id": self.family_id, "tab": self.tab}


@dataclass(frozen=True, slots=True)
class MyWeek:
    today: date
    days: int
    items: tuple[WeekItem, ...]
    families: int  # how many families the worker leads or co-works
    # "Before you go offline": changes to this week's families not yet sent to the server.
    waiting_changes: int
    # Open tasks with no due date (a note's follow-ups until dated): counted, not listed.
    undated_tasks: int = 0

    @property
    def all_sent(self) -> bool:
        return self.waiting_changes == 0

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=self.days - 1)

    def by_day(self) -> list[tuple[date, list[WeekItem]]]:
        """The items grouped by the day they are listed under, in order."""
        groups: dict[date, list[WeekItem]] = {}
        for item in self.items:
            groups.setdefault(item.day, []).append(item)
        return list(groups.items())

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


@dataclass(slots=True)
class _Family:
    id: str
    reference: str
    status: str
    due_explicit: date | None
    visit_at: str | None  # as stored (UTC), parsed only for a visit in the window
    visit_where: str
    opened_or_referred: date | None
    sustainability_due: date | None
    household: str
    last_contact: date | None  # the day (UTC, as stored) of the last contact made
    last_star: date | None  # the latest Web Star's day
    plan_version: int | None  # the latest agreed plan's version and review day
    plan_review: date | None


def _local_time(text: str) -> datetime:
    """A stored UTC time as the laptop's local time."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone()


def my_week(store: CaseloadStore, *, today: date | None = None, days: int = DEFAULT_DAYS,
            policy: DuePolicy | None = None, worker_id: str | None = None) -> MyWeek:
    """What is due from ``today`` for ``days`` days (default: a week from today) for the
    families ``worker_id`` (default: this device's worker) leads or co-works."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    today_ = today or date.today()
    end = today_ + timedelta(days=days - 1)
    rules = policy or DuePolicy()
    with store.raw_read() as conn:
        me = str(worker_id or store.setting(SETTING_WORKER_ID, connection=conn))
        families = _my_families(conn, me)
        items: list[WeekItem] = _concerns(conn, families, today_)
        items += _visits(families, today_, end, rules)
        task_items, undated = _tasks(conn, families, me, today_, end)
        items += task_items
        items += _plan_reviews(families, today_, end)
        items += _star_rescores(families, today_, end, rules)
        items += _sustainability_reviews(families, today_, end)
        week_families = {item.family_id for item in items}
        waiting = _waiting(conn, week_families)
    items.sort(key=lambda i: (i.day, i.kind is not WeekItemKind.CONCERN, not i.overdue, i.due_on,
                              (i.at.timestamp() if i.at else 0.0),
                              _KIND_ORDER[i.kind], i.reference, i.text))
    return MyWeek(today=today_, days=days, items=tuple(items), families=len(families),
                  waiting_changes=waiting, undated_tasks=undated)


# The worker's families, each with its summary row (store schema 14, kept by triggers): the last
# contact made, latest Web Star and latest agreed plan, read in one join instead of walking the
# notes', stars' and plans' pages.
# Dates come as their first ten characters ("YYYY-MM-DD"): a few hundred distinct days over
# thousands of families, so each is parsed once (`_date`), not once per family.
_MY_FAMILIES_SQL = (
    "SELECT f.id, f.reference, f.status, substr(f.next_visit_due, 1, 10), f.next_visit_at, "
    "f.next_visit_where, substr(coalesce(f.opened_on, f.referred_on), 1, 10), "
    "substr(f.sustainability_review_due, 1, 10), f.household_name, "
    "substr(s.last_contact_at, 1, 10), substr(s.last_star_on, 1, 10), s.plan_version, "
    "substr(s.plan_review_due, 1, 10) "
    "FROM family f LEFT JOIN family_week_summary s ON s.family_id = f.id "
    "WHERE f.deleted_at IS NULL AND (f.lead_worker_id = :me OR f.id IN ("
    "SELECT family_id FROM family_co_worker WHERE worker_id = :me AND ended_on IS NULL "
    "AND deleted_at IS NULL))")


@lru_cache(maxsize=4096)
def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _my_families(conn: Connection, me: str) -> dict[str, _Family]:
    return {r[0]: _Family(r[0], r[1], r[2], _date(r[3]), r[4], r[5] or "", _date(r[6]),
                          _date(r[7]), r[8], _date(r[9]), _date(r[10]), r[11], _date(r[12]))
            for r in conn.execute(_MY_FAMILIES_SQL, {"me": me})}


@lru_cache(maxsize=1024)
def _short(day: date, today: date) -> str:
    return f"{day:%d %b}" if day.year == today.year else f"{day:%d %b %Y}"


@lru_cache(maxsize=1024)
def _long(day: date) -> str:
    # Cached: thousands of items share a few hundred days, and strftime is the loop's cost.
    return f"{day:%d %b %Y}"


def _placed(due: date, today: date, end: date) -> tuple[date, bool] | None:
    """The day an item is listed under and whether it is overdue; None beyond the window."""
    if due < today:
        return today, True
    if due <= end:
        return due, False
    return None


def _dated(kind: WeekItemKind, family: _Family, due: date, text: str, today: date, end: date,
           *, at: datetime | None = None, task_id: str | None = None) -> WeekItem | None:
    """An item due on ``due``: listed on that day, or on today (said overdue) when it has
    passed; None beyond the window."""
    placed = _placed(due, today, end)
    if placed is None:
        return None
    day, overdue = placed
    if overdue:
        text += f" — overdue since {_short(due, today)}"
    return WeekItem(day, kind, family.reference, text, family.id, due, overdue=overdue, at=at,
                    task_id=task_id, household=family.household)


def _concerns(conn: Connection, families: dict[str, _Family],
              today: date) -> list[WeekItem]:
    """Concerns awaiting a decision on the worker's families: on today, first (no words of the
    concern itself: My week is read over a shoulder)."""
    waiting = sorted((raised_day, family.reference, concern_id, family)
                     for concern_id, family_id, raised_at in conn.execute(AWAITING_CONCERNS_SQL)
                     if (family := families.get(family_id)) is not None
                     and (raised_day := day(raised_at)) is not None)
    return [WeekItem(today, WeekItemKind.CONCERN, family.reference,
                     f"Concern raised {_short(raised_day, today)}: awaiting decision",
                     family.id, raised_day, household=family.household)
            for raised_day, _reference, _concern_id, family in waiting]


def _visits(families: dict[str, _Family], today: date, end: date,
            rules: DuePolicy) -> list[WeekItem]:
    found = []
    for family in families.values():
        if family.status not in _ACTIVE:
            continue
        contact_day = family.last_contact
        due = next_visit_due(explicit=family.due_explicit, last_contact=contact_day,
                             opened_or_referred=family.opened_or_referred, policy=rules)
        if due is None or due > end:
            continue
        booked = None
        if family.visit_at and due == family.due_explicit:
            visit_at = _local_time(family.visit_at)
            if visit_at.date() == due and booked_visit_stands(due, contact_day):
                booked = visit_at
        if booked is not None:
            where = f", {family.visit_where}" if family.visit_where else ""
            text = f"Visit booked {booked:%H:%M}{where}"
        elif contact_day is not None:
            text = f"Visit due (last contact {_long(contact_day)})"
        else:
            text = "Visit due (no contact recorded yet)"
        item = _dated(WeekItemKind.VISIT, family, due, text, today, end, at=booked)
        if item is not None:
            found.append(item)
    return found


# Open tasks that are the worker's (or no one's): the dated ones due by the window's end, and
# how many have no date, per family.
_DATED_TASKS_SQL = (
    "SELECT id, family_id, text, due_on FROM task WHERE deleted_at IS NULL AND done_on IS NULL "
    "AND due_on IS NOT NULL AND due_on <= :end AND (assigned_to = :me OR assigned_to IS NULL)")
# Not grouped in SQL: grouping walks ix_task_family_id and reads each row from the table, three
# times slower than one pass over the table.
_UNDATED_TASKS_SQL = (
    "SELECT family_id FROM task WHERE deleted_at IS NULL AND done_on IS NULL "
    "AND due_on IS NULL AND (assigned_to = :me OR assigned_to IS NULL)")


def _tasks(conn: Connection, families: dict[str, _Family], me: str, today: date,
           end: date) -> tuple[list[WeekItem], int]:
    """Open tasks on the worker's families that are theirs (or no one's) due by ``end``, and
    how many open ones have no due date (a note's follow-ups, until someone dates them)."""
    found = []
    for task_id, fid, text, due in conn.execute(_DATED_TASKS_SQL,
                                                {"end": end.isoformat(), "me": me}):
        family = families.get(fid)
        if family is None:
            continue
        line = text.splitlines()[0] if text else ""
        item = _dated(WeekItemKind.TASK, family, date.fromisoformat(due[:10]), line, today, end,
                      task_id=task_id)
        if item is not None:
            found.append(item)
    undated = sum(1 for (fid,) in conn.execute(_UNDATED_TASKS_SQL, {"me": me})
                  if fid in families)
    return found, undated


def _plan_reviews(families: dict[str, _Family], today: date,
                  end: date) -> Iterable[WeekItem]:
    """The latest agreed plan's review date, for active cases."""
    found = []
    for family in families.values():
        review = family.plan_review
        if review is None or review > end or family.status not in _ACTIVE:
            continue
        found.append(_dated(WeekItemKind.PLAN_REVIEW, family, review,
                            f"Review the plan (version {family.plan_version})", today, end))
    return [item for item in found if item is not None]


def _star_rescores(families: dict[str, _Family], today: date, end: date,
                   rules: DuePolicy) -> Iterable[WeekItem]:
    """A Web Star re-score falls due ``star_rescore_weeks`` after the last one."""
    gap = timedelta(weeks=rules.star_rescore_weeks)
    latest = end - gap
    found = []
    for family in families.values():
        last_day = family.last_star
        if last_day is None or last_day > latest or family.status not in _ACTIVE:
            continue
        found.append(_dated(WeekItemKind.STAR_RESCORE, family, last_day + gap,
                            f"Re-score the Web Star (last scored {_long(last_day)})",
                            today, end))
    return [item for item in found if item is not None]


def _sustainability_reviews(families: dict[str, _Family], today: date,
                            end: date) -> Iterable[WeekItem]:
    found = []
    for family in families.values():
        due = family.sustainability_due
        if family.status != FamilyStatus.CLOSED.value or due is None:
            continue
        found.append(_dated(WeekItemKind.SUSTAINABILITY_REVIEW, family, due,
                            "6-month sustainability review: are the outcomes holding?",
                            today, end))
    return [item for item in found if item is not None]


def _waiting(conn: Connection, family_ids: set[str]) -> int:
    """Changes to these families the next sync will send (the outbox is small: group it)."""
    if not family_ids:
        return 0
    return sum(n for fid, n in waiting_changes_by_family(conn).items() if fid in family_ids)
