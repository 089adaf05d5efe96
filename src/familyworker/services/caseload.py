"""The caseload list with next-visit and review facts, computed in one pass of queries.

Read as plain SQL (no ORM): it is the first list shown after unlock, before SQLAlchemy loads.
"""

from datetime import date

from familyworker.domain.caseload import DuePolicy, FamilySummary, next_visit_due
from familyworker.domain.family import FamilyStatus
from familyworker.services.plain_queries import day, waiting_changes_by_family, week_summaries
from familyworker.store.caseload_store import (
    SETTING_WORKER_ID,
    SETTING_WORKER_NAME,
    CaseloadStore,
)

_FAMILIES_SQL = (
    "SELECT id, reference, household_name, postcode, status, lead_worker_id, next_visit_due, "
    "opened_on, referred_on, review_due, sustainability_review_due FROM family "
    "WHERE deleted_at IS NULL ORDER BY reference")


def list_caseload(store: CaseloadStore, *, today: date | None = None,
                  policy: DuePolicy | None = None) -> list[FamilySummary]:
    """Every live family in this caseload, ordered by reference."""
    today_ = today or date.today()
    rules = policy or DuePolicy()
    with store.raw_read() as conn:
        families = conn.execute(_FAMILIES_SQL).fetchall()
        workers = dict(conn.execute("SELECT id, name FROM worker").fetchall())
        me = store.setting(SETTING_WORKER_ID, connection=conn)
        my_name = store.setting(SETTING_WORKER_NAME, "Me", connection=conn)
        # Last contact and the agreed plan's review, as the store's triggers keep them.
        summaries_kept = week_summaries(conn)
        members: dict[str, list[str]] = {}
        for family_id, name in conn.execute(
                "SELECT family_id, name FROM person WHERE deleted_at IS NULL").fetchall():
            members.setdefault(family_id, []).append(name)
        pending = waiting_changes_by_family(conn)
    summaries = []
    for (family_id, reference, household, postcode, status, lead_id, explicit, opened,
         referred, family_review, sustainability_due) in families:
        kept = summaries_kept.get(family_id)
        contact_day = day(kept.last_contact_at) if kept else None
        review = day(kept.plan_review_due if kept else None) or day(family_review)
        closed = status == FamilyStatus.CLOSED.value
        if closed:
            review = day(sustainability_due)  # a closed case's only review: is it holding?
        lead_name = workers.get(lead_id or "", "")
        if not lead_name and lead_id == me:
            lead_name = str(my_name)
        summaries.append(FamilySummary(
            id=family_id, reference=reference, household_name=household,
            postcode=postcode, status=FamilyStatus(status),
            lead_worker_id=lead_id, lead_worker_name=lead_name,
            last_contact_on=contact_day,
            next_visit_due=None if closed else next_visit_due(
                explicit=day(explicit), last_contact=contact_day,
                opened_or_referred=day(opened) or day(referred), policy=rules),
            review_due=review, today=today_, member_names=tuple(members.get(family_id, ())),
            pending_changes=pending.get(family_id, 0)))
    return summaries
