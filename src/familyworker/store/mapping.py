"""Mapping between table rows and domain objects, kept beside the rows."""

from datetime import date
from typing import Any

from familyworker.domain.agency import AgencyInvolvement
from familyworker.domain.consent import (
    ConsentDecision,
    ConsentHow,
    ConsentPurpose,
    ConsentStatement,
)
from familyworker.domain.contact import (
    Addendum,
    ChildSeen,
    ContactNote,
    ContactOutcome,
    NoteKind,
    NoteStatus,
)
from familyworker.domain.criteria import FamilyCriterion
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    DEFAULT_CONSENT_SCOPE,
    BookedVisit,
    ClosureReason,
    Consent,
    Family,
    FamilyStatus,
    InterventionLevel,
    LeadProfessional,
    parse_intervention_level,
)
from familyworker.domain.outcome import Outcome
from familyworker.domain.oversight import OversightNote
from familyworker.domain.person import Person, PersonFlag, Sex, parse_sex
from familyworker.domain.plan import Action, ActionStatus, Goal, Plan, PlanStatus
from familyworker.domain.safeguarding import (
    Concern,
    ConcernDecision,
    ConcernOutcome,
    Decision,
)
from familyworker.domain.star import StarScore, WebStarAssessment
from familyworker.domain.task import Task
from familyworker.domain.team import Role, Worker
from familyworker.store.tables import (
    AgencyInvolvementRow,
    ConcernDecisionRow,
    ConsentRecordRow,
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
    SafeguardingConcernRow,
    StarAssessmentRow,
    TaskRow,
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
        criteria=criteria, status_since=row.status_since, status_reason=row.status_reason,
        stepped_down_to=row.stepped_down_to, phone=row.phone,
        preferred_language=row.preferred_language,
        interpreter_needed=bool(row.interpreter_needed),
        safety_information=row.safety_information,
        booked_visit=(BookedVisit(row.next_visit_at, row.next_visit_where)
                      if row.next_visit_at else None),
        lead_professional=(LeadProfessional(row.lead_professional_name,
                                            row.lead_professional_agency,
                                            row.lead_professional_contact)
                           if row.lead_professional_name else None),
        intervention_level=_known_level(row.intervention_level))


def _known_level(text: str) -> InterventionLevel | None:
    # A peer's row is checked by the row schema; an unknown value reads as "not assessed".
    try:
        return parse_intervention_level(text or "")
    except ValidationError:
        return None


def _known_sex(text: str) -> Sex | None:
    try:
        return parse_sex(text or "")
    except ValidationError:
        return None


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
        "status_since": family.status_since, "status_reason": family.status_reason,
        "stepped_down_to": family.stepped_down_to, "phone": family.phone,
        "preferred_language": family.preferred_language,
        "interpreter_needed": int(family.interpreter_needed),
        "safety_information": family.safety_information,
        "next_visit_at": family.booked_visit.at if family.booked_visit else None,
        "next_visit_where": family.booked_visit.where if family.booked_visit else "",
        "lead_professional_name": lead.name if (lead := family.lead_professional) else "",
        "lead_professional_agency": lead.agency if lead else "",
        "lead_professional_contact": lead.contact if lead else "",
        "intervention_level": family.intervention_level.value if family.intervention_level
        else "",
    }


def person_from_row(row: PersonRow) -> Person:
    known = PersonFlag._value2member_map_
    flags = tuple(dict.fromkeys(PersonFlag(f) for f in row.flags if f in known))
    person = Person(id=row.id, family_id=row.family_id, name=row.name,
                    relationship=row.relationship, date_of_birth=row.date_of_birth,
                    school_setting=row.school_setting, sex=_known_sex(row.sex))
    return person.with_flags({flag: _flag_day(row.flag_since, flag) for flag in flags})


