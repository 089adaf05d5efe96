"""Household members' flags with their dates: through the store, into the outbox, and the
families a supervisor's views call out."""

from datetime import date, timedelta

import pytest
from sqlmodel import select
from tests.services.test_services import assert_nothing_written, assert_writes

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.person import PersonFlag
from familyworker.services import families, stars
from familyworker.services.family_file import load_family_file
from familyworker.services.flagged_families import (
    STATUTORY_FLAGS,
    families_with_flagged_members,
)
from familyworker.services.new_family import NewFamily, create_family
from familyworker.services.people import set_member_flags
from familyworker.services.programme import default_star_template
from familyworker.services.queries import get_live
from familyworker.services.star_subjects import FORMER_MEMBER, star_subjects
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import OutboxRow, PersonRow


def new_family(store: CaseloadStore, reference: str) -> str:
    return create_family(store, NewFamily(reference=reference, household_name="Example",
                                          postcode="LS1 4AB")).id


@pytest.fixture
def family_id(store: CaseloadStore) -> str:
    return new_family(store, "FAM-1")


def test_flags_and_their_dates_round_trip_and_sync(store: CaseloadStore, family_id: str) -> None:
    person = families.add_person(store, family_id, name="Jo Example", relationship="mum")
    changed = assert_writes(store, lambda: families.update_person(
        store, person.id, relationship="Mum",
        flags={PersonFlag.EXPECTANT_PARENT: date(2026, 3, 1), "young-carer": None}),
        tables={"person"})
    assert changed == ["flag_since", "flags", "relationship"]
    (saved,) = load_family_file(store, family_id=family_id).members
    assert saved.relationship == "Mum"
    assert saved.flags == (PersonFlag.EXPECTANT_PARENT, PersonFlag.YOUNG_CARER)
    assert saved.since(PersonFlag.EXPECTANT_PARENT) == date(2026, 3, 1)
    assert saved.since(PersonFlag.YOUNG_CARER) is None
    with store.read() as session:
        change = session.exec(select(OutboxRow).where(OutboxRow.row_id == person.id)
                              .order_by(OutboxRow.seq)).all()[-1]
    assert change.table_name == "person" and change.kind == "update"
    values = change.fields
    assert values["flags"] == ["expectant-parent", "young-carer"]
    assert values["flag_since"] == {"expectant-parent": "2026-03-01"}

    # Replacing: a flag left out is cleared, and its date goes with it.
    assert families.update_person(store, person.id, flags={}) == ["flag_since", "flags"]
    (cleared,) = load_family_file(store, family_id=family_id).members
    assert cleared.flags == () and cleared.flag_since == ()
    # Details alone leave the flags as they were.
    families.update_person(store, person.id, flags={"child-in-need": date(2025, 1, 2)})
    assert families.update_person(store, person.id, school_setting="Home") == ["school_setting"]
    (kept,) = load_family_file(store, family_id=family_id).members
    assert kept.since(PersonFlag.CHILD_IN_NEED) == date(2025, 1, 2)


def test_bad_flags_and_fields_are_refused_whole(store: CaseloadStore, family_id: str) -> None:
    person = families.add_person(store, family_id, name="Jo Example")
    with pytest.raises(ValidationError) as unknown:
        families.update_person(store, person.id, flags={"pregnant": None})
    assert str(unknown.value) == (
        "'pregnant' is not a flag; the flags are: " + ", ".join(f.value for f in PersonFlag)
        + ".")
    tomorrow = date.today() + timedelta(days=1)
    assert_nothing_written(store, lambda: families.update_person(
        store, person.id, name="Changed", flags={PersonFlag.LOOKED_AFTER: tomorrow}),
        ValidationError)
    assert_nothing_written(store, lambda: families.update_person(
        store, person.id, family_id="elsewhere"), ValidationError)
    assert_nothing_written(store, lambda: families.update_person(store, person.id, name=" "),
                           ValidationError)


