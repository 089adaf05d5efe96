"""The consent register: record a statement, withdraw, list a family's (docs/consent.md).

Statements are append-only rows: nothing here edits or deletes one. A withdrawal is a new
statement ("withdrawn") for the same person, purpose and agency, so the history is kept and
the latest statement is the answer. Rules are in ``domain.consent``.
"""

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlmodel import Session

from familyworker.domain.consent import (
    ConsentAtAGlance,
    ConsentDecision,
    ConsentHow,
    ConsentKey,
    ConsentPurpose,
    ConsentStatement,
    agency_key,
    at_a_glance,
    check_withdrawal,
)
from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.services.queries import family_by_id, live_rows, member_of
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import consent_from_row, consent_values
from familyworker.store.tables import ConsentRecordRow, PersonRow

E = TypeVar("E", ConsentPurpose, ConsentDecision, ConsentHow)


def _choice(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise ValidationError(f"{what} must be one of: {choices}.") from None


def _not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise ValidationError(f"{what} cannot be in the future.")


def record_statement(store: CaseloadStore, *, family_id: str, person_id: str,
                     purpose: ConsentPurpose | str, decision: ConsentDecision | str,
                     how: ConsentHow | str, stated_on: date, agency: str = "",
                     given_by: str = "", review_on: date | None = None, note: str = "",
                     today: date | None = None) -> ConsentStatement:
    """A new statement: consent given or refused (a withdrawal goes through ``withdraw``)."""
    chosen = _choice(ConsentDecision, decision, "The answer")
    if chosen is ConsentDecision.WITHDRAWN:
        raise ValidationError("To withdraw consent, use Withdraw on the consent given.")
    _not_future(stated_on, today or date.today(), "The date of the answer")
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        member_of(uow.session, family_id, person_id)
        statement = ConsentStatement(
            id=new_id(), family_id=family_id, person_id=person_id,
            purpose=_choice(ConsentPurpose, purpose, "What the consent is for"),
            decision=chosen, stated_on=stated_on, how=_choice(ConsentHow, how, "How"),
            agency=agency, given_by=given_by, review_on=review_on, note=note,
            recorded_by=uow.actor_id)
        uow.add(ConsentRecordRow(id=statement.id, family_id=family_id,
                                 **consent_values(statement)))  # type: ignore[arg-type]
        return statement


def withdraw(store: CaseloadStore, *, family_id: str, person_id: str,
             purpose: ConsentPurpose | str, how: ConsentHow | str, withdrawn_on: date,
             agency: str = "", given_by: str = "", note: str = "",
             today: date | None = None) -> ConsentStatement:
    """Withdraw consent given earlier: a new "withdrawn" statement; the earlier one stays."""
    chosen = _choice(ConsentPurpose, purpose, "What the consent is for")
    _not_future(withdrawn_on, today or date.today(), "The date of the withdrawal")
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        member_of(uow.session, family_id, person_id)
        existing = _statements(uow.session, family_id)
        given = check_withdrawal(existing, ConsentKey(person_id, chosen, agency_key(agency)),
                                 withdrawn_on)
        statement = ConsentStatement(
            id=new_id(), family_id=family_id, person_id=person_id, purpose=chosen,
            decision=ConsentDecision.WITHDRAWN, stated_on=withdrawn_on,
            how=_choice(ConsentHow, how, "How"), agency=given.agency,  # as first spelt
            given_by=given_by, note=note,
            recorded_by=uow.actor_id)
        uow.add(ConsentRecordRow(id=statement.id, family_id=family_id,
                                 **consent_values(statement)))  # type: ignore[arg-type]
        return statement


def _statements(session: Session, family_id: str) -> list[ConsentStatement]:
    return sorted((consent_from_row(r) for r in live_rows(session, ConsentRecordRow, family_id)),
                  key=lambda s: (s.stated_on, s.id))


def family_statements(store: CaseloadStore, family_id: str) -> list[ConsentStatement]:
    """Every statement for the family's members, oldest first: the history."""
    with store.read() as session:
        family_by_id(session, family_id)
        return _statements(session, family_id)


def statements_in(session: Session, family_id: str) -> list[ConsentStatement]:
    """The same, inside a read the caller already holds (reports)."""
    return _statements(session, family_id)


@dataclass(frozen=True, slots=True)
class FamilyConsent:
    """A family's register with its members, for the Consent tab and the header."""

    statements: tuple[ConsentStatement, ...]  # oldest first
    glance: ConsentAtAGlance


def family_consent(store: CaseloadStore, family_id: str, today: date | None = None
                   ) -> FamilyConsent:
    with store.read() as session:
        family_by_id(session, family_id)
        people = [r.id for r in live_rows(session, PersonRow, family_id)]
        found = _statements(session, family_id)
    return FamilyConsent(tuple(found), at_a_glance(people, found, today or date.today()))
