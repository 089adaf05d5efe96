"""Loading the synthetic demo caseload (resources/demo) for training and evaluation.

Every date in the demo file is a day offset from the day it is loaded, so the demo never goes
stale: overdue visits stay overdue by the same margin whenever it is loaded.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from familyworker.domain.contact import (
    ChildSeen,
    ContactNote,
    ContactOutcome,
    NoteKind,
    NoteStatus,
)
from familyworker.domain.errors import ValidationError
from familyworker.domain.family import (
    BookedVisit,
    ClosureReason,
    Consent,
    Family,
    FamilyStatus,
    LeadProfessional,
    parse_intervention_level,
)
from familyworker.domain.ids import new_id
from familyworker.domain.person import Person, PersonFlag, parse_sex
from familyworker.domain.plan import Action, ActionStatus, Goal, Plan, PlanStatus
from familyworker.domain.star import StarScore, WebStarAssessment
from familyworker.domain.task import Task
from familyworker.resources import load_json
from familyworker.services.demo_claims import import_claims_demo
from familyworker.services.demo_register import import_concerns, import_consent
from familyworker.services.families import existing_references, insert_family
from familyworker.services.programme import default_star_template
from familyworker.store import mapping
from familyworker.store.caseload_store import (
    SETTING_TEAM_ID,
    SETTING_WORKER_NAME,
    CaseloadStore,
)
from familyworker.store.tables import (
    AgencyInvolvementRow,
    ContactNoteRow,
    FamilyCriterionRow,
    NoteAddendumRow,
    OutcomeRow,
    PersonRow,
    PlanActionRow,
    PlanGoalRow,
    PlanRow,
    TaskRow,
    TeamRow,
    WorkerRow,
)
from familyworker.store.unit_of_work import UnitOfWork

DEMO_PASSPHRASE = "demo caseload passphrase"
DEMO_FILE = ("demo", "caseload.json")


@dataclass(frozen=True, slots=True)
class DemoResult:
    families: int
    notes: int
    stars: int


class _Clock:
    def __init__(self, today: date) -> None:
        self.today = today

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.today + timedelta(days=int(offset))

    def moment(self, value: list[Any]) -> datetime:
        offset, hhmm = value
        hours, minutes = (int(x) for x in str(hhmm).split(":"))
        return datetime.combine(self.today + timedelta(days=int(offset)),
                                time(hours, minutes), tzinfo=UTC)


def load_demo_data() -> dict[str, Any]:
    data: dict[str, Any] = load_json(*DEMO_FILE)
    return data


def import_demo(store: CaseloadStore, *, today: date | None = None,
                as_worker: str = "w1", data: dict[str, Any] | None = None,
                only_own_families: bool = False) -> DemoResult:
    """Load the demo into this caseload in one transaction; this device acts as `as_worker`.

    With `only_own_families`, only the families `as_worker` leads are loaded (what a worker's
    device would hold once enrolled).
    """
    demo = dict(data or load_demo_data())
    if only_own_families:
        demo["families"] = [f for f in demo["families"] if f.get("lead_worker") == as_worker]
    clock = _Clock(today or date.today())
    template = default_star_template()
    notes = stars = 0
    with store.unit_of_work() as uow:
        if set(existing_references(uow)) & {f["reference"] for f in demo["families"]}:
            raise ValidationError("The demo caseload is already loaded here.")
        worker_ids: dict[str, str] = {as_worker: str(uow.actor_id)}
        enrolled_team = store.setting(SETTING_TEAM_ID, session=uow.session)
        if only_own_families and enrolled_team:
            # Enrolled: the team and its workers come from the server, not from the demo file.
            team_id = str(enrolled_team)
            workers: list[dict[str, Any]] = []
        else:
            team_id = new_id()
            uow.add(TeamRow(id=team_id, name=demo["team"]["name"], area=demo["team"]["area"]))
            workers = demo["workers"]
        for worker in workers:
            is_me = worker["key"] == as_worker
            worker_id = str(uow.actor_id) if is_me else new_id()
            worker_ids[worker["key"]] = worker_id
            uow.add(WorkerRow(id=worker_id, name=worker["name"], role=worker["role"],
                              team_id=team_id, contact=worker.get("contact", "")))
            if is_me:
                store.set_setting(SETTING_WORKER_NAME, worker["name"], session=uow.session)
        for item in demo["families"]:
            family_notes, family_stars = _import_family(uow, item, clock, team_id, worker_ids,
                                                        template.key, template.version)
            notes += family_notes
            stars += family_stars
    return DemoResult(len(demo["families"]), notes, stars)


def _import_family(uow: UnitOfWork, item: dict[str, Any], clock: _Clock, team_id: str,
                   worker_ids: dict[str, str], template_key: str,
                   template_version: int) -> tuple[int, int]:
    family_id = new_id()
    consent_on = clock.day(item.get("consent_given_on"))
    family = Family(
        id=family_id, reference=item["reference"], household_name=item["household_name"],
        postcode=item["postcode"], address=item.get("address", ""),
        locality=item.get("locality", ""), team_id=team_id,
        lead_worker_id=worker_ids.get(item.get("lead_worker", "")),
        status=FamilyStatus(item["status"]),
        closure_reason=ClosureReason(item["closure_reason"]) if item.get("closure_reason")
        else None,
        referred_on=clock.day(item.get("referred_on")), opened_on=clock.day(item.get("opened_on")),
        closed_on=clock.day(item.get("closed_on")),
        consent=Consent(consent_on) if consent_on else None,
        next_visit_due=clock.day(item.get("next_visit_due")),
        stepped_down_to=item.get("stepped_down_to", ""), phone=item.get("phone", ""),
        preferred_language=item.get("preferred_language", ""),
        interpreter_needed=bool(item.get("interpreter_needed", False)),
        safety_information=item.get("safety_information", ""),
        booked_visit=BookedVisit(clock.moment(item["next_visit_at"]),
                                 item.get("next_visit_where", ""))
        if item.get("next_visit_at") else None,
        lead_professional=LeadProfessional(**item["lead_professional"])
        if item.get("lead_professional") else None,
        intervention_level=parse_intervention_level(item.get("intervention_level", "")))
    insert_family(uow, family)
    lead = family.lead_worker_id
    for task_data in item.get("tasks", []):
        task = Task(id=new_id(), family_id=family_id, text=task_data["text"],
                    created_at=clock.moment([-14, "09:00"]),
                    due_on=clock.day(task_data.get("due_on")), assigned_to=lead,
                    created_by=lead, done_on=clock.day(task_data.get("done_on")))
        uow.add(TaskRow(id=task.id, family_id=family_id, **mapping.task_values(task)))  # type: ignore[arg-type]
    for need in item.get("criteria", []):
        uow.add(FamilyCriterionRow(id=new_id(), family_id=family_id, criterion_key=need["key"],
                                   evidence=need.get("evidence", ""),
                                   identified_on=clock.day(need.get("identified_on"))))
    people: dict[str, str] = {}
    for member in item.get("members", []):
        person = Person(id=new_id(), family_id=family_id, name=member["name"],
                        relationship=member.get("relationship", ""),
                        date_of_birth=clock.day(member.get("date_of_birth")),
                        school_setting=member.get("school_setting", ""),
                        flags=tuple(PersonFlag(f) for f in member.get("flags", [])),
                        sex=parse_sex(member.get("sex", "")))
        people[member["key"]] = person.id
        uow.add(PersonRow(id=person.id, family_id=family_id, **mapping.person_values(person)))  # type: ignore[arg-type]
    for agency in item.get("agencies", []):
        uow.add(AgencyInvolvementRow(id=new_id(), family_id=family_id, agency=agency["agency"],
                                     role=agency.get("role", ""),
                                     contact=agency.get("contact", ""),
                                     from_date=clock.day(agency.get("from_date")),
                                     to_date=clock.day(agency.get("to_date"))))
    for star in item.get("stars", []):
        assessed_on = clock.day(star["assessed_on"])
        assert assessed_on is not None
        assessment = WebStarAssessment(
            id=new_id(), family_id=family_id, assessed_on=assessed_on,
            template_key=template_key, template_version=template_version,
            scores=tuple(StarScore(key, int(value[0]), str(value[1]) if len(value) > 1 else "")
                         for key, value in star["scores"].items()),
            person_id=people.get(star.get("person") or ""),
            family_words=star.get("family_words", ""),
            completed_by=worker_ids.get(star.get("completed_by", "")))
        uow.add(mapping.star_row(assessment))
    for plan_data in item.get("plans", []):
        _import_plan(uow, plan_data, family_id, clock)
    for note_data in item.get("notes", []):
        _import_note(uow, note_data, family_id, clock, worker_ids)
    import_consent(uow, item, family_id, people, clock.day, lead)
    import_concerns(uow, item, family_id, people, clock.day, clock.moment, lead,
                    worker_ids.get("s1", lead))
    for outcome in item.get("outcomes", []):
        achieved = clock.day(outcome["achieved_on"])
        assert achieved is not None
        uow.add(OutcomeRow(id=new_id(), family_id=family_id, criterion_key=outcome["criterion"],
                           achieved_on=achieved, evidence=outcome["evidence"]))
    import_claims_demo(uow, item, family_id, people, clock, lead)
    return len(item.get("notes", [])), len(item.get("stars", []))


def _import_plan(uow: UnitOfWork, data: dict[str, Any], family_id: str, clock: _Clock) -> None:
    plan = Plan(
        id=new_id(), family_id=family_id, version=int(data["version"]),
        status=PlanStatus(data["status"]), working_well=data.get("working_well", ""),
        worried_about=data.get("worried_about", ""),
        needs_to_happen=data.get("needs_to_happen", ""),
        family_words=data.get("family_words", ""),
        goals=tuple(Goal(id=new_id(), text=g["text"], star_domain_key=g.get("star_domain"),
                         actions=tuple(Action(id=new_id(), what=a["what"], who=a["who"],
                                              by_when=clock.day(a.get("by_when")),
                                              status=ActionStatus(a.get("status",
                                                                        "not-started")))
                                       for a in g.get("actions", [])))
                    for g in data.get("goals", [])),
        agreed_on=clock.day(data.get("agreed_on")), review_due=clock.day(data.get("review_due")))
    uow.add(PlanRow(id=plan.id, family_id=family_id, created_by=uow.actor_id,
                    **mapping.plan_values(plan)))  # type: ignore[arg-type]
    for position, goal in enumerate(plan.goals):
        uow.add(PlanGoalRow(id=goal.id, family_id=family_id, plan_id=plan.id, position=position,
                            text=goal.text, star_domain_key=goal.star_domain_key))
        for index, action in enumerate(goal.actions):
            uow.add(PlanActionRow(id=action.id, family_id=family_id, plan_id=plan.id,
                                  goal_id=goal.id, position=index, what=action.what,
                                  who=action.who, by_when=action.by_when,
                                  status=action.status.value))


def _import_note(uow: UnitOfWork, data: dict[str, Any], family_id: str, clock: _Clock,
                 worker_ids: dict[str, str]) -> None:
    occurred = clock.moment(data["occurred_at"])
    status = NoteStatus(data.get("status", "final"))
    note = ContactNote(
        id=new_id(), family_id=family_id, kind=NoteKind(data["kind"]), occurred_at=occurred,
        narrative=data.get("narrative", ""), present=tuple(data.get("present", [])),
        agencies=tuple(data.get("agencies", [])),
        duration_minutes=data.get("duration_minutes"), follow_ups=data.get("follow_ups", ""),
        author_id=worker_ids.get(data.get("author", "")), status=status,
        finalised_at=occurred + timedelta(hours=2) if status is NoteStatus.FINAL else None,
        outcome=ContactOutcome(data.get("outcome", "made")),
        child_seen=ChildSeen(data.get("child_seen", "not-recorded")),
        child_voice=data.get("child_voice", ""))
    uow.add(ContactNoteRow(id=note.id, family_id=family_id, **mapping.note_values(note)))  # type: ignore[arg-type]
    for addendum in data.get("addenda", []):
        uow.add(NoteAddendumRow(id=new_id(), family_id=family_id, note_id=note.id,
                                text=addendum["text"],
                                written_at=clock.moment(addendum["written_at"]),
                                author_id=worker_ids.get(addendum.get("author", ""))))