def test_families_with_a_statutory_flag(store: CaseloadStore, family_id: str) -> None:
    other = new_family(store, "FAM-2")
    closed = new_family(store, "FAM-3")
    quiet = new_family(store, "FAM-4")
    child = families.add_person(store, family_id, name="Sam")
    sibling = families.add_person(store, family_id, name="Alex")
    families.update_person(store, child.id, flags={"child-protection-plan": date(2026, 1, 5),
                                                   "young-carer": None})
    families.update_person(store, sibling.id, flags={"child-in-need": None})
    looked_after = families.add_person(store, other, name="Lee")
    families.update_person(store, looked_after.id, flags={"looked-after": date(2025, 9, 1)})
    gone = families.add_person(store, closed, name="Kit")
    families.update_person(store, gone.id, flags={"child-in-need": None})
    families.change_status(store, closed, FamilyStatus.CLOSED,
                           reason=ClosureReason.OUTCOMES_ACHIEVED)
    carer = families.add_person(store, quiet, name="Ash")
    families.update_person(store, carer.id, flags={"young-carer": None})

    found = families_with_flagged_members(store)
    assert [f.reference for f in found] == ["FAM-1", "FAM-2"]
    first = found[0]
    assert [(m.name, m.flag, m.since) for m in first.members] == [
        ("Sam", PersonFlag.CHILD_PROTECTION_PLAN, date(2026, 1, 5)),
        ("Alex", PersonFlag.CHILD_IN_NEED, None)]
    assert first.flags == {PersonFlag.CHILD_PROTECTION_PLAN, PersonFlag.CHILD_IN_NEED}
    assert found[1].members[0].flag is PersonFlag.LOOKED_AFTER
    assert set(STATUTORY_FLAGS).isdisjoint({PersonFlag.YOUNG_CARER})

    with_closed = families_with_flagged_members(store, active_only=False)
    assert [f.reference for f in with_closed] == ["FAM-1", "FAM-2", "FAM-3"]
    carers = families_with_flagged_members(store, flags=[PersonFlag.YOUNG_CARER])
    assert [(f.reference, len(f.members)) for f in carers] == [("FAM-1", 1), ("FAM-4", 1)]


def test_stars_per_person_and_each_distance(store: CaseloadStore, family_id: str) -> None:
    template = default_star_template()
    mum = families.add_person(store, family_id, name="Jo", date_of_birth=date(1990, 1, 1))
    son = families.add_person(store, family_id, name="Sam", date_of_birth=date(2015, 1, 1))

    def scored(value: int, on: date, person_id: str | None = None) -> None:
        stars.score_star(store, family_id=family_id, person_id=person_id, assessed_on=on,
                         scores=dict.fromkeys(template.domain_keys(), value))

    scored(3, date(2026, 1, 5))
    scored(6, date(2026, 4, 5))
    scored(2, date(2026, 2, 1), mum.id)
    scored(5, date(2026, 3, 1), mum.id)
    scored(9, date(2026, 5, 1), mum.id)
    subjects = star_subjects(load_family_file(store, family_id=family_id), template)
    assert [(s.name, s.person_id, len(s.stars)) for s in subjects] == [
        ("Whole family", None, 2), ("Jo", mum.id, 3), ("Sam", son.id, 0)]
    whole, jo, sam = subjects
    assert whole.distance is not None and whole.distance.average_change == 3
    assert jo.distance is not None and jo.distance.average_change == 7
    assert (jo.distance.first_on, jo.distance.latest_on) == (date(2026, 2, 1), date(2026, 5, 1))
    assert sam.distance is None

    # A member who has left still has their stars, under a neutral name.
    with store.unit_of_work() as uow:
        uow.delete(get_live(uow.session, PersonRow, son.id, "person"))
    scored_for_gone = families.add_person(store, family_id, name="Lee")
    scored(4, date(2026, 6, 1), scored_for_gone.id)
    with store.unit_of_work() as uow:
        uow.delete(get_live(uow.session, PersonRow, scored_for_gone.id, "person"))
    names = [s.name for s in star_subjects(load_family_file(store, family_id=family_id),
                                           template)]
    assert names == ["Whole family", "Jo", FORMER_MEMBER]


def test_a_star_for_someone_outside_the_household_is_refused(store: CaseloadStore,
                                                            family_id: str) -> None:
    other = new_family(store, "FAM-2")
    stranger = families.add_person(store, other, name="Kit")
    scores = dict.fromkeys(default_star_template().domain_keys(), 5)
    assert_nothing_written(store, lambda: stars.score_star(
        store, family_id=family_id, scores=scores, person_id=stranger.id), ValidationError)
    saved = stars.score_star(store, family_id=other, scores=scores, person_id=stranger.id)
    (loaded,) = load_family_file(store, family_id=other).stars
    assert loaded.person_id == stranger.id == saved.person_id


def test_set_member_flags_by_name(store: CaseloadStore, family_id: str) -> None:
    families.add_person(store, family_id, name="Jo  Example")
    saved = set_member_flags(store, reference="fam-1", name="jo example",
                             flags={"looked-after": date(2025, 5, 6)})
    assert saved.since(PersonFlag.LOOKED_AFTER) == date(2025, 5, 6)
    (person,) = load_family_file(store, family_id=family_id).members
    assert person.flags == (PersonFlag.LOOKED_AFTER,)
    families.add_person(store, family_id, name="Jo Example")
    with pytest.raises(ValidationError, match="More than one member"):
        set_member_flags(store, reference="FAM-1", name="Jo Example", flags={})
    with pytest.raises(ValidationError) as missing:
        set_member_flags(store, reference="FAM-1", name="Kim", flags={})
    assert "Kim" not in str(missing.value)
