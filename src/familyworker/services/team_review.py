"""The supervisor's team view: caseload sizes and what needs attention, from the synced store.

Pure queries, no Qt. Everything here reads what sync brought to this device: a supervisor's
device holds the team's families (an admin's, the whole service's), the team's worker records,
every contact note including drafts (drafts are ordinary synced rows, so a worker's draft is seen
once that worker's device has synced), and open conflict records.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, func, select

from familyworker.domain.caseload import ACTIVE_STATUSES
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import FamilyStatus
from familyworker.domain.team import Role
from familyworker.services.flagged_families import families_with_flagged_members
from familyworker.services.outcomes import sustainability_reviews_due
from familyworker.services.queries import last_contact_by_family
from familyworker.services.safeguarding import awaiting_in
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.sync_tables import SyncConflictRow
from familyworker.store.tables import (
    ContactNoteRow,
    FamilyRow,
    PlanRow,
    StarAssessmentRow,
    WorkerRow,
)

SETTING_THRESHOLDS = "team_review_thresholds"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Local practice standards for the team view; a council may change them."""

    no_contact_days: int = 28
    star_rescore_weeks: int = 12
    draft_hours: int = 48
    open_weeks: int = 16  # the usual intervention length

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
                raise ValidationError(
                    f"{item.name.replace('_', ' ').capitalize()} must be a whole number "
                    "from 1 to 1000.")


def load_thresholds(store: CaseloadStore) -> Thresholds:
    saved = store.setting(SETTING_THRESHOLDS)
    if not isinstance(saved, dict):
        return Thresholds()
    known = {f.name for f in fields(Thresholds)}
    try:
        return replace(Thresholds(), **{k: v for k, v in saved.items() if k in known})
    except ValidationError:
        return Thresholds()  # a damaged setting falls back to the defaults, never blocks


def save_thresholds(store: CaseloadStore, thresholds: Thresholds) -> None:
    store.set_setting(SETTING_THRESHOLDS, {f.name: getattr(thresholds, f.name)
                                           for f in fields(Thresholds)})


