"""Claim rules as data: needs met, outcomes sustained, claim ready."""

from datetime import date

import pytest

from familyworker.domain.claims import (
    Claim,
    ClaimRules,
    RuleKind,
    assess_claim,
    household_is_eligible,
    sustainability_review_due,
)
from familyworker.domain.errors import ValidationError
from familyworker.domain.outcome import Outcome
from familyworker.resources import load_json
from familyworker.services.programme import default_framework

RULES = ClaimRules.from_dict(load_json("criteria", "claim_rules.json"))
ALL = RULES.rule("all-needs-sustained")
SOME = RULES.rule("significant-and-sustained")


def outcome(key: str, achieved: date) -> Outcome:
    return Outcome(id=f"o-{key}-{achieved}", family_id="f", criterion_key=key,
                   achieved_on=achieved, evidence="School data")


def test_shipped_rules_default_to_all_needs_sustained_for_six_months() -> None:
    assert RULES.rule().key == "all-needs-sustained"
    assert ALL.kind is RuleKind.ALL_NEEDS_SUSTAINED and ALL.sustained_months == 6
    assert SOME.kind is RuleKind.MIN_NEEDS_SUSTAINED and SOME.min_sustained == 3
    assert RULES.sustainability_review_months == 6


def test_sustained_only_after_the_whole_period() -> None:
    needs = ["education", "housing", "health"]
    outcomes = [outcome("education", date(2026, 1, 31)), outcome("housing", date(2026, 2, 10))]
    on_eve = assess_claim(ALL, needs=needs, outcomes=outcomes, eligible=True,
                          on=date(2026, 7, 30))
    first = on_eve.needs[0]
    assert first.criterion_key == "education" and first.achieved
    # 31 January + 6 months is 31 July: not sustained the day before.
    assert first.sustained_from == date(2026, 7, 31) and not first.sustained
    on_day = assess_claim(ALL, needs=needs, outcomes=outcomes, eligible=True,
                          on=date(2026, 7, 31))
    assert on_day.needs[0].sustained and not on_day.needs[1].sustained
    assert (on_day.achieved_count, on_day.sustained_count) == (2, 1)
    assert not on_day.ready
    assert on_day.reasons_not_ready == (
        "2 of 3 needs have no outcome sustained for 6 months yet.",)


def test_all_needs_rule_ready_when_every_need_sustained_and_eligible() -> None:
    needs = ["education", "housing", "health"]
    outcomes = [outcome(k, date(2025, 12, 1)) for k in needs]
    ready = assess_claim(ALL, needs=needs, outcomes=outcomes, eligible=True, on=date(2026, 6, 1))
    assert ready.ready and ready.state == "ready"
    not_eligible = assess_claim(ALL, needs=needs, outcomes=outcomes, eligible=False,
                                on=date(2026, 6, 1))
    assert not not_eligible.ready
    assert "eligibility" in not_eligible.reasons_not_ready[0]
    claim = Claim(id="c", family_id="f", claimed_on=date(2026, 6, 2),
                  claim_reference=" SF-2026-001 ", rule_key=ALL.key)
    claimed = assess_claim(ALL, needs=needs, outcomes=outcomes, eligible=True,
                           on=date(2026, 6, 2), claim=claim)
    assert claimed.state == "claimed" and claim.claim_reference == "SF-2026-001"


def test_min_needs_rule_counts_sustained_identified_needs_only() -> None:
    needs = ["education", "housing", "health", "crime"]
    early = date(2025, 1, 1)
    # crime not sustained yet; an outcome on a criterion never identified does not count.
    outcomes = [outcome("education", early), outcome("housing", early),
                outcome("crime", date(2026, 5, 1)), outcome("domestic-abuse", early)]
    result = assess_claim(SOME, needs=needs, outcomes=outcomes, eligible=True,
                          on=date(2026, 6, 1))
    assert result.sustained_count == 2 and not result.ready
    extra = [n for n in result.needs if not n.identified]
    assert [n.criterion_key for n in extra] == ["domestic-abuse"]
    outcomes.append(outcome("health", early))
    assert assess_claim(SOME, needs=needs, outcomes=outcomes, eligible=True,
                        on=date(2026, 6, 1)).ready
    # The all-needs rule still waits for crime.
    assert not assess_claim(ALL, needs=needs, outcomes=outcomes, eligible=True,
                            on=date(2026, 6, 1)).ready


def test_earliest_outcome_per_criterion_counts() -> None:
    result = assess_claim(ALL, needs=["education"], outcomes=[
        outcome("education", date(2026, 3, 1)), outcome("education", date(2025, 1, 1))],
        eligible=True, on=date(2025, 7, 1))
    assert result.needs[0].achieved_on == date(2025, 1, 1) and result.needs[0].sustained


def test_no_needs_is_never_ready() -> None:
    result = assess_claim(ALL, needs=[], outcomes=[], eligible=True, on=date(2026, 1, 1))
    assert not result.ready and "No needs" in result.reasons_not_ready[0]


def test_bad_rules_and_claims_are_refused() -> None:
    with pytest.raises(ValidationError, match="malformed"):
        ClaimRules.from_dict({"default": "x", "rules": [{"key": "x", "name": "X",
                                                          "kind": "whatever"}]})
    with pytest.raises(ValidationError, match="not a known claim rule"):
        ClaimRules.from_dict({"default": "y", "rules": [{"key": "x", "name": "X",
                                                          "kind": "all-needs-sustained"}]})
    with pytest.raises(ValidationError, match="min_sustained"):
        ClaimRules.from_dict({"default": "x", "rules": [{"key": "x", "name": "X",
                                                          "kind": "min-needs-sustained"}]})
    with pytest.raises(ValidationError, match="claim reference"):
        Claim(id="c", family_id="f", claimed_on=date(2026, 1, 1), claim_reference="  ",
              rule_key="x")


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
    assert sustainability_review_due(date(2026, 8, 31), RULES) == date(2027, 2, 28)
