"""The consent register's rules: latest statement wins, per agency, on a day; review flags."""

from datetime import date, datetime

import pytest

from familyworker.domain.agency_copy import agency_copy
from familyworker.domain.consent import (
    ConsentDecision,
    ConsentHow,
    ConsentPurpose,
    ConsentStatement,
    at_a_glance,
    check_withdrawal,
    may_share_with,
    may_use_for_data_matching,
    names_person,
)
from familyworker.domain.contact import ContactNote, NoteKind
from familyworker.domain.errors import ValidationError
from familyworker.domain.person import Person

SHARE = ConsentPurpose.SHARE_WITH_AGENCY
_count = iter(range(1, 1000))


def _said(person: str, decision: str, on: date, *, purpose: ConsentPurpose = SHARE,
          agency: str = "Riverside School", review_on: date | None = None
          ) -> ConsentStatement:
    return ConsentStatement(
        id=f"id-{next(_count):04d}", family_id="f", person_id=person, purpose=purpose,
        decision=ConsentDecision(decision), stated_on=on, how=ConsentHow.WRITTEN,
        agency=agency if purpose is SHARE else "", review_on=review_on)


def test_sharing_needs_the_latest_statement_for_that_agency_to_be_consent_given() -> None:
    register = [_said("ann", "given", date(2025, 1, 10)),
                _said("ann", "withdrawn", date(2025, 3, 1)),
                _said("bob", "refused", date(2025, 1, 10))]
    assert may_share_with(register, "ann", "riverside  SCHOOL", date(2025, 2, 1))
    assert not may_share_with(register, "ann", "Riverside School", date(2025, 3, 1))
    assert not may_share_with(register, "ann", "Riverside School", date(2025, 1, 9))
    assert not may_share_with(register, "bob", "Riverside School", date(2025, 6, 1))
    assert not may_share_with(register, "cat", "Riverside School", date(2025, 6, 1))
    assert not may_share_with(register, "ann", "Health visiting", date(2025, 2, 1))
    with pytest.raises(ValidationError):
        may_share_with(register, "ann", "  ", date(2025, 2, 1))


def test_given_again_after_a_withdrawal_is_consent_again_and_data_matching_is_separate(
        ) -> None:
    register = [_said("ann", "given", date(2025, 1, 10)),
                _said("ann", "withdrawn", date(2025, 3, 1)),
                _said("ann", "given", date(2025, 3, 1)),
                _said("ann", "given", date(2025, 1, 1), purpose=ConsentPurpose.DATA_MATCHING)]
    assert may_share_with(register, "ann", "Riverside School", date(2025, 3, 2))
    assert may_use_for_data_matching(register, "ann", date(2025, 1, 1))
    assert not may_use_for_data_matching(register, "bob", date(2025, 1, 1))
    assert not may_share_with([register[-1]], "ann", "Riverside School", date(2025, 3, 2))


def test_a_statement_is_checked_as_it_is_made() -> None:
    with pytest.raises(ValidationError, match="which agency"):
        _said("ann", "given", date(2025, 1, 1), agency="")
    with pytest.raises(ValidationError, match="only for consent to share"):
        ConsentStatement(id="x", family_id="f", person_id="ann",
                         purpose=ConsentPurpose.PHOTOGRAPHS, decision=ConsentDecision.GIVEN,
                         stated_on=date(2025, 1, 1), how=ConsentHow.VERBAL, agency="School")
    with pytest.raises(ValidationError, match="after"):
        _said("ann", "given", date(2025, 1, 1), review_on=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="Only consent that is given"):
        _said("ann", "refused", date(2025, 1, 1), review_on=date(2025, 6, 1))


def test_only_consent_given_can_be_withdrawn_and_not_before_it_was_given() -> None:
    given = _said("ann", "given", date(2025, 1, 10))
    refused = _said("bob", "refused", date(2025, 1, 10))
    assert check_withdrawal([given], given.key, date(2025, 2, 1)) == given
    with pytest.raises(ValidationError, match="no consent given"):
        check_withdrawal([refused], refused.key, date(2025, 2, 1))
    with pytest.raises(ValidationError, match="before the day"):
        check_withdrawal([given], given.key, date(2025, 1, 9))


