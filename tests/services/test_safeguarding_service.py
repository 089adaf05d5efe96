"""Safeguarding concerns over a real encrypted caseload: raise, decide, outcome, history."""

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import select

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import FamilyStatus
from familyworker.domain.family_deletion import DeletionReason
from familyworker.domain.person import PersonFlag
from familyworker.domain.safeguarding import ConcernOutcome, Decision
from familyworker.services import families, safeguarding, tasks
from familyworker.services.family_deletion import delete_family
from familyworker.services.my_week import WeekItemKind, my_week
from familyworker.services.team_review import Attention, team_overview
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import person_from_row
from familyworker.store.tables import (
    AuditEventRow,
    ConcernDecisionRow,
    OutboxRow,
    PersonRow,
    SafeguardingConcernRow,
)

TODAY = date(2024, 6, 3)
CANARY = "Zebedee Quillfeather"


def _family(store: CaseloadStore, reference: str = "FAM-0001") -> str:
    return families.add_family(store, reference=reference, household_name="The Example family",
                               postcode="LS1 4AB").id


def _person(store: CaseloadStore, family_id: str) -> PersonRow:
    child = families.add_person(store, family_id, name="Kim", relationship="child",
                                flags=("young-carer",))
    with store.read() as session:
        row = session.get(PersonRow, child.id)
        assert row is not None
        return row


def test_a_concern_is_raised_synced_and_audited_without_its_words(
        store: CaseloadStore) -> None:
    family_id = _family(store)
    concern = safeguarding.raise_concern(
        store, family_id=family_id, seen_or_heard=f"{CANARY} said she was hit",
        immediate_action="Rang the duty social worker")
    assert concern.raised_by == store.worker_id
    [history] = safeguarding.family_concerns(store, family_id)
    assert history.concern.id == concern.id and history.awaiting_decision
    assert history.concern.about_person_id is None  # the whole household
    with store.read() as session:
        queued = session.exec(select(OutboxRow.kind).where(
            OutboxRow.table_name == "safeguarding_concern")).all()
        assert queued == ["append"]
        audit = session.exec(select(AuditEventRow)).all()
        assert any(a.entity == "safeguarding_concern" for a in audit)
        assert not any(CANARY in (a.detail or "") for a in audit)


def test_a_concern_about_someone_outside_the_family_is_refused(store: CaseloadStore) -> None:
    first, second = _family(store), _family(store, "FAM-0002")
    other = _person(store, second)
    with pytest.raises(ValidationError, match="not a member of this family"):
        safeguarding.raise_concern(store, family_id=first, seen_or_heard="Worried",
                                   about_person_id=other.id)
    with pytest.raises(ValidationError, match="seen or heard"):
        safeguarding.raise_concern(store, family_id=first, seen_or_heard=" ")


def test_decision_then_outcome_keeps_history_and_sets_the_childs_flag(
        store: CaseloadStore) -> None:
    family_id = _family(store)
    child = _person(store, family_id)
    concern = safeguarding.raise_concern(store, family_id=family_id,
                                         seen_or_heard="Unexplained bruising",
                                         about_person_id=child.id)
    safeguarding.record_decision(store, concern.id,
                                 decision=Decision.REFERRAL_TO_SOCIAL_CARE,
                                 referral_to="MASH", referral_on=date(2024, 5, 20),
                                 referral_reference="R-77", today=TODAY)
    with store.read() as session:
        person = person_from_row(session.get(PersonRow, child.id))  # type: ignore[arg-type]
        assert PersonFlag.CHILD_PROTECTION_PLAN not in person.flags
    assert safeguarding.awaiting_decision(store) == []
    safeguarding.record_decision(store, concern.id,
                                 decision="referral-to-social-care", referral_to="MASH",
                                 referral_on=date(2024, 5, 20), referral_reference="R-77",
                                 outcome="child-protection-plan",
                                 outcome_on=date(2024, 6, 1), note="Conference held",
                                 today=TODAY)
    [history] = safeguarding.family_concerns(store, family_id)
    assert [d.outcome for d in history.decisions] == [ConcernOutcome.NONE_YET,
                                                      ConcernOutcome.CHILD_PROTECTION_PLAN]
    assert history.state() == ("Referral to children's social care (MASH) — "
                               "Child protection plan")
    with store.read() as session:
        person = person_from_row(session.get(PersonRow, child.id))  # type: ignore[arg-type]
        assert len(session.exec(select(ConcernDecisionRow)).all()) == 2
    assert person.flags == (PersonFlag.CHILD_PROTECTION_PLAN, PersonFlag.YOUNG_CARER)
    assert person.since(PersonFlag.CHILD_PROTECTION_PLAN) == date(2024, 6, 1)


