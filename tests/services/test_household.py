"""Agencies and criteria services, and the eligibility rule in words."""

from datetime import date

import pytest

from familyworker.domain.criteria import FamilyCriterion
from familyworker.domain.errors import ValidationError
from familyworker.domain.person import Person, PersonFlag
from familyworker.services import household
from familyworker.services.family_file import load_family_file
from familyworker.services.new_family import NewFamily, create_family
from familyworker.services.programme import default_framework
from familyworker.store.caseload_store import CaseloadStore

TODAY = date(2026, 6, 1)


def need(key: str) -> FamilyCriterion:
    return FamilyCriterion(id=key, family_id="f", criterion_key=key)


def test_eligibility_needs_enough_needs_and_a_child() -> None:
    framework = default_framework()
    child = Person(id="c", family_id="f", name="Child", date_of_birth=date(2018, 1, 1))
    adult = Person(id="a", family_id="f", name="Adult", date_of_birth=date(1980, 1, 1))
    three = [need("housing"), need("health"), need("education")]
    assert household.eligibility(framework, three, [adult, child], on=TODAY).eligible
    no_child = household.eligibility(framework, three, [adult], on=TODAY)
    assert not no_child.eligible
    assert no_child.in_words("SF") == ("Not yet eligible for SF: ✔ 3 headline needs (at least 3 "
                                       "needed); dependent child or expectant parent: ✘ no.")
    expectant = Person(id="e", family_id="f", name="Parent",
                       flags=(PersonFlag.EXPECTANT_PARENT,))
    assert household.eligibility(framework, three, [expectant], on=TODAY).eligible
    two = household.eligibility(framework, three[:2], [child], on=TODAY)
    assert not two.eligible and "✘ 2 headline needs" in two.in_words("SF")


@pytest.fixture
def family_id(store: CaseloadStore) -> str:
    return create_family(store, NewFamily(reference="FAM-1", household_name="Example",
                                          postcode="LS1 4AB")).id


def test_save_needs_adds_updates_and_removes(store: CaseloadStore, family_id: str) -> None:
    change = household.NeedChange
    assert household.save_needs(store, family_id, [
        change("housing", True, "Eviction notice", date(2026, 1, 2)),
        change("health", True, "GP letter")]) == 2
    assert household.save_needs(store, family_id, [
        change("housing", True, "Eviction notice seen", date(2026, 1, 2)),
        change("health", False)]) == 2
    needs = load_family_file(store, family_id=family_id).needs
    assert [(n.criterion_key, n.evidence) for n in needs] == [
        ("housing", "Eviction notice seen")]
    assert household.save_needs(store, family_id, [
        change("housing", True, "Eviction notice seen", date(2026, 1, 2))]) == 0


def test_unknown_or_future_need_refused_whole(store: CaseloadStore, family_id: str) -> None:
    change = household.NeedChange
    with pytest.raises(ValidationError):
        household.save_needs(store, family_id, [change("housing", True),
                                                change("not-a-criterion", True)])
    with pytest.raises(ValidationError, match="future"):
        household.save_needs(store, family_id, [change("housing", True, "",
                                                       date(2999, 1, 1))])
    assert load_family_file(store, family_id=family_id).needs == ()


def test_agency_added_then_ended(store: CaseloadStore, family_id: str) -> None:
    added = household.add_agency(store, family_id, agency=" School ", contact="Office",
                                 from_date=date(2026, 1, 1))
    assert household.update_agency(store, added.id, to_date=date(2026, 3, 1)) == ["to_date"]
    with pytest.raises(ValidationError, match="end before it starts"):
        household.update_agency(store, added.id, to_date=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="cannot be changed"):
        household.update_agency(store, added.id, family_id="other")
    (agency,) = load_family_file(store, family_id=family_id).agencies
    assert (agency.agency, agency.contact, str(agency.to_date)) == ("School", "Office",
                                                                    "2026-03-01")