def _flag_day(since: Any, flag: PersonFlag) -> date | None:
    # A peer's value is plain JSON (the row schema checks no more): read what is a date.
    text = since.get(flag.value) if isinstance(since, dict) else None
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def person_values(person: Person) -> dict[str, object]:
    return {"name": person.name, "relationship": person.relationship,
            "date_of_birth": person.date_of_birth, "school_setting": person.school_setting,
            "flags": [f.value for f in person.flags],
            "flag_since": {f.value: day.isoformat() for f, day in person.flag_since} or None,
            "sex": person.sex.value if person.sex else ""}


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
                       finalised_at=row.finalised_at, outcome=ContactOutcome(row.outcome),
                       child_seen=ChildSeen(row.child_seen), child_voice=row.child_voice,
                       next_meeting_on=row.next_meeting_on)


def note_values(note: ContactNote) -> dict[str, object]:
    return {"kind": note.kind.value, "occurred_at": note.occurred_at,
            "narrative": note.narrative, "present": list(note.present),
            "agencies": list(note.agencies), "duration_minutes": note.duration_minutes,
            "follow_ups": note.follow_ups, "author_id": note.author_id,
            "status": note.status.value, "finalised_at": note.finalised_at,
            "outcome": note.outcome.value, "child_seen": note.child_seen.value,
            "child_voice": note.child_voice, "next_meeting_on": note.next_meeting_on}


def task_from_row(row: TaskRow) -> Task:
    return Task(id=row.id, family_id=row.family_id, text=row.text, created_at=row.created_at,
                due_on=row.due_on, assigned_to=row.assigned_to, created_by=row.created_by,
                done_on=row.done_on, source_note_id=row.source_note_id)


def task_values(task: Task) -> dict[str, object]:
    return {"text": task.text, "created_at": task.created_at, "due_on": task.due_on,
            "assigned_to": task.assigned_to, "created_by": task.created_by,
            "done_on": task.done_on, "source_note_id": task.source_note_id}


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


def concern_from_row(row: SafeguardingConcernRow) -> Concern:
    return Concern(id=row.id, family_id=row.family_id, raised_at=row.raised_at,
                   seen_or_heard=row.seen_or_heard, immediate_action=row.immediate_action,
                   about_person_id=row.about_person_id, raised_by=row.raised_by)


def concern_values(concern: Concern) -> dict[str, object]:
    return {"about_person_id": concern.about_person_id, "raised_at": concern.raised_at,
            "seen_or_heard": concern.seen_or_heard,
            "immediate_action": concern.immediate_action, "raised_by": concern.raised_by}


def decision_from_row(row: ConcernDecisionRow) -> ConcernDecision:
    return ConcernDecision(
        id=row.id, family_id=row.family_id, concern_id=row.concern_id,
        decided_at=row.decided_at, decision=Decision(row.decision),
        referral_to=row.referral_to, referral_on=row.referral_on,
        referral_reference=row.referral_reference, outcome=ConcernOutcome(row.outcome),
        outcome_on=row.outcome_on, note=row.note, decided_by=row.decided_by)


def consent_from_row(row: ConsentRecordRow) -> ConsentStatement:
    return ConsentStatement(
        id=row.id, family_id=row.family_id, person_id=row.person_id,
        purpose=ConsentPurpose(row.purpose), decision=ConsentDecision(row.decision),
        stated_on=row.stated_on, how=ConsentHow(row.how), agency=row.agency,
        given_by=row.given_by, review_on=row.review_on, note=row.note,
        recorded_by=row.recorded_by)


def consent_values(statement: ConsentStatement) -> dict[str, object]:
    return {"person_id": statement.person_id, "purpose": statement.purpose.value,
            "agency": statement.agency, "decision": statement.decision.value,
            "given_by": statement.given_by, "how": statement.how.value,
            "stated_on": statement.stated_on, "review_on": statement.review_on,
            "note": statement.note, "recorded_by": statement.recorded_by}


def decision_values(decision: ConcernDecision) -> dict[str, object]:
    return {"concern_id": decision.concern_id, "decided_at": decision.decided_at,
            "decision": decision.decision.value, "referral_to": decision.referral_to,
            "referral_on": decision.referral_on,
            "referral_reference": decision.referral_reference,
            "outcome": decision.outcome.value, "outcome_on": decision.outcome_on,
            "note": decision.note, "decided_by": decision.decided_by}
