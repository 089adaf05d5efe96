"""Case status moves with their words, and household and safety details, over a real caseload."""

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select
from tests.conftest import CANARY

from familyworker.domain.errors import InvalidTransition, ValidationError
from familyworker.domain.family import ClosureReason, FamilyStatus, LeadProfessional
from familyworker.services import families
from familyworker.services.case_status import (
    allowed_moves,
    family_id_of,
    review_booked_for,
    set_status,
    status_in_words,
)
from familyworker.services.family_file import load_family_file
from familyworker.services.household_details import (
    HouseholdDetails,
    update_household_details,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow, OutboxRow

TODAY = date(2026, 3, 20)


@pytest.fixture
def family_id(store: CaseloadStore) -> str:
    family = families.add_family(store, reference="FAM-0042", household_name=CANARY,
                                 postcode="LS1 4AB", referred_on=date(2026, 2, 1))
    return family.id


def _audit_details(store: CaseloadStore) -> list[str]:
    with store.read() as session:
        return [f"{a.action} {a.entity} {a.detail}"
                for a in session.exec(select(AuditEventRow)).all()]


def _outbox_count(store: CaseloadStore) -> int:
    with store.read() as session:
        return len(session.exec(select(OutboxRow)).all())


def _family_updates(store: CaseloadStore) -> list[OutboxRow]:
    with store.read() as session:
        return list(session.exec(select(OutboxRow).where(OutboxRow.table_name == "family",
                                                         OutboxRow.kind == "update")).all())


def test_a_case_moves_open_step_down_closed_and_reopens_with_its_words(
        store: CaseloadStore, family_id: str) -> None:
    referred = load_family_file(store, family_id=family_id).family
    assert status_in_words(referred) == "Referred on 1 February 2026"
    opened = set_status(store, family_id, FamilyStatus.OPEN, on=date(2026, 3, 3), today=TODAY)
    assert status_in_words(opened.family) == "Open since 3 March 2026"
    assert opened.review_due is None

    down = set_status(store, family_id, FamilyStatus.STEP_DOWN, on=date(2026, 3, 10),
                      note="School pastoral team", today=TODAY)
    assert status_in_words(down.family) == \
        "Stepped down to: School pastoral team since 10 March 2026"

    closed = set_status(store, family_id, FamilyStatus.CLOSED, on=date(2026, 3, 12),
                        reason=ClosureReason.OUTCOMES_ACHIEVED, today=TODAY)
    assert closed.review_due == date(2026, 9, 12) == review_booked_for(date(2026, 3, 12))
    assert status_in_words(closed.family, closed.review_due) == \
        "Closed (Outcomes achieved) on 12 March 2026; 6-month review due 12 September 2026"
    file = load_family_file(store, family_id=family_id)
    assert file.sustainability_review_due == date(2026, 9, 12)

    reopened = set_status(store, family_id, FamilyStatus.OPEN, on=date(2026, 3, 19),
                          note="New concerns from school", today=TODAY)
    assert reopened.family.status_reason == "New concerns from school"
    assert status_in_words(reopened.family) == \
        "Open since 19 March 2026 (why: New concerns from school)"
    # Reopening clears the review the closure booked.
    assert load_family_file(store, family_id=family_id).sustainability_review_due is None


def test_step_up_needs_why_and_an_other_closure_keeps_more_words(
        store: CaseloadStore, family_id: str) -> None:
    before = _outbox_count(store)
    with pytest.raises(ValidationError, match="needs the reason"):
        set_status(store, family_id, FamilyStatus.STEP_UP, on=TODAY, today=TODAY)
    assert _outbox_count(store) == before  # nothing written

    up = set_status(store, family_id, FamilyStatus.STEP_UP, on=TODAY,
                    note="Disclosure at school", today=TODAY)
    assert status_in_words(up.family) == \
        "Stepped up to social care since 20 March 2026 (why: Disclosure at school)"
    assert allowed_moves(FamilyStatus.STEP_UP) == [FamilyStatus.OPEN, FamilyStatus.CLOSED]

    closed = set_status(store, family_id, FamilyStatus.CLOSED, on=TODAY,
                        reason=ClosureReason.OTHER, note="Family emigrated", today=TODAY)
    assert status_in_words(closed.family, closed.review_due).startswith(
        "Closed (Other reason: Family emigrated) on 20 March 2026; 6-month review due")


def test_refusals_are_plain_and_change_nothing(store: CaseloadStore, family_id: str) -> None:
    set_status(store, family_id, FamilyStatus.CLOSED, on=TODAY,
               reason=ClosureReason.DECLINED, today=TODAY)
    before = _outbox_count(store)
    with pytest.raises(InvalidTransition, match="A case that is closed cannot move to "
                                                "step-down"):
        set_status(store, family_id, FamilyStatus.STEP_DOWN, note="School", today=TODAY)
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        set_status(store, family_id, FamilyStatus.OPEN, on=date(2026, 3, 21), today=TODAY)
    assert _outbox_count(store) == before
    assert family_id_of(store, "fam-0042") == family_id


def test_household_details_are_saved_in_one_audited_write_without_values(
        store: CaseloadStore, family_id: str) -> None:
    details = HouseholdDetails(
        household_name=CANARY, postcode="ls27 9xy", address="4 Mill Lane", phone="0113 496 0000",
        preferred_language="Polish", interpreter_needed=True,
        safety_information="Dog; ring before visiting", lead_name="Sam Health",
        lead_agency="Health visiting", lead_contact="0113 496 0999")
    saved = update_household_details(store, family_id, details)
    assert saved.postcode == "LS27 9XY"
    family = load_family_file(store, family_id=family_id).family
    assert (family.phone, family.preferred_language, family.interpreter_needed,
            family.safety_information) == ("0113 496 0000", "Polish", True,
                                           "Dog; ring before visiting")
    assert family.lead_professional == LeadProfessional("Sam Health", "Health visiting",
                                                        "0113 496 0999")
    queued = _family_updates(store)  # one change queued to sync, of the changed fields
    assert len(queued) == 1 and queued[0].fields["safety_information"] == \
        "Dog; ring before visiting"
    updates = [d for d in _audit_details(store) if d.startswith("update family")]
    assert updates == ["update family fields=address,interpreter_needed,"
                       "lead_professional_agency,lead_professional_contact,"
                       "lead_professional_name,phone,postcode,preferred_language,"
                       "safety_information"]
    assert not any("Dog" in d or CANARY in d for d in _audit_details(store))

    # Clearing the lead professional's three fields removes them.
    # The form opens with what is stored (the postcode as normalised).
    assert HouseholdDetails.of(family) == replace(details, postcode="LS27 9XY")
    update_household_details(store, family_id,
                             HouseholdDetails(household_name=CANARY, postcode="LS27 9XY"))
    assert load_family_file(store, family_id=family_id).family.lead_professional is None


@pytest.mark.parametrize(("change", "message"), [
    ({"postcode": "not a postcode"}, "The postcode is not a UK postcode"),
    ({"household_name": "  "}, "The household name cannot be empty."),
    ({"lead_agency": "Health visiting"}, "A lead professional needs a name."),
    ({"phone": "0" * 41}, "The phone number is longer than 40 characters."),
])
def test_household_details_are_validated_before_anything_is_written(
        store: CaseloadStore, family_id: str, change: dict[str, str], message: str) -> None:
    before = _outbox_count(store)
    fields = {"household_name": CANARY, "postcode": "LS1 4AB"} | change
    with pytest.raises(ValidationError, match=message):
        update_household_details(store, family_id, HouseholdDetails(**fields))  # type: ignore[arg-type]
    assert _outbox_count(store) == before
