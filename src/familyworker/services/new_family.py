"""A new family typed in by the worker: every field checked at once, one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    Family,
    FamilyStatus,
    validate_name,
    validate_postcode,
    validate_reference,
)
from familyworker.domain.ids import new_id
from familyworker.domain.person import Person
from familyworker.services.families import insert_family, reference_taken
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import person_values
from familyworker.store.tables import PersonRow

INITIAL_STATUSES = (FamilyStatus.REFERRED, FamilyStatus.OPEN)


class FamilyFieldErrors(ValidationError):
    """One plain message per field (field name → message); nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values()), "The family could not be added."))


@dataclass(frozen=True, slots=True)
class NewMember:
    name: str
    relationship: str = ""
    date_of_birth: date | None = None


@dataclass(frozen=True, slots=True)
class NewFamily:
    reference: str
    household_name: str
    postcode: str
    address: str = ""
    status: FamilyStatus = FamilyStatus.REFERRED
    first_member: NewMember | None = None


def field_errors(new: NewFamily) -> dict[str, str]:
    """The domain's verdict on each field (no store needed); empty when all are fine."""
    checks: dict[str, Callable[[], str]] = {
        "reference": lambda: validate_reference(new.reference),
        "household_name": lambda: validate_name(new.household_name, "The household name"),
        "postcode": lambda: validate_postcode(new.postcode),
    }
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except ValidationError as error:
            errors[name] = str(error)
    if len(new.address) > 500:
        errors["address"] = "The address is longer than 500 characters."
    if new.status not in INITIAL_STATUSES:
        errors["status"] = "A new family starts as referred or open."
    if new.first_member is not None:
        try:
            Person(id="check", family_id="check", name=new.first_member.name,
                   relationship=new.first_member.relationship,
                   date_of_birth=new.first_member.date_of_birth)
        except ValidationError as error:
            errors["member"] = str(error)
        if new.first_member.date_of_birth and new.first_member.date_of_birth > date.today():
            errors["member"] = "A date of birth cannot be in the future."
    return errors


def create_family(store: CaseloadStore, new: NewFamily, *, on: date | None = None) -> Family:
    """Add the family (and its first member) or nothing; FamilyFieldErrors says what to fix."""
    errors = field_errors(new)
    if errors:
        raise FamilyFieldErrors(errors)
    day = on or date.today()
    family = Family(id=new_id(), reference=new.reference, household_name=new.household_name,
                    postcode=new.postcode, address=new.address.strip(), referred_on=day,
                    lead_worker_id=store.worker_id)
    if new.status is FamilyStatus.OPEN:
        family = family.open_case(day)
    with store.unit_of_work() as uow:
        if reference_taken(uow, family.reference):
            raise FamilyFieldErrors({"reference": f"The reference {family.reference} is "
                                                  "already in this caseload."})
        insert_family(uow, family)
        if new.first_member is not None:
            person = Person(id=new_id(), family_id=family.id, name=new.first_member.name,
                            relationship=new.first_member.relationship.strip(),
                            date_of_birth=new.first_member.date_of_birth)
            uow.add(PersonRow(id=person.id, family_id=family.id,
                              **person_values(person)))  # type: ignore[arg-type]
    return family
