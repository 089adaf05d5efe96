"""Mapping between table rows and domain objects, kept beside the rows."""

from familyworker.domain.agency import AgencyInvolvement
from familyworker.domain.contact import Addendum, ContactNote, NoteKind, NoteStatus
from familyworker.domain.criteria import FamilyCriterion
from familyworker.domain.family import (
    DEFAULT_CONSENT_SCOPE,
    ClosureReason,
    Consent,
    Family,
    FamilyStatus,
)
from familyworker.domain.outcome import Outcome
from familyworker.domain.oversight import OversightNote
from familyworker.domain.person import Person, PersonFlag
from familyworker.domain.plan import Action, ActionStatus, Goal, Plan, PlanStatus
from familyworker.domain.star import StarScore, WebStarAssessment
from familyworker.domain.team import Role, Worker
from familyworker.store.tables import (
    AgencyInvolvementRow,
    ContactNoteRow,
    FamilyCriterionRow,
    FamilyRow,
    NoteAddendumRow,
    OutcomeRow,
    OversightNoteRow,
    PersonRow,
    PlanActionRow,
    PlanGoalRow,
    PlanRow,
    StarAssessmentRow,
    WorkerRow,
)


def family_from_row(row: FamilyRow, criteria: tuple[str, ...] = ()) -> Family:
    consent = (Consent(row.consent_given_on, row.consent_scope or DEFAULT_CONSENT_SCOPE)
               if row.consent_given_on else None)
    return Family(
        id=row.id, reference=row.reference, household_name=row.household_name,
        postcode=row.postcode, address=row.address, locality=row.locality, team_id=row.team_id,
        lead_worker_id=row.lead_worker_id, status=FamilyStatus(row.status),
        closure_reason=ClosureReason(row.closure_reason) if row.closure_reason else None,
        referred_on=row.referred_on, opened_on=row.opened_on, closed_on=row.closed_on,
        consent=consent, next_visit_due=row.next_visit_due, review_due=row.review_due,
        criteria=criteria)


def family_values(family: Family) -> dict[str, object]:
    """A family's editable columns, as stored."""
    return {
        "reference": family.reference, "household_name": family.household_name,
        "postcode": family.postcode, "address": family.address, "locality": family.locality,
        "team_id": family.team_id, "lead_worker_id": family.lead_worker_id,
        "status": family.status.value,
        "closure_reason": family.closure_reason.value if family.closure_reason else None,
        "referred_on": family.referred_on, "opened_on": family.opened_on,
        "closed_on": family.closed_on,
        "consent_given_on": family.consent.given_on if family.consent else None,
        "consent_scope": family.consent.scope if family.consent else "",
        "next_visit_due": family.next_visit_due, "review_due": family.review_due,
    }


def person_from_row(row: PersonRow) -> Person:
    flags = tuple(PersonFlag(f) for f in row.flags if f in PersonFlag._value2member_map_)
    return Person(id=row.id, family_id=row.family_id, name=row.name,
                  relationship=row.relationship, date_of_birth=row.date_of_birth,
                  school_setting=row.school_setting, flags=flags)


def person_values(person: Person) -> dict[str, object]:
    return {"name": person.name, "relationship": person.relationship,
            "date_of_birth": person.date_of_birth, "school_setting": person.school_setting,
            "flags": [f.value for f in person.flags]}


def agency_from_row(row: AgencyInvolvementRow) -> AgencyInvolvement:
    return AgencyInvolvement(id=row.id, family_id=row.family_id, agency=row.agency,
                             role=row.role, contact=row.contact, from_date=row.from_date,
                             to_date=row.to_date)


def criterion_from_row(row: FamilyCriterionRow) -> FamilyCriterion:
    return FamilyCriterion(id=row.id, family_id=row.family_id, criterion_key=row.criterion_key,
                           evidence=row.evidence, identified_on=row.identified_on)


