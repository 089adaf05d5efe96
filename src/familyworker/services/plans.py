"""Plan on a page: edit the draft, agree it with the family, start the next version."""

from datetime import date, timedelta

from sqlmodel import Session

from familyworker.domain.errors import ImmutableRecord, ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.plan import Plan
from familyworker.services.queries import family_by_id, live_rows
from familyworker.store import mapping
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import PlanActionRow, PlanGoalRow, PlanRow
from familyworker.store.unit_of_work import UnitOfWork

DEFAULT_REVIEW_WEEKS = 12


def _current(session: Session, family_id: str) -> tuple[PlanRow | None, Plan | None]:
    rows = sorted(live_rows(session, PlanRow, family_id), key=lambda p: p.version)
    if not rows:
        return None, None
    row = rows[-1]
    goals = [g for g in live_rows(session, PlanGoalRow, family_id) if g.plan_id == row.id]
    actions = [a for a in live_rows(session, PlanActionRow, family_id) if a.plan_id == row.id]
    return row, mapping.plan_from_rows(row, goals, actions)


def save_plan(store: CaseloadStore, plan: Plan) -> Plan:
    """Write a draft plan with its goals and actions (goals and actions are rows, not blobs)."""
    if plan.is_agreed:
        raise ImmutableRecord("An agreed plan cannot be changed; start a new version.")
    with store.unit_of_work() as uow:
        _save_draft(uow, plan)
    return plan


def _save_draft(uow: UnitOfWork, plan: Plan) -> PlanRow:
    family_by_id(uow.session, plan.family_id)
    row, existing = _current(uow.session, plan.family_id)
    if (row is not None and existing is not None and row.id != plan.id
            and (not existing.is_agreed or plan.version != existing.version + 1)):
        raise ValidationError("This plan has a newer version; reopen the family file.")
    if row is not None and row.id == plan.id:
        if existing is not None and existing.is_agreed:
            raise ImmutableRecord("This plan was agreed with the family; start a new version.")
        uow.update(row, mapping.plan_values(plan))
    else:
        row = PlanRow(id=plan.id, family_id=plan.family_id, created_by=uow.actor_id,
                      **mapping.plan_values(plan))  # type: ignore[arg-type]
        uow.add(row)
    _write_goals(uow, plan)
    return row


def _write_goals(uow: UnitOfWork, plan: Plan) -> None:
    session = uow.session
    old_goals = {g.id: g for g in live_rows(session, PlanGoalRow, plan.family_id)
                 if g.plan_id == plan.id}
    old_actions = {a.id: a for a in live_rows(session, PlanActionRow, plan.family_id)
                   if a.plan_id == plan.id}
    for position, goal in enumerate(plan.goals):
        values = {"text": goal.text, "star_domain_key": goal.star_domain_key,
                  "position": position}
        if goal.id in old_goals:
            uow.update(old_goals.pop(goal.id), values)
        else:
            uow.add(PlanGoalRow(id=goal.id, family_id=plan.family_id, plan_id=plan.id,
                                **values))  # type: ignore[arg-type]
        for index, action in enumerate(goal.actions):
            action_values = {"what": action.what, "who": action.who, "by_when": action.by_when,
                             "status": action.status.value, "position": index,
                             "goal_id": goal.id}
            if action.id in old_actions:
                uow.update(old_actions.pop(action.id), action_values)
            else:
                uow.add(PlanActionRow(id=action.id, family_id=plan.family_id, plan_id=plan.id,
                                      **action_values))  # type: ignore[arg-type]
    for gone in (*old_goals.values(), *old_actions.values()):
        uow.delete(gone)


def current_plan(store: CaseloadStore, family_id: str) -> Plan | None:
    with store.read() as session:
        return _current(session, family_id)[1]


def new_draft_plan(store: CaseloadStore, family_id: str) -> Plan:
    """The plan to edit now: the current draft, or a new version after the agreed one."""
    existing = current_plan(store, family_id)
    if existing is None:
        return Plan(id=new_id(), family_id=family_id, version=1)
    if existing.is_agreed:
        return existing.revise(new_id=new_id)
    return existing


def agree_plan(store: CaseloadStore, plan: Plan, *, on: date | None = None,
               review_due: date | None = None) -> Plan:
    """Save the draft as agreed with the family; from now on it is read-only."""
    day = on or date.today()
    agreed = plan.agree(on=day, review_due=review_due
                        or day + timedelta(weeks=DEFAULT_REVIEW_WEEKS))
    with store.unit_of_work() as uow:
        row = _save_draft(uow, plan)
        uow.update(row, mapping.plan_values(agreed))
    return agreed


def agree_and_start_new_version(store: CaseloadStore, plan: Plan, *, on: date | None = None,
                                review_due: date | None = None) -> tuple[Plan, Plan]:
    """'Agree and start new version': the agreed plan, and the next draft to work on."""
    agreed = agree_plan(store, plan, on=on, review_due=review_due)
    draft = agreed.revise(new_id=new_id)
    return agreed, draft
