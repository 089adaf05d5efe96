"""Evidence against the council's outcome plan: readings of its measures and adults'
employment spells (each one audited, synced unit of work), and each family's progress."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from sqlmodel import Session, col, select

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.domain.outcome_progress import (
    EmploymentSpell,
    FamilyProgress,
    Reading,
    assess_family,
)
from familyworker.domain.person import ADULT_AGE
from familyworker.services.outcome_plan_file import load_outcome_plan
from familyworker.services.people import find_member
from familyworker.services.programme import default_framework
from familyworker.services.queries import family_by_id, live_rows, member_of
from familyworker.store import mapping
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    EmploymentSpellRow,
    FamilyCriterionRow,
    MeasureReadingRow,
    PersonRow,
    SyncedRow,
)

MAX_TEXT = 200
MAX_SOURCE_REFERENCE = 100  # the sync row schema's limit for a key-like field
RowT = TypeVar("RowT", bound=SyncedRow)


def outcome_plan(store: CaseloadStore) -> OutcomePlan:
    return load_outcome_plan(store.paths.data_dir)


def text_field(value: str, what: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(f"{what} is needed.")
    if len(cleaned) > limit or any(ord(ch) < 32 for ch in cleaned):
        raise ValidationError(f"{what} is up to {limit} characters on one line.")
    return cleaned


def _person(session: Session, family_id: str, person_id: str | None) -> PersonRow | None:
    return None if person_id is None else member_of(session, family_id, person_id)


def record_reading(store: CaseloadStore, family_id: str, *, measure_key: str,
                   period_end: date, value: str, source: str, period_start: date | None = None,
                   person_id: str | None = None, source_reference: str = "",
                   verified_by: str = "", note: str = "", today: date | None = None) -> str:
    """A reading of one of the plan's measures from its source; returns its id."""
    measure = outcome_plan(store).measure(measure_key)
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValidationError(f"'{value}' is not a number (write it like 93.5).") from None
    if not number.is_finite() or number < 0:
        raise ValidationError("A reading is a number of 0 or more.")
    if period_end > (today or date.today()):
        raise ValidationError("A reading cannot be for a period that has not ended yet.")
    if period_start is not None and period_start > period_end:
        raise ValidationError("A reading's period cannot start after it ends.")
    row = MeasureReadingRow(id=new_id(), family_id=family_id, person_id=person_id,
                            measure_key=measure.key, period_start=period_start,
                            period_end=period_end, value=value.strip(),
                            source=text_field(source, "The source", required=True),
                            source_reference=text_field(source_reference, "The source reference",
                                                     limit=MAX_SOURCE_REFERENCE),
                            verified_by=text_field(verified_by, "Who verified it"),
                            note=text_field(note, "The note"))
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        _person(uow.session, family_id, person_id)
        row.recorded_by = uow.actor_id
        uow.add(row)
    return row.id


def record_employment(store: CaseloadStore, family_id: str, *, person_id: str,
                      started_on: date, hours_per_week: int, source: str,
                      benefit_ended_on: date | None = None, ended_on: date | None = None,
                      source_reference: str = "", note: str = "",
                      today: date | None = None) -> str:
    """An adult's spell in work (the continuous-employment route); returns its id."""
    day = today or date.today()
    if started_on > day or (benefit_ended_on is not None and benefit_ended_on > day):
        raise ValidationError("Employment cannot be recorded for a day still to come.")
    if ended_on is not None and ended_on < started_on:
        raise ValidationError("Employment cannot end before it starts.")
    if not 0 < hours_per_week <= 100:
        raise ValidationError("Hours a week must be between 1 and 100.")
    row = EmploymentSpellRow(id=new_id(), family_id=family_id, person_id=person_id,
                             benefit_ended_on=benefit_ended_on, started_on=started_on,
                             ended_on=ended_on, hours_per_week=hours_per_week,
                             source=text_field(source, "The source", required=True),
                             source_reference=text_field(source_reference, "The source reference",
                                                     limit=MAX_SOURCE_REFERENCE),
                             note=text_field(note, "The note"))
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        person = _person(uow.session, family_id, person_id)
        dob = person.date_of_birth if person else None
        if dob is not None and _age(dob, started_on) < ADULT_AGE:
            raise ValidationError("The employment route is for adults (18 or over).")
        row.recorded_by = uow.actor_id
        uow.add(row)
    return row.id


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def reading_from_row(row: MeasureReadingRow) -> Reading:
    return Reading(id=row.id, measure_key=row.measure_key, person_id=row.person_id,
                   period_start=row.period_start, period_end=row.period_end,
                   value=Decimal(row.value), source=row.source,
                   source_reference=row.source_reference, verified_by=row.verified_by,
                   recorded_by=row.recorded_by)


