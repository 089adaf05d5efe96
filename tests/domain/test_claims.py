"""What stays of the claims domain beside the outcome plan: the claim reference, the
framework's eligibility rule from raw facts, and the 6-month sustainability review date."""

from datetime import date

import pytest

from familyworker.domain.claims import check_claim_reference, household_is_eligible
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import sustainability_review_due
from familyworker.services.programme import default_framework


def test_claim_references_are_checked() -> None:
    assert check_claim_reference("  SF-26-0001 ") == "SF-26-0001"
    with pytest.raises(ValidationError, match="claim reference"):
        check_claim_reference("  ")
    with pytest.raises(ValidationError, match="one line"):
        check_claim_reference("SF\n1")


def test_household_eligibility_from_raw_facts() -> None:
    framework = default_framework()
    on = date(2026, 6, 1)
    three = ["education", "housing", "health"]
    assert household_is_eligible(framework, needs=three,
                                 dates_of_birth=[date(1990, 1, 1), date(2010, 6, 2)],
                                 flags=[[], []], on=on)
    # The child turns 18 on 2 June 2026: still a dependant on 1 June, not on 2 June.
    assert not household_is_eligible(framework, needs=three,
                                     dates_of_birth=[date(1990, 1, 1), date(2008, 6, 2)],
                                     flags=[[], []], on=date(2026, 6, 2))
    assert household_is_eligible(framework, needs=three, dates_of_birth=[date(1990, 1, 1)],
                                 flags=[["expectant-parent"]], on=on)
    assert not household_is_eligible(framework, needs=three[:2],
                                     dates_of_birth=[date(2015, 1, 1)], flags=[[]], on=on)


def test_review_due_six_months_after_closure() -> None:
    assert sustainability_review_due(date(2026, 8, 31)) == date(2027, 2, 28)
