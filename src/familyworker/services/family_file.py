"""The whole family file as domain objects: what the family screen, reports and CLI show."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session, col, func, select

from familyworker.domain.agency import AgencyInvolvement
from familyworker.domain.contact import Addendum, ContactNote
from familyworker.domain.criteria import FamilyCriterion
from familyworker.domain.family import Family
from familyworker.domain.outcome import Outcome
from familyworker.domain.oversight import OversightNote
from familyworker.domain.person import Person
from familyworker.domain.plan import Plan
from familyworker.domain.star import WebStarAssessment
from familyworker.domain.team import Worker
from familyworker.services.queries import (
    family_by_id,
    family_by_reference,
    is_waiting_change,
    live_rows,
)
from familyworker.store import mapping
from familyworker.store.caseload_store import SETTING_WORKER_NAME, CaseloadStore
from familyworker.store.tables import (
    AgencyInvolvementRow,
    ContactNoteRow,
    FamilyCriterionRow,
    NoteAddendumRow,
    OutboxRow,
    OutcomeRow,
    OversightNoteRow,
    PersonRow,
    PlanActionRow,
    PlanGoalRow,
    PlanRow,
    StarAssessmentRow,
    WorkerRow,
)


@dataclass(frozen=True, slots=True)
class FamilyFile:
    family: Family
    lead_worker: Worker | None
    members: tuple[Person, ...]
    needs: tuple[FamilyCriterion, ...]
    agencies: tuple[AgencyInvolvement, ...]
    stars: tuple[WebStarAssessment, ...]  # oldest first
    plans: tuple[Plan, ...]  # by version
    notes: tuple[ContactNote, ...]  # newest first
    addenda: tuple[Addendum, ...] = field(default=())
    outcomes: tuple[Outcome, ...] = field(default=())
    oversight: tuple[OversightNote, ...] = field(default=())
    pending_changes: int = 0
    worker_names: Mapping[str, str] = field(default_factory=dict)  # id -> name, this team
    sustainability_review_due: date | None = None  # booked when the case closed

    def author_name(self, worker_id: str | None) -> str:
        """Who wrote a record, by name ("a colleague" when this laptop does not know them)."""
        if worker_id is None:
            return "unknown"
        return self.worker_names.get(worker_id, "a colleague")

    @property
    def current_plan(self) -> Plan | None:
        return self.plans[-1] if self.plans else None

    @property
    def latest_agreed_plan(self) -> Plan | None:
        agreed = [p for p in self.plans if p.is_agreed]
        return agreed[-1] if agreed else None

    @property
    def latest_star(self) -> WebStarAssessment | None:
        return self.stars[-1] if self.stars else None

    def addenda_for(self, note_id: str) -> tuple[Addendum, ...]:
        return tuple(a for a in self.addenda if a.note_id == note_id)

    def person_name(self, person_id: str | None) -> str:
        for person in self.members:
            if person.id == person_id:
                return person.name
        return "Whole family"


def load_family_file(store: CaseloadStore, *, family_id: str | None = None,
                     reference: str | None = None) -> FamilyFile:
    with store.read() as session:
        row = (family_by_id(session, family_id) if family_id
               else family_by_reference(session, reference or ""))
        names = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
        names.setdefault(store.worker_id, str(store.setting(SETTING_WORKER_NAME, "Me",
                                                            session=session)))
        return replace(_assemble(session, row.id), worker_names=names)


def _plans(session: Session, family_id: str) -> tuple[Plan, ...]:
    plan_rows = sorted(live_rows(session, PlanRow, family_id), key=lambda p: p.version)
    goals = live_rows(session, PlanGoalRow, family_id)
    actions = live_rows(session, PlanActionRow, family_id)
    return tuple(mapping.plan_from_rows(p, [g for g in goals if g.plan_id == p.id],
                                        [a for a in actions if a.plan_id == p.id])
                 for p in plan_rows)


def _assemble(session: Session, family_id: str) -> FamilyFile:
    row = family_by_id(session, family_id)
    needs = tuple(mapping.criterion_from_row(r)
                  for r in live_rows(session, FamilyCriterionRow, family_id))
    family = mapping.family_from_row(row, tuple(n.criterion_key for n in needs))
    worker_row = session.get(WorkerRow, row.lead_worker_id) if row.lead_worker_id else None
    notes: Sequence[ContactNoteRow] = live_rows(session, ContactNoteRow, family_id)
    pending = session.exec(select(func.count()).select_from(OutboxRow).where(
        col(OutboxRow.family_id) == family_id, is_waiting_change())).one()
    return FamilyFile(
        family=family,
        lead_worker=mapping.worker_from_row(worker_row) if worker_row else None,
        members=tuple(sorted((mapping.person_from_row(r)
                              for r in live_rows(session, PersonRow, family_id)),
                             key=lambda p: (p.date_of_birth is not None, p.date_of_birth))),
        needs=needs,
        agencies=tuple(mapping.agency_from_row(r)
                       for r in live_rows(session, AgencyInvolvementRow, family_id)),
        stars=tuple(sorted((mapping.star_from_row(r)
                            for r in live_rows(session, StarAssessmentRow, family_id)),
                           key=lambda s: (s.assessed_on, s.id))),
        plans=_plans(session, family_id),
        notes=tuple(sorted((mapping.note_from_row(r) for r in notes),
                           key=lambda n: (n.occurred_at, n.id), reverse=True)),
        addenda=tuple(sorted((mapping.addendum_from_row(r)
                              for r in live_rows(session, NoteAddendumRow, family_id)),
                             key=lambda a: a.written_at)),
        outcomes=tuple(mapping.outcome_from_row(r)
                       for r in live_rows(session, OutcomeRow, family_id)),
        oversight=tuple(sorted((mapping.oversight_from_row(r)
                                for r in live_rows(session, OversightNoteRow, family_id)),
                               key=lambda o: o.written_at)),
        pending_changes=int(pending),
        sustainability_review_due=row.sustainability_review_due,
    )
