"""What a claim rests on, frozen into it when submitted (`outcome_claim.snapshot`): the pack is
printed from this, so later edits to the family change nothing in a submitted claim."""

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from familyworker.domain.claims import ClaimRoute
from familyworker.domain.outcome_plan import OutcomePlan
from familyworker.services.outcome_evidence import needs_of, progress_in
from familyworker.services.queries import family_by_id, live_rows
from familyworker.store.tables import (
    EmploymentSpellRow,
    MeasureReadingRow,
    PersonRow,
    WorkerRow,
)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def build_snapshot(session: Session, plan: OutcomePlan, family_id: str, *, route: ClaimRoute,
                   person_id: str | None, on: date) -> dict[str, Any]:
    """Everything the claim rests on, as plain JSON: the pack is printed from this, so later
    edits to the family change nothing in a submitted claim."""
    family = family_by_id(session, family_id)
    progress = progress_in(session, plan, family_id, on)
    needs = {r.criterion_key: r for r in needs_of(session, family_id)}
    readings = sorted(live_rows(session, MeasureReadingRow, family_id),
                      key=lambda r: (r.measure_key, r.person_id or "", r.period_end, r.id))
    spells = sorted((r for r in live_rows(session, EmploymentSpellRow, family_id)
                     if route is ClaimRoute.OUTCOME_PLAN or r.person_id == person_id),
                    key=lambda r: (r.started_on, r.id))
    people = {p.id: p.name for p in live_rows(session, PersonRow, family_id)}
    recorders = {r.recorded_by for r in readings} | {s.recorded_by for s in spells}
    workers = {w.id: w.name for w in session.exec(select(WorkerRow).where(
        col(WorkerRow.id).in_([r for r in recorders if r]))).all()}
    return {
        "assessed_on": on.isoformat(), "plan": plan.name, "route": route.value,
        "person_id": person_id,
        "family": {"reference": family.reference, "household_name": family.household_name,
                   "consent_given_on": _day(family.consent_given_on)},
        "problems": [{
            "key": p.problem, "label": p.label, "state": p.state.value, "reason": p.reason,
            "met_on": _day(p.met_on), "due_on": _day(p.due_on),
            "identified_on": _day(needs[p.problem].identified_on) if p.problem in needs else None,
            "evidence": needs[p.problem].evidence if p.problem in needs else "",
            "measures": [{
                "key": m.measure.key, "label": m.measure.label, "kind": m.measure.kind.value,
                "sustainment": m.measure.sustainment_in_words, "source": m.measure.source,
                "verified_by": m.measure.verified_by, "unit": m.measure.unit,
                "state": m.state.value, "reason": m.reason, "met_on": _day(m.met_on),
                "sustained_from": _day(m.sustained_from), "evidence_ids": list(m.evidence_ids),
            } for m in p.measures]} for p in progress.problems]
        if route is ClaimRoute.OUTCOME_PLAN else [],
        "employment": [{
            "person_id": e.person_id, "state": e.state.value, "reason": e.reason,
            "met_on": _day(e.met_on), "sustained_from": _day(e.sustained_from),
            "evidence_ids": list(e.evidence_ids),
            "rule": f"{plan.employment.weeks} weeks in a row at "
                    f"{plan.employment.min_hours_per_week} or more hours a week",
            "source": plan.employment.source, "verified_by": plan.employment.verified_by,
        } for e in progress.employment if e.person_id == person_id],
        "readings": [{
            "id": r.id, "measure_key": r.measure_key, "person_id": r.person_id,
            "period_start": _day(r.period_start), "period_end": _day(r.period_end),
            "value": r.value, "source": r.source, "source_reference": r.source_reference,
            "verified_by": r.verified_by, "recorded_by": r.recorded_by,
        } for r in readings] if route is ClaimRoute.OUTCOME_PLAN else [],
        "spells": [{
            "id": s.id, "person_id": s.person_id, "benefit_ended_on": _day(s.benefit_ended_on),
            "started_on": _day(s.started_on), "ended_on": _day(s.ended_on),
            "hours_per_week": s.hours_per_week, "source": s.source,
            "source_reference": s.source_reference, "recorded_by": s.recorded_by,
        } for s in spells],
        "people": people,
        "workers": workers,
    }
