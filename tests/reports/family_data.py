"""A family to print: accented names, a star series, an agreed plan, notes with an addendum."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from familyworker.domain.contact import NoteKind
from familyworker.domain.plan import Action, Goal
from familyworker.services.families import add_family, add_person, update_family
from familyworker.services.notes import add_addendum, save_note
from familyworker.services.plans import agree_plan, new_draft_plan, save_plan
from familyworker.services.programme import default_star_template
from familyworker.services.stars import score_star
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import WorkerRow

REFERENCE = "FAM-0042"
HOUSEHOLD = "O'Neill household"
WORKER = "Łukasz Nowak"


@dataclass(frozen=True)
class PrintedFamily:
    store: CaseloadStore
    family_id: str
    reference: str


def scores(base: int) -> dict[str, int]:
    return {key: min(10, max(1, base + i % 3)) for i, key in
            enumerate(default_star_template().domain_keys())}


def make_family(store: CaseloadStore, *, reference: str = REFERENCE, plan_words: int = 1,
                goals: int = 2, with_plan: bool = True) -> PrintedFamily:
    with store.unit_of_work() as uow:
        uow.add(WorkerRow(id="worker-1", name=WORKER, contact="07700 900123"))
    family = add_family(store, reference=reference, household_name=HOUSEHOLD,
                        postcode="LS1 4AB", lead_worker_id="worker-1")
    update_family(store, family.id, lead_worker_id="worker-1")
    add_person(store, family.id, name="Siobhán O'Neill", relationship="mum",
               date_of_birth=date(1990, 5, 1))
    zoe = add_person(store, family.id, name="Zoë O'Neill", relationship="daughter",
                     date_of_birth=date(2016, 2, 3))
    score_star(store, family_id=family.id, scores=scores(4), assessed_on=date(2025, 2, 1),
               person_id=zoe.id)
    score_star(store, family_id=family.id, scores=scores(3), assessed_on=date(2025, 1, 10))
    score_star(store, family_id=family.id, scores=scores(6), assessed_on=date(2025, 4, 10))
    if with_plan:
        draft = new_draft_plan(store, family.id)
        goal_list = tuple(
            Goal(id=f"g{n}", text=f"Zoë gets to school on time, goal {n}",
                 actions=(Action(id=f"a{n}", what="Set two alarms and lay out the uniform",
                                 who="Siobhán", by_when=date(2025, 5, 1)),
                          Action(id=f"b{n}", what="Talk to the school about breakfast club",
                                 who=WORKER, by_when=date(2025, 5, 8))))
            for n in range(1, goals + 1))
        plan = draft.edit(
            working_well="Zoë reads every night with Siobhán. " * plan_words,
            worried_about="Mornings are rushed and Zoë is often late. " * plan_words,
            needs_to_happen="A calm morning routine that everyone knows. " * plan_words,
            family_words="We want mornings to be less stressful. " * plan_words,
            goals=goal_list)
        save_plan(store, plan)
        agree_plan(store, plan, on=date(2025, 4, 12), review_due=date(2025, 7, 12))
    first = save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                      occurred_at=datetime(2025, 1, 10, 10, 0, tzinfo=UTC),
                      narrative="First visit: met Siobhán and Zoë at home.", finalise=True)
    save_note(store, family_id=family.id, kind=NoteKind.PHONE,
              occurred_at=datetime(2025, 2, 3, 14, 30, tzinfo=UTC),
              narrative="Phoned the school about Zoë's attendance.", finalise=True)
    add_addendum(store, first.id, "Correction: Zoë's grandmother was also present.")
    return PrintedFamily(store, family.id, reference)