def test_a_household_concerns_outcome_sets_no_flag(store: CaseloadStore) -> None:
    family_id = _family(store)
    child = _person(store, family_id)
    concern = safeguarding.raise_concern(store, family_id=family_id, seen_or_heard="Shouting")
    safeguarding.record_decision(store, concern.id, decision="team-around-the-family",
                                 outcome="child-in-need", outcome_on=TODAY, today=TODAY)
    with store.read() as session:
        person = person_from_row(session.get(PersonRow, child.id))  # type: ignore[arg-type]
    assert person.flags == (PersonFlag.YOUNG_CARER,)


def test_future_dates_and_unknown_choices_are_refused(store: CaseloadStore) -> None:
    family_id = _family(store)
    concern = safeguarding.raise_concern(store, family_id=family_id, seen_or_heard="Worried")
    with pytest.raises(ValidationError, match="future"):
        safeguarding.record_decision(store, concern.id, decision="team-around-the-family",
                                     outcome="early-help", outcome_on=date(2024, 6, 4),
                                     today=TODAY)
    with pytest.raises(ValidationError, match="from the lists"):
        safeguarding.record_decision(store, concern.id, decision="ignore-it", today=TODAY)
    assert [a.concern_id for a in safeguarding.awaiting_decision(store)] == [concern.id]


def test_concerns_and_decisions_cannot_be_edited(store: CaseloadStore) -> None:
    family_id = _family(store)
    concern = safeguarding.raise_concern(store, family_id=family_id, seen_or_heard="Worried")
    safeguarding.record_decision(store, concern.id, decision="no-further-action", today=TODAY)
    with store.unit_of_work() as uow:
        row = uow.session.get(SafeguardingConcernRow, concern.id)
        assert row is not None
        with pytest.raises(ValueError, match="append-only"):
            uow.update(row, {"seen_or_heard": "Something else"})
        decision = uow.session.exec(select(ConcernDecisionRow)).one()
        with pytest.raises(ValueError, match="append-only"):
            uow.update(decision, {"decision": "team-around-the-family"})


def test_awaiting_decision_is_per_family_oldest_first(store: CaseloadStore) -> None:
    first, second = _family(store), _family(store, "FAM-0002")
    a = safeguarding.raise_concern(store, family_id=first, seen_or_heard="One")
    b = safeguarding.raise_concern(store, family_id=second, seen_or_heard="Two")
    decided = safeguarding.raise_concern(store, family_id=second, seen_or_heard="Three")
    safeguarding.record_decision(store, decided.id, decision="no-further-action", today=TODAY)
    assert {x.concern_id for x in safeguarding.awaiting_decision(store)} == {a.id, b.id}
    assert [x.concern_id for x in safeguarding.awaiting_decision(store, [second])] == [b.id]
    assert [h.concern.id for h in safeguarding.family_concerns(store, second)] == [
        decided.id, b.id]


def test_a_concern_awaiting_decision_tops_my_week_and_the_team_view(
        store: CaseloadStore) -> None:
    family_id = _family(store)
    families.change_status(store, family_id, FamilyStatus.OPEN, on=date(2024, 4, 1))
    tasks.add_task(store, family_id=family_id, text="Ring the school",
                   due_on=date(2024, 5, 1))  # overdue: listed on today
    concern = safeguarding.raise_concern(store, family_id=family_id,
                                         seen_or_heard=f"{CANARY} was hurt")
    week = my_week(store, today=TODAY)
    first = week.items[0]
    assert (first.kind, first.day, first.tab) == (WeekItemKind.CONCERN, TODAY, "safeguarding")
    assert week.items[1].overdue and week.items[1].day == TODAY
    assert CANARY not in first.text and "awaiting decision" in first.text
    overview = team_overview(store, now=datetime.combine(TODAY, time(12), UTC))
    assert next(iter(overview.items)) is Attention.CONCERN
    assert len(overview.items) > 1  # the other lists still follow it
    safeguarding.record_decision(store, concern.id, decision="no-further-action", today=TODAY)
    assert WeekItemKind.CONCERN not in {i.kind for i in my_week(store, today=TODAY).items}


def test_a_family_with_a_concern_cannot_be_deleted(store: CaseloadStore) -> None:
    family_id = _family(store)
    safeguarding.raise_concern(store, family_id=family_id, seen_or_heard="Worried")
    with pytest.raises(ValidationError, match="safeguarding concern cannot be deleted"):
        delete_family(store, family_id, DeletionReason.DUPLICATE)
    assert len(safeguarding.family_concerns(store, family_id)) == 1