def star_from_row(row: StarAssessmentRow) -> WebStarAssessment:
    scores = tuple(StarScore(domain_key=str(s["domain_key"]), score=int(s["score"]),
                             note=str(s.get("note", ""))) for s in row.scores)
    return WebStarAssessment(id=row.id, family_id=row.family_id, assessed_on=row.assessed_on,
                             template_key=row.template_key,
                             template_version=row.template_version, scores=scores,
                             person_id=row.person_id, family_words=row.family_words,
                             completed_by=row.completed_by)


def star_row(assessment: WebStarAssessment) -> StarAssessmentRow:
    return StarAssessmentRow(
        id=assessment.id, family_id=assessment.family_id, person_id=assessment.person_id,
        assessed_on=assessment.assessed_on, template_key=assessment.template_key,
        template_version=assessment.template_version,
        scores=[{"domain_key": s.domain_key, "score": s.score, "note": s.note}
                for s in assessment.scores],
        family_words=assessment.family_words, completed_by=assessment.completed_by)


def plan_from_rows(row: PlanRow, goals: list[PlanGoalRow],
                   actions: list[PlanActionRow]) -> Plan:
    by_goal: dict[str, list[PlanActionRow]] = {}
    for action in sorted(actions, key=lambda a: (a.position, a.id)):
        by_goal.setdefault(action.goal_id, []).append(action)
    domain_goals = tuple(
        Goal(id=g.id, text=g.text, star_domain_key=g.star_domain_key,
             actions=tuple(Action(id=a.id, what=a.what, who=a.who, by_when=a.by_when,
                                  status=ActionStatus(a.status))
                           for a in by_goal.get(g.id, [])))
        for g in sorted(goals, key=lambda g: (g.position, g.id)))
    return Plan(id=row.id, family_id=row.family_id, version=row.version,
                status=PlanStatus(row.status), working_well=row.working_well,
                worried_about=row.worried_about, needs_to_happen=row.needs_to_happen,
                family_words=row.family_words, goals=domain_goals, agreed_on=row.agreed_on,
                review_due=row.review_due)


def plan_values(plan: Plan) -> dict[str, object]:
    return {"version": plan.version, "status": plan.status.value,
            "working_well": plan.working_well, "worried_about": plan.worried_about,
            "needs_to_happen": plan.needs_to_happen, "family_words": plan.family_words,
            "agreed_on": plan.agreed_on, "review_due": plan.review_due}


def note_from_row(row: ContactNoteRow) -> ContactNote:
    return ContactNote(id=row.id, family_id=row.family_id, kind=NoteKind(row.kind),
                       occurred_at=row.occurred_at, narrative=row.narrative,
                       present=tuple(row.present), agencies=tuple(row.agencies),
                       duration_minutes=row.duration_minutes, follow_ups=row.follow_ups,
                       author_id=row.author_id, status=NoteStatus(row.status),
                       finalised_at=row.finalised_at)


def note_values(note: ContactNote) -> dict[str, object]:
    return {"kind": note.kind.value, "occurred_at": note.occurred_at,
            "narrative": note.narrative, "present": list(note.present),
            "agencies": list(note.agencies), "duration_minutes": note.duration_minutes,
            "follow_ups": note.follow_ups, "author_id": note.author_id,
            "status": note.status.value, "finalised_at": note.finalised_at}


def addendum_from_row(row: NoteAddendumRow) -> Addendum:
    return Addendum(id=row.id, note_id=row.note_id, family_id=row.family_id, text=row.text,
                    written_at=row.written_at, author_id=row.author_id)


def outcome_from_row(row: OutcomeRow) -> Outcome:
    return Outcome(id=row.id, family_id=row.family_id, criterion_key=row.criterion_key,
                   achieved_on=row.achieved_on, evidence=row.evidence)


def oversight_from_row(row: OversightNoteRow) -> OversightNote:
    return OversightNote(id=row.id, family_id=row.family_id, supervisor_id=row.supervisor_id,
                         written_at=row.written_at, decision=row.decision, actions=row.actions,
                         review_due=row.review_due)


def worker_from_row(row: WorkerRow) -> Worker:
    role = Role(row.role) if row.role in Role._value2member_map_ else Role.WORKER
    return Worker(id=row.id, name=row.name, role=role, team_id=row.team_id, contact=row.contact)
