"""Adding and changing families, household members, agencies and needs; closing a case."""

from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import col, select

from familyworker.domain.agency import AgencyInvolvement
from familyworker.domain.criteria import FamilyCriterion
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, Family, FamilyStatus
from familyworker.domain.ids import new_id
from familyworker.domain.person import Person
from familyworker.services.queries import family_by_id, get_live
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import family_from_row, family_values, person_values
from familyworker.store.tables import (
    AgencyInvolvementRow,
    FamilyCriterionRow,
    FamilyRow,
    PersonRow,
)
from familyworker.store.unit_of_work import UnitOfWork

# Fields a worker may set directly (status moves go through change_status for its rules).
EDITABLE_FAMILY_FIELDS = frozenset({
    "household_name", "address", "postcode", "locality", "next_visit_due", "review_due",
    "consent_given_on", "consent_scope", "lead_worker_id", "team_id",
})


def reference_taken(uow: UnitOfWork, reference: str, *, except_id: str | None = None) -> bool:
    statement = select(FamilyRow.id).where(FamilyRow.reference == reference,
                                           col(FamilyRow.deleted_at).is_(None))
    return any(found != except_id for found in uow.session.exec(statement).all())


def existing_references(uow: UnitOfWork) -> frozenset[str]:
    statement = select(FamilyRow.reference).where(col(FamilyRow.deleted_at).is_(None))
    return frozenset(uow.session.exec(statement).all())


def insert_family(uow: UnitOfWork, family: Family) -> FamilyRow:
    """Within a unit of work: a new family row (the reference must be new to this caseload)."""
    if reference_taken(uow, family.reference):
        raise ValidationError(f"The reference {family.reference} is already in this caseload.")
    row = FamilyRow(id=family.id, family_id=family.id, **family_values(family))  # type: ignore[arg-type]
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
    """Change a family's details; validated by the domain before anything is written."""
    unknown = set(changes) - EDITABLE_FAMILY_FIELDS - {"status", "closure_reason"}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ValidationError(f"These details cannot be changed here: {names}.")
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        current = family_from_row(row)
        status = changes.pop("status", None)
        reason = changes.pop("closure_reason", None)
        if status is not None and FamilyStatus(status) is not current.status:
            current = current.move_to(FamilyStatus(status), on=date.today(),
                                      reason=ClosureReason(reason) if reason else None)
        domain_changes = {k: v for k, v in changes.items()
                          if k in {"household_name", "address", "postcode", "locality",
                                   "next_visit_due", "review_due", "lead_worker_id", "team_id"}}
        updated = replace(current, **domain_changes)  # re-validates
        values = family_values(updated)
        for key in ("consent_given_on", "consent_scope"):
            if key in changes:
                values[key] = changes[key]
        return uow.update(row, values)


def change_status(store: CaseloadStore, family_id: str, target: FamilyStatus, *,
                  on: date | None = None, reason: ClosureReason | None = None) -> Family:
    """Move a case through its lifecycle (a closed case needs a reason)."""
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        moved = family_from_row(row).move_to(target, on=on or date.today(), reason=reason)
        uow.update(row, family_values(moved))
        return moved


def close_case(store: CaseloadStore, family_id: str, *, reason: ClosureReason,
               on: date | None = None) -> Family:
    return change_status(store, family_id, FamilyStatus.CLOSED, on=on, reason=reason)


def add_person(store: CaseloadStore, family_id: str, *, name: str, relationship: str = "",
               date_of_birth: date | None = None, school_setting: str = "",
               flags: tuple[str, ...] = ()) -> Person:
    from familyworker.domain.person import PersonFlag

    person = Person(id=new_id(), family_id=family_id, name=name, relationship=relationship,
                    date_of_birth=date_of_birth, school_setting=school_setting,
                    flags=tuple(PersonFlag(f) for f in flags))
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(PersonRow(id=person.id, family_id=family_id, **person_values(person)))  # type: ignore[arg-type]
    return person


def update_person(store: CaseloadStore, person_id: str, **changes: Any) -> list[str]:
    with store.unit_of_work() as uow:
        row = get_live(uow.session, PersonRow, person_id, "person")
        from familyworker.store.mapping import person_from_row

        updated = replace(person_from_row(row), **changes)
        return uow.update(row, person_values(updated))


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
    from familyworker.services.programme import default_framework

    default_framework().criterion(criterion_key)  # rejects an unknown criterion
    need = FamilyCriterion(id=new_id(), family_id=family_id, criterion_key=criterion_key,
                           evidence=evidence, identified_on=identified_on or date.today())
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(FamilyCriterionRow(id=need.id, family_id=family_id,
                                   criterion_key=criterion_key, evidence=evidence,
                                   identified_on=need.identified_on))
    return need