class Attention(StrEnum):
    # First: a safeguarding concern no one has decided on yet (docs/safeguarding.md).
    CONCERN = "concern-awaiting-decision"
    # Then the active families with a child on a child protection plan, in need or looked
    # after (person flags, docs/casework.md): statutory involvement to keep in view.
    STATUTORY = "statutory-involvement"
    NO_CONTACT = "no-contact"
    PLAN_REVIEW = "plan-review"
    STAR_RESCORE = "star-rescore"
    OLD_DRAFT = "old-draft"
    CONFLICT = "conflict"
    OPEN_TOO_LONG = "open-too-long"
    SUSTAINABILITY = "sustainability-review"


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    worker_id: str | None
    name: str
    active: int  # referred, open or step-down
    closed: int


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One family needing attention for one reason; ``detail`` holds dates and counts only."""

    kind: Attention
    family_id: str
    reference: str
    household_name: str
    worker_name: str
    since: date | None
    detail: str


@dataclass(frozen=True, slots=True)
class TeamOverview:
    today: date
    thresholds: Thresholds
    workers: tuple[WorkerLoad, ...]
    items: dict[Attention, tuple[AttentionItem, ...]] = field(default_factory=dict)

    def of(self, kind: Attention) -> tuple[AttentionItem, ...]:
        return self.items.get(kind, ())


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).date()
    return value


def _uk(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else "never"


def created_at(field_hlc: str, fallback: datetime) -> datetime:
    """When a row was first written: its earliest version stamp (HLC wall time)."""
    try:
        stamps = json.loads(field_hlc or "{}").values()
        wall = min(int(s[:12], 16) for s in stamps)
    except (ValueError, TypeError, AttributeError):
        return fallback if fallback.tzinfo else fallback.replace(tzinfo=UTC)
    return datetime.fromtimestamp(wall / 1000, tz=UTC)


@dataclass
class _Family:
    row: FamilyRow
    worker_name: str

    def item(self, kind: Attention, since: date | None, detail: str) -> AttentionItem:
        return AttentionItem(kind, self.row.id, self.row.reference, self.row.household_name,
                             self.worker_name, since, detail)


def team_overview(store: CaseloadStore, *, now: datetime | None = None,
                  thresholds: Thresholds | None = None) -> TeamOverview:
    """Caseload sizes per worker and every list of the team view, in one read snapshot."""
    at = now or datetime.now(UTC)
    today = at.date()
    rules = thresholds or load_thresholds(store)
    with store.read() as session:
        workers = session.exec(select(WorkerRow).where(col(WorkerRow.deleted_at).is_(None))).all()
        names = {w.id: w.name for w in workers}
        family_rows = session.exec(select(FamilyRow).where(col(FamilyRow.deleted_at).is_(None))
                                   .order_by(FamilyRow.reference)).all()
        families = {r.id: _Family(r, names.get(r.lead_worker_id or "", "Unallocated"))
                    for r in family_rows}
        active = {fid: f for fid, f in families.items()
                  if FamilyStatus(f.row.status) in ACTIVE_STATUSES}
        items: dict[Attention, list[AttentionItem]] = defaultdict(list)
        _concerns(session, families, today, items)
        _no_contact(session, active, today, rules, items)
        _plan_reviews(session, active, today, items)
        _stars(session, active, today, rules, items)
        _drafts(session, families, at, rules, items)
        _conflicts(session, families, items)
        _open_too_long(active, today, rules, items)
    _sustainability(store, families, today, items)
    _statutory(store, families, items)
    loads = _loads(workers, families.values())
    return TeamOverview(today=today, thresholds=rules, workers=loads,
                        items={k: tuple(v) for k, v in items.items()})


def _loads(workers: Iterable[WorkerRow], families: Iterable[_Family]) -> tuple[WorkerLoad, ...]:
    counts: dict[str | None, list[int]] = {
        w.id: [0, 0] for w in workers if w.role in (Role.WORKER.value, Role.SUPERVISOR.value)}
    names = {w.id: w.name for w in workers}
    for family in families:
        lead = family.row.lead_worker_id
        slot = counts.setdefault(lead if lead in names else None, [0, 0])
        slot[0 if FamilyStatus(family.row.status) in ACTIVE_STATUSES else 1] += 1
    loads = [WorkerLoad(wid, names.get(wid or "", "Unallocated"), a, c)
             for wid, (a, c) in counts.items()]
    # A worker with no families still shows (a caseload of 0 is worth seeing).
    return tuple(sorted(loads, key=lambda w: (w.worker_id is None, w.name.casefold())))


def _statutory(store: CaseloadStore, families: dict[str, _Family],
               items: dict[Attention, list[AttentionItem]]) -> None:
    """Active families with a member flagged child protection plan, child in need or looked
    after; the detail names the flags and their dates, never the child."""
    for flagged in families_with_flagged_members(store):
        family = families.get(flagged.family_id)
        if family is None:
            continue
        counts: dict[str, int] = {}
        for member in flagged.members:
            counts[member.flag.label] = counts.get(member.flag.label, 0) + 1
        detail = "; ".join(f"{label}" + (f" ({n} people)" if n > 1 else "")
                           for label, n in counts.items())
        since = min((m.since for m in flagged.members if m.since), default=None)
        items[Attention.STATUTORY].append(family.item(Attention.STATUTORY, since, detail))


def _concerns(session: Session, families: dict[str, _Family], today: date,
              items: dict[Attention, list[AttentionItem]]) -> None:
    """Concerns awaiting a decision, oldest first; the detail holds days only."""
    for waiting in awaiting_in(session, list(families)):
        days = (today - waiting.raised_at_day).days
        detail = "raised today" if days <= 0 else f"raised {days} day{'s' * (days != 1)} ago"
        items[Attention.CONCERN].append(families[waiting.family_id].item(
            Attention.CONCERN, waiting.raised_at_day, detail + ", awaiting decision"))


def _no_contact(session: Session, active: dict[str, _Family], today: date, rules: Thresholds,
                items: dict[Attention, list[AttentionItem]]) -> None:
    last = last_contact_by_family(session)
    cutoff = today - timedelta(days=rules.no_contact_days)
    for fid, family in active.items():
        contact = _day(last.get(fid))
        start = contact or family.row.opened_on or family.row.referred_on
        if start is not None and start < cutoff:
            days = (today - start).days
            detail = (f"last contact {_uk(contact)} ({days} days)" if contact
                      else f"no contact recorded since {_uk(start)} ({days} days)")
            items[Attention.NO_CONTACT].append(family.item(Attention.NO_CONTACT, start, detail))


def _plan_reviews(session: Session, active: dict[str, _Family], today: date,
                  items: dict[Attention, list[AttentionItem]]) -> None:
    latest: dict[str, tuple[int, date | None]] = {}
    for fid, version, review in session.exec(
            select(PlanRow.family_id, PlanRow.version, col(PlanRow.review_due)).where(
                col(PlanRow.deleted_at).is_(None), PlanRow.status == "agreed")).all():
        if fid not in latest or version > latest[fid][0]:
            latest[fid] = (version, review)
    for fid, family in active.items():
        version, review = latest.get(fid, (0, None))
        due = review or family.row.review_due
        if due is not None and due < today:
            what = f"plan version {version}" if version else "case review"
            items[Attention.PLAN_REVIEW].append(family.item(
                Attention.PLAN_REVIEW, due,
                f"{what} was due {_uk(due)} ({(today - due).days} days ago)"))


def _stars(session: Session, active: dict[str, _Family], today: date, rules: Thresholds,
           items: dict[Attention, list[AttentionItem]]) -> None:
    latest = dict(session.exec(
        select(StarAssessmentRow.family_id, func.max(StarAssessmentRow.assessed_on))
        .where(col(StarAssessmentRow.deleted_at).is_(None))
        .group_by(StarAssessmentRow.family_id)).all())
    cutoff = today - timedelta(weeks=rules.star_rescore_weeks)
    for fid, family in active.items():
        scored = _day(latest.get(fid))
        if scored is not None:
            if scored < cutoff:
                items[Attention.STAR_RESCORE].append(family.item(
                    Attention.STAR_RESCORE, scored,
                    f"last scored {_uk(scored)} ({(today - scored).days // 7} weeks)"))
        elif family.row.status == FamilyStatus.OPEN.value and family.row.opened_on \
                and family.row.opened_on < cutoff:
            items[Attention.STAR_RESCORE].append(family.item(
                Attention.STAR_RESCORE, family.row.opened_on,
                f"never scored; open since {_uk(family.row.opened_on)}"))


def _drafts(session: Session, families: dict[str, _Family], at: datetime, rules: Thresholds,
            items: dict[Attention, list[AttentionItem]]) -> None:
    cutoff = at - timedelta(hours=rules.draft_hours)
    old: dict[str, list[datetime]] = defaultdict(list)
    for fid, stamps, occurred in session.exec(
            select(ContactNoteRow.family_id, ContactNoteRow.field_hlc,
                   ContactNoteRow.occurred_at)
            .where(col(ContactNoteRow.deleted_at).is_(None),
                   ContactNoteRow.status == "draft")).all():
        written = created_at(stamps, occurred)
        if written < cutoff and fid in families:
            old[fid].append(written)
    for fid, times in old.items():
        oldest = min(times)
        hours = int((at - oldest).total_seconds() // 3600)
        count = f"{len(times)} draft notes" if len(times) > 1 else "1 draft note"
        items[Attention.OLD_DRAFT].append(families[fid].item(
            Attention.OLD_DRAFT, oldest.date(), f"{count}, oldest started {hours} hours ago"))


def _conflicts(session: Session, families: dict[str, _Family],
               items: dict[Attention, list[AttentionItem]]) -> None:
    counts = dict(session.exec(
        select(SyncConflictRow.family_id, func.count())
        .where(col(SyncConflictRow.resolution).is_(None),
               col(SyncConflictRow.deleted_at).is_(None))
        .group_by(SyncConflictRow.family_id)).all())
    for fid, family in families.items():
        if counts.get(fid):
            n = int(counts[fid])
            items[Attention.CONFLICT].append(family.item(
                Attention.CONFLICT, None,
                f"{n} unresolved sync conflict{'s' if n > 1 else ''}"))


def _open_too_long(active: dict[str, _Family], today: date, rules: Thresholds,
                   items: dict[Attention, list[AttentionItem]]) -> None:
    cutoff = today - timedelta(weeks=rules.open_weeks)
    for family in active.values():
        opened = family.row.opened_on
        if family.row.status != FamilyStatus.REFERRED.value and opened and opened < cutoff:
            items[Attention.OPEN_TOO_LONG].append(family.item(
                Attention.OPEN_TOO_LONG, opened,
                f"open since {_uk(opened)} ({(today - opened).days // 7} weeks)"))


def _sustainability(store: CaseloadStore, families: dict[str, _Family], today: date,
                    items: dict[Attention, list[AttentionItem]]) -> None:
    """Closed families whose sustainability review is due (booked 6 months after closing)."""
    for due in sustainability_reviews_due(store, today):
        family = families.get(due.family_id)
        if family is not None:
            items[Attention.SUSTAINABILITY].append(family.item(
                Attention.SUSTAINABILITY, due.due_on,
                f"closed {_uk(due.closed_on)}; sustainability review due {_uk(due.due_on)}"))
