"""The caseload list with next-visit and review facts, computed in one pass of queries."""

from datetime import date

from sqlmodel import col, func, select

from familyworker.domain.caseload import DuePolicy, FamilySummary, next_visit_due
from familyworker.domain.family import FamilyStatus
from familyworker.services.queries import is_waiting_change, last_contact_by_family
from familyworker.store.caseload_store import (
    SETTING_WORKER_ID,
    SETTING_WORKER_NAME,
    CaseloadStore,
)
from familyworker.store.tables import (
    FamilyRow,
    OutboxRow,
    PersonRow,
    PlanRow,
    WorkerRow,
)


def list_caseload(store: CaseloadStore, *, today: date | None = None,
                  policy: DuePolicy | None = None) -> list[FamilySummary]:
    """Every live family in this caseload, ordered by reference."""
    day = today or date.today()
    rules = policy or DuePolicy()
    with store.read() as session:
        families = session.exec(select(FamilyRow).where(col(FamilyRow.deleted_at).is_(None))
                                .order_by(FamilyRow.reference)).all()
        workers = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
        me = store.setting(SETTING_WORKER_ID, session=session)
        my_name = store.setting(SETTING_WORKER_NAME, "Me", session=session)
        last_contact = last_contact_by_family(session)
        members: dict[str, list[str]] = {}
        for family_id, name in session.exec(select(PersonRow.family_id, PersonRow.name).where(
                col(PersonRow.deleted_at).is_(None))).all():
            members.setdefault(family_id, []).append(name)
        plan_review: dict[str, tuple[int, date | None]] = {}
        for family_id, version, review in session.exec(
                select(PlanRow.family_id, PlanRow.version, col(PlanRow.review_due)).where(
                    col(PlanRow.deleted_at).is_(None), PlanRow.status == "agreed")).all():
            if family_id not in plan_review or version > plan_review[family_id][0]:
                plan_review[family_id] = (version, review)
        pending = dict(session.exec(select(OutboxRow.family_id, func.count())
                                    .where(is_waiting_change())
                                    .group_by(OutboxRow.family_id)).all())
    summaries = []
    for row in families:
        contact = last_contact.get(row.id)
        contact_day = contact.date() if contact else None
        review = plan_review.get(row.id, (0, None))[1] or row.review_due
        if row.status == FamilyStatus.CLOSED.value:
            review = row.sustainability_review_due  # a closed case's only review: is it holding?
        lead_name = workers.get(row.lead_worker_id or "", "")
        if not lead_name and row.lead_worker_id == me:
            lead_name = str(my_name)
        summaries.append(FamilySummary(
            id=row.id, reference=row.reference, household_name=row.household_name,
            postcode=row.postcode, status=FamilyStatus(row.status),
            lead_worker_id=row.lead_worker_id, lead_worker_name=lead_name,
            last_contact_on=contact_day,
            next_visit_due=next_visit_due(explicit=row.next_visit_due, last_contact=contact_day,
                                          opened_or_referred=row.opened_on or row.referred_on,
                                          policy=rules)
            if row.status != FamilyStatus.CLOSED.value else None,
            review_due=review, today=day, member_names=tuple(members.get(row.id, ())),
            pending_changes=int(pending.get(row.id, 0))))
    return summaries
