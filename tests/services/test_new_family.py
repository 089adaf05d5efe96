"""Adding a family typed in by the worker: all field problems at once, nothing half-saved."""

from datetime import date

import pytest

from familyworker.domain.family import FamilyStatus
from familyworker.services.caseload import list_caseload
from familyworker.services.family_file import load_family_file
from familyworker.services.new_family import (
    FamilyFieldErrors,
    NewFamily,
    NewMember,
    create_family,
    field_errors,
)
from familyworker.store.caseload_store import CaseloadStore


def test_every_bad_field_is_reported_together() -> None:
    errors = field_errors(NewFamily(reference="!", household_name=" ", postcode="NOT A CODE",
                                    status=FamilyStatus.CLOSED,
                                    first_member=NewMember(name="")))
    assert set(errors) == {"reference", "household_name", "postcode", "status", "member"}
    assert "UK postcode" in errors["postcode"]
    assert field_errors(NewFamily(reference="fam-1", household_name="The Example family",
                                  postcode="ls14ab")) == {}


def test_family_and_first_member_saved_together(store: CaseloadStore) -> None:
    family = create_family(store, NewFamily(
        reference="fam-9001", household_name="The Example family", postcode="ls14ab",
        address="1 Any Street", status=FamilyStatus.OPEN,
        first_member=NewMember(name="Sam Example", relationship="mum",
                               date_of_birth=date(1990, 5, 1))))
    file = load_family_file(store, family_id=family.id)
    assert file.family.reference == "FAM-9001"
    assert file.family.postcode == "LS1 4AB"
    assert file.family.status is FamilyStatus.OPEN and file.family.opened_on is not None
    assert [(m.name, m.relationship) for m in file.members] == [("Sam Example", "mum")]


def test_duplicate_reference_refused_and_nothing_saved(store: CaseloadStore) -> None:
    create_family(store, NewFamily(reference="FAM-1", household_name="First",
                                   postcode="LS1 4AB"))
    with pytest.raises(FamilyFieldErrors) as raised:
        create_family(store, NewFamily(reference="fam-1", household_name="Second",
                                       postcode="LS1 4AB",
                                       first_member=NewMember(name="Someone")))
    assert raised.value.errors == {
        "reference": "The reference FAM-1 is already in this caseload."}
    assert [row.household_name for row in list_caseload(store)] == ["First"]


def test_future_birth_date_refused(store: CaseloadStore) -> None:
    with pytest.raises(FamilyFieldErrors) as raised:
        create_family(store, NewFamily(reference="FAM-3", household_name="Third",
                                       postcode="LS1 4AB",
                                       first_member=NewMember(name="Baby",
                                                              date_of_birth=date(2999, 1, 1))))
    assert "future" in raised.value.errors["member"]
