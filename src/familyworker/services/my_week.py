"""My week: what is due for the worker's families over the next days, grouped by day.

For the families this worker leads or co-works: visits (booked, or due by the visit interval),
their open tasks, plan reviews, Web Star re-scores and 6-month sustainability reviews. Anything
overdue is listed first, on today. Built from a few set-based queries (never one per family):
5,000 families in well under 100 ms.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from familyworker.domain.caseload import (
    ACTIVE_STATUSES,
    DuePolicy,
    booked_visit_stands,
    next_visit_due,
)
from familyworker.domain.family import FamilyStatus
from familyworker.services.queries import is_waiting_change, last_contact_by_family
from familyworker.services.safeguarding import awaiting_in
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    FamilyCoWorkerRow,
    FamilyRow,
    OutboxRow,
    PlanRow,
    StarAssessmentRow,
    TaskRow,
)

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


@dataclass(frozen=True, slots=True)
class WeekItem:
    """One thing to do. ``day`` is the day it is listed under (today for an overdue one);
    ``due_on`` is when it was due."""

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
    household: str = ""


def _as_text(column: Any) -> Any:
    """A date or time column read as the text SQLite stores ("YYYY-MM-DD…"): parsed here with
    date.fromisoformat, far cheaper than the ORM type's parsing over thousands of rows."""
    return type_coerce(column, String)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _local_time(text: str) -> datetime:
    """A stored UTC time as the laptop's local time."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).astimezone()


def my_week(store: CaseloadStore, *, today: date | None = None, days: int = DEFAULT_DAYS,
            policy: DuePolicy | None = None, worker_id: str | None = None) -> MyWeek:
    """What is due from ``today`` for ``days`` days (default: a week from today) for the
    families ``worker_id`` (default: this device's worker) leads or co-works."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    day = today or date.today()
    end = day + timedelta(days=days - 1)
    rules = policy or DuePolicy()
    with store.read() as session:
        me = worker_id or store.setting("worker_id", session=session)
        families = _my_families(session, str(me))
        ids = list(families)
        items: list[WeekItem] = _concerns(session, families, day)
        items += _visits(session, families, day, end, rules)
        task_items, undated = _tasks(session, families, str(me), day, end)
        items += task_items
        items += _plan_reviews(session, families, day, end)
        items += _star_rescores(session, families, day, end, rules)
        items += _sustainability_reviews(families, day, end)
        week_families = {item.family_id for item in items}
        waiting = _waiting(session, week_families) if ids else 0
    items.sort(key=lambda i: (i.day, i.kind is not WeekItemKind.CONCERN, not i.overdue, i.due_on,
                              (i.at.timestamp() if i.at else 0.0),
                              _KIND_ORDER[i.kind], i.reference, i.text))
    return MyWeek(today=day, days=days, items=tuple(items), families=len(families),
                  waiting_changes=waiting, undated_tasks=undated)


def _my_families(session: Session, me: str) -> dict[str, _Family]:
    co_working = select(FamilyCoWorkerRow.family_id).where(
        FamilyCoWorkerRow.worker_id == me, col(FamilyCoWorkerRow.ended_on).is_(None),
        col(FamilyCoWorkerRow.deleted_at).is_(None))
    # Plain columns, not ORM rows: building 5,000 FamilyRow objects would cost more than the
    # whole of the rest.
    rows = _all(session, sa_select(
        col(FamilyRow.id), col(FamilyRow.reference), col(FamilyRow.status),
        _as_text(FamilyRow.next_visit_due), _as_text(FamilyRow.next_visit_at),
        col(FamilyRow.next_visit_where), _as_text(FamilyRow.opened_on),
        _as_text(FamilyRow.referred_on), _as_text(FamilyRow.sustainability_review_due),
        col(FamilyRow.household_name)).where(
        col(FamilyRow.deleted_at).is_(None),
        or_(col(FamilyRow.lead_worker_id) == me, col(FamilyRow.id).in_(co_working))))
    return {r[0]: _Family(r[0], r[1], r[2], _day(r[3]), r[4], r[5], _day(r[6] or r[7]),
                          _day(r[8]), r[9]) for r in rows}


def _all(session: Session, statement: Any) -> Sequence[Any]:
    """Run a column query on the session's connection: plain rows, no ORM loading (which
    costs more than the query itself over thousands of rows)."""
    return session.connection().execute(statement).all()


def _short(day: date, today: date) -> str:
    return f"{day:%d %b}" if day.year == today.year else f"{day:%d %b %Y}"


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


def _concerns(session: Session, families: dict[str, _Family],
              today: date) -> list[WeekItem]:
    """Concerns awaiting a decision on the worker's families: on today, first (no words of the
    concern itself: My week is read over a shoulder)."""
    found = []
    for waiting in awaiting_in(session, list(families)):
        family = families[waiting.family_id]
        text = f"Concern raised {_short(waiting.raised_at_day, today)}: awaiting decision"
        found.append(WeekItem(today, WeekItemKind.CONCERN, family.reference, text,
                              waiting.family_id, waiting.raised_at_day,
                              household=family.household))
    return found


def _visits(session: Session, families: dict[str, _Family], today: date, end: date,
            rules: DuePolicy) -> Iterable[WeekItem]:
    active = {fid: f for fid, f in families.items() if f.status in _ACTIVE}
    if not active:
        return []
    # The day (UTC, as the caseload list takes it) of each family's last contact made.
    last_contact = last_contact_by_family(session)
    found = []
    for fid, family in active.items():
        contact = last_contact.get(fid)
        contact_day = contact.date() if contact else None
        due = next_visit_due(explicit=family.due_explicit, last_contact=contact_day,
                             opened_or_referred=family.opened_or_referred, policy=rules)
        if due is None or _placed(due, today, end) is None:
            continue
        visit_at = _local_time(family.visit_at) if family.visit_at else None
        booked = visit_at if visit_at and visit_at.date() == due and \
            due == family.due_explicit and booked_visit_stands(due, contact_day) else None
        if booked is not None:
            where = f", {family.visit_where}" if family.visit_where else ""
            text = f"Visit booked {booked:%H:%M}{where}"
        elif contact_day is not None:
            text = f"Visit due (last contact {contact_day:%d %b %Y})"
        else:
            text = "Visit due (no contact recorded yet)"
        found.append(_dated(WeekItemKind.VISIT, family, due, text, today, end, at=booked))
    return [item for item in found if item is not None]


def _tasks(session: Session, families: dict[str, _Family], me: str, today: date,
           end: date) -> tuple[list[WeekItem], int]:
    """Open tasks on the worker's families that are theirs (or no one's) due by ``end``, and
    how many open ones have no due date (a note's follow-ups, until someone dates them)."""
    rows = _all(session, sa_select(col(TaskRow.id), col(TaskRow.family_id), col(TaskRow.text),
                                   col(TaskRow.due_on))
                .where(col(TaskRow.deleted_at).is_(None), col(TaskRow.done_on).is_(None),
                       or_(col(TaskRow.due_on).is_(None), col(TaskRow.due_on) <= end),
                       or_(col(TaskRow.assigned_to) == me, col(TaskRow.assigned_to).is_(None))))
    found, undated = [], 0
    for task_id, fid, text, due in rows:
        family = families.get(fid)
        if family is None:
            continue
        if due is None:
            undated += 1
            continue
        line = text.splitlines()[0] if text else ""
        item = _dated(WeekItemKind.TASK, family, due, line, today, end, task_id=task_id)
        if item is not None:
            found.append(item)
    return found, undated


def _plan_reviews(session: Session, families: dict[str, _Family], today: date,
                  end: date) -> Iterable[WeekItem]:
    """The latest agreed plan's review date, for active cases."""
    latest = select(PlanRow.family_id, func.max(PlanRow.version).label("version")).where(
        col(PlanRow.deleted_at).is_(None), PlanRow.status == "agreed").group_by(
        PlanRow.family_id).subquery()
    rows = _all(session, sa_select(col(PlanRow.family_id), col(PlanRow.review_due),
                                   col(PlanRow.version)).join(
        latest, (PlanRow.family_id == latest.c.family_id)  # type: ignore[arg-type]
        & (PlanRow.version == latest.c.version)).where(
        col(PlanRow.deleted_at).is_(None), col(PlanRow.status) == "agreed",
        col(PlanRow.review_due).is_not(None), col(PlanRow.review_due) <= end))
    found = []
    for fid, review, version in rows:
        family = families.get(fid)
        if family is None or family.status not in _ACTIVE or review is None:
            continue
        found.append(_dated(WeekItemKind.PLAN_REVIEW, family, review,
                            f"Review the plan (version {version})", today, end))
    return [item for item in found if item is not None]


def _star_rescores(session: Session, families: dict[str, _Family], today: date, end: date,
                   rules: DuePolicy) -> Iterable[WeekItem]:
    """A Web Star re-score falls due ``star_rescore_weeks`` after the last one."""
    gap = timedelta(weeks=rules.star_rescore_weeks)
    rows = _all(session, sa_select(col(StarAssessmentRow.family_id),
                                   _as_text(func.max(StarAssessmentRow.assessed_on)))
                .where(col(StarAssessmentRow.deleted_at).is_(None))
                .group_by(col(StarAssessmentRow.family_id))
                .having(func.max(StarAssessmentRow.assessed_on) <= end - gap))
    found = []
    for fid, last in rows:
        family = families.get(fid)
        if family is None or family.status not in _ACTIVE or last is None:
            continue
        last_day = date.fromisoformat(last[:10])
        found.append(_dated(WeekItemKind.STAR_RESCORE, family, last_day + gap,
                            f"Re-score the Web Star (last scored {last_day:%d %b %Y})",
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


def _waiting(session: Session, family_ids: set[str]) -> int:
    """Changes to these families the next sync will send (the outbox is small: group it)."""
    if not family_ids:
        return 0
    counts = _all(session, sa_select(col(OutboxRow.family_id), func.count()).where(
        is_waiting_change(), col(OutboxRow.family_id).is_not(None)).group_by(
        col(OutboxRow.family_id)))
    return sum(int(n) for fid, n in counts if fid in family_ids)