def spell_from_row(row: EmploymentSpellRow) -> EmploymentSpell:
    return EmploymentSpell(id=row.id, person_id=row.person_id,
                           benefit_ended_on=row.benefit_ended_on, started_on=row.started_on,
                           ended_on=row.ended_on, hours_per_week=row.hours_per_week,
                           source=row.source, source_reference=row.source_reference,
                           recorded_by=row.recorded_by)


def needs_of(session: Session, family_id: str) -> list[FamilyCriterionRow]:
    return sorted(live_rows(session, FamilyCriterionRow, family_id),
                  key=lambda r: (r.identified_on or date.min, r.id))


def progress_in(session: Session, plan: OutcomePlan, family_id: str, on: date) -> FamilyProgress:
    return assess_rows(plan, live_rows(session, FamilyCriterionRow, family_id),
                   live_rows(session, MeasureReadingRow, family_id),
                   live_rows(session, EmploymentSpellRow, family_id), on)


def assess_rows(plan: OutcomePlan, needs: Sequence[FamilyCriterionRow],
            readings: Sequence[MeasureReadingRow], spells: Sequence[EmploymentSpellRow],
            on: date) -> FamilyProgress:
    labels = {c.key: c.label for c in default_framework().criteria}
    ordered = sorted(needs, key=lambda r: (r.identified_on or date.min, r.id))
    spell_list = [spell_from_row(r) for r in spells]
    return assess_family(plan, problems=[r.criterion_key for r in ordered],
                         problem_labels=labels,
                         readings=[reading_from_row(r) for r in readings],
                         spells=spell_list, adults=[s.person_id for s in spell_list], on=on)


def family_progress(store: CaseloadStore, family_id: str, *,
                    on: date | None = None) -> FamilyProgress:
    with store.read() as session:
        family_by_id(session, family_id)
        return progress_in(session, outcome_plan(store), family_id, on or date.today())


def rows_by_family(session: Session, row_type: type[RowT]) -> dict[str, list[RowT]]:
    grouped: dict[str, list[RowT]] = {}
    for row in session.exec(select(row_type).where(
            col(row_type.deleted_at).is_(None))).all():
        grouped.setdefault(row.family_id, []).append(row)  # type: ignore[attr-defined]
    return grouped


def member_id(store: CaseloadStore, family_id: str, name: str) -> str:
    """The id of the household member called `name` (for the command line)."""
    with store.read() as session:
        family = family_by_id(session, family_id)
        members = tuple(mapping.person_from_row(r)
                        for r in live_rows(session, PersonRow, family_id))
    return find_member(members, name, family.reference).id


def household_members(store: CaseloadStore, family_id: str) -> tuple[tuple[str, str], ...]:
    """(id, name) of each member, for choosing whom a reading is about."""
    with store.read() as session:
        rows = sorted(live_rows(session, PersonRow, family_id), key=lambda r: (r.name, r.id))
        return tuple((r.id, r.name) for r in rows)


def household_adults(store: CaseloadStore, family_id: str, *,
                     on: date | None = None) -> tuple[tuple[str, str], ...]:
    """(id, name) of the members who may be on the employment route: 18 or over, or with no
    date of birth recorded (the service still refuses a spell for a known child)."""
    day = on or date.today()
    with store.read() as session:
        rows = sorted(live_rows(session, PersonRow, family_id), key=lambda r: (r.name, r.id))
        return tuple((r.id, r.name) for r in rows
                     if r.date_of_birth is None or _age(r.date_of_birth, day) >= ADULT_AGE)
