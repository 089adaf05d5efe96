"""Safeguarding concerns and decisions: validation, state in words, implied flags."""

from datetime import UTC, date, datetime, timedelta

import pytest

from familyworker.domain.errors import ValidationError
from familyworker.domain.person import PersonFlag
from familyworker.domain.safeguarding import (
    AWAITING_DECISION,
    Concern,
    ConcernDecision,
    ConcernOutcome,
    Decision,
    history_of,
)

AT = datetime(2024, 6, 3, 10, 30, tzinfo=UTC)


def _concern(**extra: object) -> Concern:
    values: dict[str, object] = {"id": "c1", "family_id": "f1", "raised_at": AT,
                                 "seen_or_heard": "  Bruise on the arm  "}
    values.update(extra)
    return Concern(**values)  # type: ignore[arg-type]


def _decision(decision: Decision = Decision.REFERRAL_TO_SOCIAL_CARE, *,
              at: datetime = AT, id: str = "d1", **extra: object) -> ConcernDecision:
    values: dict[str, object] = {"id": id, "family_id": "f1", "concern_id": "c1",
                                 "decided_at": at, "decision": decision}
    if decision is Decision.REFERRAL_TO_SOCIAL_CARE:
        values["referral_to"] = "MASH"
    values.update(extra)
    return ConcernDecision(**values)  # type: ignore[arg-type]


def test_a_concern_needs_what_was_seen_or_heard() -> None:
    assert _concern().seen_or_heard == "Bruise on the arm"
    with pytest.raises(ValidationError, match="seen or heard is needed"):
        _concern(seen_or_heard="   ")
    with pytest.raises(ValidationError, match="control characters"):
        _concern(immediate_action="rang\x00")


def test_referral_details_belong_to_a_referral_only() -> None:
    with pytest.raises(ValidationError, match="only given for a referral"):
        _decision(Decision.NO_FURTHER_ACTION, referral_to="MASH")
    with pytest.raises(ValidationError, match="who the referral went to"):
        _decision(referral_to="")
    with pytest.raises(ValidationError, match="after the decision"):
        _decision(referral_on=AT.date() + timedelta(days=1))


def test_an_outcome_needs_its_date_and_no_outcome_has_none() -> None:
    with pytest.raises(ValidationError, match="date of the outcome"):
        _decision(outcome=ConcernOutcome.CHILD_IN_NEED)
    with pytest.raises(ValidationError, match="no outcome"):
        _decision(outcome_on=date(2024, 6, 1))
    with pytest.raises(ValidationError, match="before the referral"):
        _decision(referral_on=date(2024, 6, 2), outcome=ConcernOutcome.EARLY_HELP,
                  outcome_on=date(2024, 6, 1))


@pytest.mark.parametrize(("outcome", "flag"), [
    (ConcernOutcome.CHILD_IN_NEED, PersonFlag.CHILD_IN_NEED),
    (ConcernOutcome.CHILD_PROTECTION_PLAN, PersonFlag.CHILD_PROTECTION_PLAN),
    (ConcernOutcome.LOOKED_AFTER, PersonFlag.LOOKED_AFTER),
    (ConcernOutcome.EARLY_HELP, None), (ConcernOutcome.NO_FURTHER_ACTION, None),
    (ConcernOutcome.NONE_YET, None)])
def test_which_outcomes_imply_a_person_flag(outcome: ConcernOutcome,
                                            flag: PersonFlag | None) -> None:
    assert outcome.implied_flag is flag


def test_the_latest_decision_is_the_state_and_none_is_awaiting() -> None:
    concern = _concern()
    assert history_of(concern, []).awaiting_decision
    assert history_of(concern, []).state() == AWAITING_DECISION
    first = _decision(id="d1")
    later = _decision(id="d2", at=AT + timedelta(days=20), referral_on=date(2024, 6, 3),
                      outcome=ConcernOutcome.CHILD_IN_NEED, outcome_on=date(2024, 6, 20))
    other = _decision(Decision.NO_FURTHER_ACTION, id="d3", concern_id="c2")
    history = history_of(concern, [later, other, first])
    assert [d.id for d in history.decisions] == ["d1", "d2"]
    assert not history.awaiting_decision
    assert history.state() == "Referral to children's social care (MASH) — Child in need"
    assert _decision(Decision.NO_FURTHER_ACTION).state() == "No further action"
    assert all(d.label for d in Decision) and all(o.label for o in ConcernOutcome)