def test_at_a_glance_counts_people_withdrawn_and_due_for_review() -> None:
    register = [_said("ann", "given", date(2025, 1, 1), review_on=date(2025, 7, 1)),
                _said("bob", "given", date(2025, 1, 1)),
                _said("cat", "given", date(2025, 1, 1)),
                _said("cat", "withdrawn", date(2025, 2, 1)),
                _said("gone", "given", date(2025, 1, 1))]  # no longer a member
    glance = at_a_glance(["ann", "bob", "cat", "dan"], register, date(2025, 7, 1))
    assert glance.in_words() == "Consent: 2 of 4 people · 1 withdrawn · 1 due for review"
    assert at_a_glance(["ann", "bob", "cat", "dan"], register,
                       date(2025, 6, 30)).in_words() == "Consent: 2 of 4 people · 1 withdrawn"
    assert at_a_glance(["dan"], register, date(2025, 7, 1)).in_words() == \
        "Consent: none recorded"


def test_names_are_found_as_whole_words_ignoring_case() -> None:
    assert names_person("Saw kim at school", "Kim Lee")
    assert names_person("KIM LEE was there", "Kim Lee")
    assert not names_person("Kimberley was there", "Kim Lee")
    assert not names_person("Mr Lee was there", "Kim Lee")  # a surname alone is not found


def test_an_agency_copy_withholds_people_without_consent_and_never_names_them() -> None:
    ann = Person(id="ann", family_id="f", name="Ann Bell")
    bob = Person(id="bob", family_id="f", name="Bob Bell")
    register = [_said("ann", "given", date(2025, 1, 1)),
                _said("bob", "given", date(2025, 1, 1)),
                _said("bob", "withdrawn", date(2025, 2, 1))]
    copy = agency_copy("Riverside School", [ann, bob], register, date(2025, 3, 1))
    assert copy.withheld == (bob,)
    with_bob = ContactNote(id="n1", family_id="f", kind=NoteKind.HOME_VISIT,
                           occurred_at=datetime(2025, 1, 1),
                           narrative="Talked with Ann.", present=("Bob Bell",))
    about_ann = ContactNote(id="n2", family_id="f", kind=NoteKind.HOME_VISIT,
                            occurred_at=datetime(2025, 1, 1),
                            narrative="Ann is doing well.")
    assert copy.leaves_out_note(with_bob, [])
    assert not copy.leaves_out_note(about_ann, [])
    line = copy.line(1)
    assert "1 person" in line and "1 entry" in line and "Bob" not in line
    everyone = agency_copy("Riverside School", [ann], register, date(2025, 3, 1))
    assert "Everyone in the household" in everyone.line(0)


def test_data_matching_refused_is_only_a_refusal_or_a_withdrawal() -> None:
    from datetime import date as _date

    from familyworker.domain.consent import (
        ConsentDecision,
        ConsentHow,
        ConsentPurpose,
        ConsentStatement,
        data_matching_refused,
        may_use_for_data_matching,
    )

    def said(decision: ConsentDecision, day: int) -> ConsentStatement:
        return ConsentStatement(id=f"s{day}", family_id="f", person_id="p",
                                purpose=ConsentPurpose.DATA_MATCHING, decision=decision,
                                how=ConsentHow.VERBAL, stated_on=_date(2026, 5, day))

    # Never asked: not refused (the pack shows them), but not consent either.
    assert not data_matching_refused([], "p")
    assert not may_use_for_data_matching([], "p", _date(2026, 6, 1))
    given, withdrawn = said(ConsentDecision.GIVEN, 1), said(ConsentDecision.WITHDRAWN, 9)
    assert not data_matching_refused([given], "p")
    assert data_matching_refused([given, withdrawn], "p")
    assert not data_matching_refused([given, withdrawn], "p", _date(2026, 5, 5))  # not yet
    assert data_matching_refused([said(ConsentDecision.REFUSED, 2)], "p")
