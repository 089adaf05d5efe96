"""The demo caseload's consent statements and safeguarding concerns (resources/demo).

Day offsets from the load day, as everywhere in the demo. Every demo concern has a decision, so
none heads My week or the team view; the outcomes set no person flags.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from familyworker.domain.consent import (
    ConsentDecision,
    ConsentHow,
    ConsentPurpose,
    ConsentStatement,
)
from familyworker.domain.ids import new_id
from familyworker.domain.safeguarding import (
    Concern,
    ConcernDecision,
    ConcernOutcome,
    Decision,
)
from familyworker.store import mapping
from familyworker.store.tables import ConcernDecisionRow, ConsentRecordRow, SafeguardingConcernRow
from familyworker.store.unit_of_work import UnitOfWork

DayOf = Callable[[int | None], date | None]
MomentOf = Callable[[list[Any]], datetime]


def _day(day_of: DayOf, offset: int) -> date:
    found = day_of(offset)
    assert found is not None
    return found


def import_consent(uow: UnitOfWork, item: dict[str, Any], family_id: str,
                   people: dict[str, str], day_of: DayOf, recorded_by: str | None) -> int:
    for data in item.get("consent", []):
        statement = ConsentStatement(
            id=new_id(), family_id=family_id, person_id=people[data["person"]],
            purpose=ConsentPurpose(data["for"]), decision=ConsentDecision(data["answer"]),
            stated_on=_day(day_of, data["on"]), how=ConsentHow(data["how"]),
            agency=data.get("agency", ""), given_by=data.get("given_by", ""),
            review_on=day_of(data.get("review_on")), note=data.get("note", ""),
            recorded_by=recorded_by)
        uow.add(ConsentRecordRow(id=statement.id, family_id=family_id,
                                 **mapping.consent_values(statement)))  # type: ignore[arg-type]
    return len(item.get("consent", []))


def import_concerns(uow: UnitOfWork, item: dict[str, Any], family_id: str,
                    people: dict[str, str], day_of: DayOf, moment_of: MomentOf,
                    raised_by: str | None, decided_by: str | None) -> int:
    for data in item.get("concerns", []):
        concern = Concern(id=new_id(), family_id=family_id, raised_at=moment_of(data["raised"]),
                          seen_or_heard=data["seen_or_heard"],
                          immediate_action=data.get("immediate_action", ""),
                          about_person_id=people.get(data.get("about") or ""),
                          raised_by=raised_by)
        uow.add(SafeguardingConcernRow(id=concern.id, family_id=family_id,
                                       **mapping.concern_values(concern)))  # type: ignore[arg-type]
        for step in data.get("decisions", []):
            made = ConcernDecision(
                id=new_id(), family_id=family_id, concern_id=concern.id,
                decided_at=moment_of(step["at"]), decision=Decision(step["decision"]),
                referral_to=step.get("referral_to", ""),
                referral_on=day_of(step.get("referral_on")),
                referral_reference=step.get("referral_reference", ""),
                outcome=ConcernOutcome(step.get("outcome", "none-yet")),
                outcome_on=day_of(step.get("outcome_on")), note=step.get("note", ""),
                decided_by=decided_by)
            uow.add(ConcernDecisionRow(id=made.id, family_id=family_id,
                                       **mapping.decision_values(made)))  # type: ignore[arg-type]
    return len(item.get("concerns", []))
