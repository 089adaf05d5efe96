"""Safeguarding concerns: raise one, record a decision or outcome, list a family's with their
state, list those awaiting a decision (docs/safeguarding.md).

Concerns and decisions are append-only rows: nothing here edits or deletes one. An outcome
that implies a person flag (child in need, a child protection plan, looked after) sets that flag
on the child the concern is about, dated the outcome's day, in the decision's unit of work, so
both sync together.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.person import PersonFlag
from familyworker.domain.safeguarding import (
    Concern,
    ConcernDecision,
    ConcernHistory,
    ConcernOutcome,
    Decision,
    history_of,
)
from familyworker.services.queries import family_by_id, get_live, member_of
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import (
    concern_from_row,
    concern_values,
    decision_from_row,
    decision_values,
    person_from_row,
    person_values,
)
from familyworker.store.tables import (
    ConcernDecisionRow,
    FamilyRow,
    SafeguardingConcernRow,
)


def raise_concern(store: CaseloadStore, *, family_id: str, seen_or_heard: str,
                  immediate_action: str = "", about_person_id: str | None = None) -> Concern:
    """A new concern, raised now by this device's worker; None as the person: the household."""
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        if about_person_id is not None:
            member_of(uow.session, family_id, about_person_id)
        concern = Concern(id=new_id(), family_id=family_id, raised_at=uow.now,
                          seen_or_heard=seen_or_heard, immediate_action=immediate_action,
                          about_person_id=about_person_id, raised_by=uow.actor_id)
        uow.add(SafeguardingConcernRow(id=concern.id, family_id=family_id,
                                       **concern_values(concern)))  # type: ignore[arg-type]
        return concern


def record_decision(store: CaseloadStore, concern_id: str, *, decision: Decision | str,
                    referral_to: str = "", referral_on: date | None = None,
                    referral_reference: str = "",
                    outcome: ConcernOutcome | str = ConcernOutcome.NONE_YET,
                    outcome_on: date | None = None, note: str = "",
                    today: date | None = None) -> ConcernDecision:
    """A new decision row for the concern (a decision, or a later outcome): it becomes the
    concern's state; earlier rows stay as its history."""
    try:
        chosen, result = Decision(decision), ConcernOutcome(outcome)
    except ValueError:
        raise ValidationError("Choose a decision and an outcome from the lists.") from None
    day = today or date.today()
    for when, what in ((referral_on, "The referral"), (outcome_on, "The outcome")):
        if when is not None and when > day:
            raise ValidationError(f"{what} cannot be dated in the future.")
    with store.unit_of_work() as uow:
        concern = concern_from_row(get_live(uow.session, SafeguardingConcernRow, concern_id,
                                            "concern"))
        made = ConcernDecision(
            id=new_id(), family_id=concern.family_id, concern_id=concern.id,
            decided_at=uow.now, decision=chosen, referral_to=referral_to,
            referral_on=referral_on, referral_reference=referral_reference, outcome=result,
            outcome_on=outcome_on, note=note, decided_by=uow.actor_id)
        uow.add(ConcernDecisionRow(id=made.id, family_id=concern.family_id,
                                   **decision_values(made)))  # type: ignore[arg-type]
        flag = result.implied_flag
        if flag is not None and concern.about_person_id is not None:
            row = member_of(uow.session, concern.family_id, concern.about_person_id)
            person = person_from_row(row)
            flags: dict[PersonFlag, date | None] = {f: person.since(f) for f in person.flags}
            if flag not in flags:
                flags[flag] = outcome_on
                uow.update(row, person_values(person.with_flags(flags)))
        return made


def family_concerns(store: CaseloadStore, family_id: str) -> list[ConcernHistory]:
    """The family's concerns, newest first, each with its decisions (oldest first)."""
    with store.read() as session:
        found = _histories(session, [family_id])
    return sorted(found, key=lambda h: (h.concern.raised_at, h.concern.id), reverse=True)


@dataclass(frozen=True, slots=True)
class AwaitingConcern:
    """A concern with no decision yet; for My week and the team view (no concern text)."""

    concern_id: str
    family_id: str
    reference: str
    raised_at_day: date
    about_person_id: str | None


def awaiting_decision(store: CaseloadStore,
                      family_ids: Iterable[str] | None = None) -> list[AwaitingConcern]:
    """Concerns with no decision, oldest first, for these families (default: every family on
    this device)."""
    with store.read() as session:
        return awaiting_in(session, None if family_ids is None else list(family_ids))


def awaiting_in(session: Session, family_ids: list[str] | None) -> list[AwaitingConcern]:
    decided = select(ConcernDecisionRow.concern_id).where(
        col(ConcernDecisionRow.deleted_at).is_(None))
    query = select(SafeguardingConcernRow, FamilyRow.reference).join(
        FamilyRow, FamilyRow.id == SafeguardingConcernRow.family_id).where(  # type: ignore[arg-type]
        col(SafeguardingConcernRow.deleted_at).is_(None), col(FamilyRow.deleted_at).is_(None),
        col(SafeguardingConcernRow.id).not_in(decided))
    if family_ids is not None:
        query = query.where(col(SafeguardingConcernRow.family_id).in_(family_ids))
    found = [AwaitingConcern(row.id, row.family_id, reference, row.raised_at.date(),
                             row.about_person_id)
             for row, reference in session.exec(query).all()]
    return sorted(found, key=lambda a: (a.raised_at_day, a.reference, a.concern_id))


def _histories(session: Session, family_ids: list[str]) -> list[ConcernHistory]:
    concerns = [concern_from_row(r) for r in session.exec(select(SafeguardingConcernRow).where(
        col(SafeguardingConcernRow.family_id).in_(family_ids),
        col(SafeguardingConcernRow.deleted_at).is_(None))).all()]
    decisions: dict[str, list[ConcernDecision]] = defaultdict(list)
    for row in session.exec(select(ConcernDecisionRow).where(
            col(ConcernDecisionRow.family_id).in_(family_ids),
            col(ConcernDecisionRow.deleted_at).is_(None))).all():
        decisions[row.concern_id].append(decision_from_row(row))
    return [history_of(c, decisions[c.id]) for c in concerns]
