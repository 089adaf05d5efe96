"""Adding and changing families, household members, agencies and needs; closing a case."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import col, select

from familyworker.domain.agency import AgencyInvolvement
from familyworker.domain.criteria import FamilyCriterion
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    DEFAULT_CONSENT_SCOPE,
    ClosureReason,
    Consent,
    Family,
    FamilyStatus,
    parse_intervention_level,
)
from familyworker.domain.ids import new_id
from familyworker.domain.person import Person, PersonFlag, Sex
from familyworker.services.outcomes import review_booking
from familyworker.services.programme import default_framework
from familyworker.services.queries import family_by_id, get_live
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import (
    family_from_row,
    family_values,
    person_from_row,
    person_values,
)
from familyworker.store.tables import (
    AgencyInvolvementRow,
    FamilyCriterionRow,
    FamilyRow,
    PersonRow,
)
from familyworker.store.unit_of_work import UnitOfWork

# Plain details a worker may set; status moves follow the lifecycle rules (Family.move_to).
DETAIL_FIELDS = frozenset({"household_name", "address", "postcode", "locality",
                           "next_visit_due", "review_due", "lead_worker_id", "team_id",
                           "intervention_level"})
CONSENT_FIELDS = frozenset({"consent_given_on", "consent_scope"})
DATE_FIELDS = frozenset({"next_visit_due", "review_due", "consent_given_on"})
EDITABLE_FAMILY_FIELDS = DETAIL_FIELDS | CONSENT_FIELDS | {"status", "closure_reason"}


def reference_taken(uow: UnitOfWork, reference: str) -> bool:
    statement = select(FamilyRow.id).where(FamilyRow.reference == reference,
                                           col(FamilyRow.deleted_at).is_(None))
    return uow.session.exec(statement).first() is not None


def existing_references(uow: UnitOfWork) -> frozenset[str]:
    statement = select(FamilyRow.reference).where(col(FamilyRow.deleted_at).is_(None))
    return frozenset(uow.session.exec(statement).all())


def insert_family(uow: UnitOfWork, family: Family) -> FamilyRow:
    """Within a unit of work: a new family row (the reference must be new to this caseload)."""
    if reference_taken(uow, family.reference):
        raise ValidationError(f"The reference {family.reference} is already in this caseload.")
    # A case that arrives closed (an imported history, the demo) books its review like any other.
    booking = review_booking("", family) if family.status is FamilyStatus.CLOSED else {}
    values = family_values(family) | booking
    row = FamilyRow(id=family.id, family_id=family.id, **values)  # type: ignore[arg-type]
    uow.add(row)
    return row


def add_family(store: CaseloadStore, *, reference: str, household_name: str, postcode: str,
               address: str = "", locality: str = "", referred_on: date | None = None,
               lead_worker_id: str | None = None) -> Family:
    family_id = new_id()
    family = Family(id=family_id, reference=reference, household_name=household_name,
                    postcode=postcode, address=address, locality=locality,
                    referred_on=referred_on or date.today(),
                    lead_worker_id=lead_worker_id or store.worker_id)
    with store.unit_of_work() as uow:
        insert_family(uow, family)
    return family


def update_family(store: CaseloadStore, family_id: str, **changes: Any) -> list[str]:
    """Change a family's details; validated by the domain before anything is written.

    Values may be typed (dates, enums) or text as a script gives them (ISO dates, status names).
    """
    unknown = set(changes) - EDITABLE_FAMILY_FIELDS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ValidationError(f"These details cannot be changed here: {names}.")
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        updated = _with_changes(family_from_row(row), _parsed(changes))
        return uow.update(row, family_values(updated) | review_booking(row.status, updated))


def _parsed(changes: dict[str, Any]) -> dict[str, Any]:
    parsed = dict(changes)
    for name in DATE_FIELDS & parsed.keys():
        value = parsed[name]
        if isinstance(value, str):
            try:
                parsed[name] = date.fromisoformat(value) if value.strip() else None
            except ValueError:
                raise ValidationError(f"{name} must be a date written YYYY-MM-DD.") from None
    try:
        if parsed.get("status") is not None:
            parsed["status"] = FamilyStatus(parsed["status"])
        if parsed.get("closure_reason"):
            parsed["closure_reason"] = ClosureReason(parsed["closure_reason"])
        if isinstance(parsed.get("intervention_level"), str):
            parsed["intervention_level"] = parse_intervention_level(parsed["intervention_level"])
    except ValueError as error:
        raise ValidationError(f"Not a known value: {error}.") from None
    return parsed


def _with_changes(family: Family, changes: dict[str, Any]) -> Family:
    status: FamilyStatus | None = changes.get("status")
    if status is not None and status is not family.status:
        family = family.move_to(status, on=date.today(), reason=changes.get("closure_reason"))
    consent = family.consent
    if CONSENT_FIELDS & changes.keys():
        given = changes.get("consent_given_on", consent.given_on if consent else None)
        scope = changes.get("consent_scope", consent.scope if consent else DEFAULT_CONSENT_SCOPE)
        consent = Consent(given, scope) if given else None
    details = {name: value for name, value in changes.items() if name in DETAIL_FIELDS}
    return replace(family, consent=consent, **details)  # replace() re-runs the domain checks


def change_status(store: CaseloadStore, family_id: str, target: FamilyStatus, *,
                  on: date | None = None, reason: ClosureReason | None = None,
                  note: str = "") -> Family:
    """Move a case through its lifecycle (a closed case needs a reason). ``note``: to whom a
    case steps down, why it steps up or reopens, or more about an "other" closure."""
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        moved = family_from_row(row).move_to(target, on=on or date.today(), reason=reason,
                                             note=note)
        # Closing books the sustainability review in the same transaction.
        uow.update(row, family_values(moved) | review_booking(row.status, moved))
        return moved


def close_case(store: CaseloadStore, family_id: str, *, reason: ClosureReason,
               on: date | None = None) -> Family:
    return change_status(store, family_id, FamilyStatus.CLOSED, on=on, reason=reason)


def add_person(store: CaseloadStore, family_id: str, *, name: str, relationship: str = "",
               date_of_birth: date | None = None, school_setting: str = "",
               flags: tuple[str, ...] = (), sex: Sex | None = None) -> Person:
    person = Person(id=new_id(), family_id=family_id, name=name, relationship=relationship,
                    date_of_birth=date_of_birth, school_setting=school_setting,
                    flags=tuple(PersonFlag(f) for f in flags), sex=sex)
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(PersonRow(id=person.id, family_id=family_id, **person_values(person)))  # type: ignore[arg-type]
    return person


PERSON_FIELDS = frozenset({"name", "relationship", "date_of_birth", "school_setting", "sex"})
# A member's flags, by PersonFlag or by its key as a script writes it, each with a day or None.
FlagDays = Mapping[PersonFlag, date | None] | Mapping[str, date | None]


def update_person(store: CaseloadStore, person_id: str, *,
                  flags: FlagDays | None = None,
                  **changes: Any) -> list[str]:
    """Change a member's details; `flags`, when given, replaces their flags (each with the day
    it applied from, or None). Returns the names of the fields that changed."""
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ValidationError(f"These details cannot be changed here: {names}.")
    dated = None if flags is None else parse_flags(flags)
    with store.unit_of_work() as uow:
        row = get_live(uow.session, PersonRow, person_id, "person")
        updated = replace(person_from_row(row), **changes)  # replace() re-runs the checks
        if dated is not None:
            updated = updated.with_flags(dated)
        return uow.update(row, person_values(updated))


def parse_flags(flags: FlagDays, *,
                today: date | None = None) -> dict[PersonFlag, date | None]:
    """Flags by key or member, each with a day that is not in the future (or None)."""
    parsed: dict[PersonFlag, date | None] = {}
    for key, since in flags.items():
        try:
            flag = PersonFlag(key)
        except ValueError:
            allowed = ", ".join(f.value for f in PersonFlag)
            raise ValidationError(f"'{key}' is not a flag; the flags are: {allowed}.") from None
        if since is not None and since > (today or date.today()):
            raise ValidationError(f"{flag.label} cannot apply from a day in the future.")
        parsed[flag] = since
    return parsed


def add_agency(store: CaseloadStore, family_id: str, *, agency: str, role: str = "",
               contact: str = "", from_date: date | None = None) -> AgencyInvolvement:
    involvement = AgencyInvolvement(id=new_id(), family_id=family_id, agency=agency, role=role,
                                    contact=contact, from_date=from_date)
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(AgencyInvolvementRow(id=involvement.id, family_id=family_id,
                                     agency=involvement.agency, role=role, contact=contact,
                                     from_date=from_date))
    return involvement


def add_need(store: CaseloadStore, family_id: str, *, criterion_key: str, evidence: str = "",
             identified_on: date | None = None) -> FamilyCriterion:
    default_framework().criterion(criterion_key)  # rejects an unknown criterion
    need = FamilyCriterion(id=new_id(), family_id=family_id, criterion_key=criterion_key,
                           evidence=evidence, identified_on=identified_on or date.today())
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(FamilyCriterionRow(id=need.id, family_id=family_id,
                                   criterion_key=criterion_key, evidence=evidence,
                                   identified_on=need.identified_on))
    return need
