"""Household and safety details, edited together: name, address, phone, language, lone-working
safety information, a lead professional from a partner agency and the intervention level (high,
medium, low; counted in the quarterly return).

The domain validates (`Family.__post_init__` runs again on every change); the write is one
unit of work, so it is audited and queued to sync like any other.
"""

from dataclasses import dataclass, replace

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    Family,
    InterventionLevel,
    LeadProfessional,
    validate_detail,
)
from familyworker.services.queries import family_by_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import family_from_row, family_values

LEAD_FIELD_LIMIT = 200


@dataclass(frozen=True, slots=True)
class HouseholdDetails:
    """What the Edit details form holds, as typed (the domain trims and checks it)."""

    household_name: str
    postcode: str
    address: str = ""
    phone: str = ""
    preferred_language: str = ""
    interpreter_needed: bool = False
    safety_information: str = ""
    lead_name: str = ""
    lead_agency: str = ""
    lead_contact: str = ""
    intervention_level: InterventionLevel | None = None  # None: not assessed yet

    @classmethod
    def of(cls, family: Family) -> "HouseholdDetails":
        lead = family.lead_professional
        return cls(household_name=family.household_name, postcode=family.postcode,
                   address=family.address, phone=family.phone,
                   preferred_language=family.preferred_language,
                   interpreter_needed=family.interpreter_needed,
                   safety_information=family.safety_information,
                   lead_name=lead.name if lead else "", lead_agency=lead.agency if lead else "",
                   lead_contact=lead.contact if lead else "",
                   intervention_level=family.intervention_level)


def lead_professional(details: HouseholdDetails) -> LeadProfessional | None:
    """None when all three are blank; a name is needed when an agency or contact is given."""
    name = validate_detail(details.lead_name, "The lead professional's name", LEAD_FIELD_LIMIT)
    agency = validate_detail(details.lead_agency, "The lead professional's agency",
                             LEAD_FIELD_LIMIT)
    contact = validate_detail(details.lead_contact, "The lead professional's contact details",
                              LEAD_FIELD_LIMIT)
    if not (name or agency or contact):
        return None
    if not name:
        raise ValidationError("A lead professional needs a name.")
    return LeadProfessional(name=name, agency=agency, contact=contact)


def with_details(family: Family, details: HouseholdDetails) -> Family:
    """The family with these details; raises ValidationError in plain words (nothing kept)."""
    # The form's order: the household's own details are checked before the lead professional.
    household = replace(family, household_name=details.household_name,
                        postcode=details.postcode, address=details.address,
                        phone=details.phone, preferred_language=details.preferred_language,
                        interpreter_needed=bool(details.interpreter_needed),
                        safety_information=details.safety_information,
                        intervention_level=details.intervention_level)
    return replace(household, lead_professional=lead_professional(details))


def update_household_details(store: CaseloadStore, family_id: str,
                             details: HouseholdDetails) -> Family:
    """Save the details in one unit of work (audited: which fields changed, never values)."""
    with store.unit_of_work() as uow:
        row = family_by_id(uow.session, family_id)
        updated = with_details(family_from_row(row), details)
        uow.update(row, family_values(updated))
        return updated
