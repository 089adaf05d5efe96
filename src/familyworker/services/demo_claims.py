"""The demo's outcome-plan readings, employment spells and claims: one family ready to claim,
one claimed, one not yet, and one adult's employment ready on its own (docs/claims.md)."""

from datetime import date, timedelta
from typing import Any, Protocol

from familyworker.domain.claims import ClaimRoute, ClaimStatus
from familyworker.domain.ids import new_id
from familyworker.domain.quarter import Quarter
from familyworker.services.claim_snapshot import build_snapshot
from familyworker.services.outcome_plan_file import load_outcome_plan
from familyworker.store.tables import EmploymentSpellRow, MeasureReadingRow, OutcomeClaimRow
from familyworker.store.unit_of_work import UnitOfWork


class DemoClock(Protocol):
    def day(self, offset: int | None) -> date | None: ...


def _periods(reading: dict[str, Any], clock: DemoClock) -> list[tuple[date | None, date]]:
    if "series_from" not in reading:  # one reading
        end = clock.day(reading["end"])
        assert end is not None
        return [(clock.day(reading.get("start")), end)]
    first = clock.day(reading["series_from"])
    assert first is not None
    every = int(reading["every"])
    return [(first + timedelta(days=every * k), first + timedelta(days=every * k + every - 1))
            for k in range(int(reading["count"]))]


def import_claims_demo(uow: UnitOfWork, item: dict[str, Any], family_id: str,
                       people: dict[str, str], clock: DemoClock, lead: str | None) -> None:
    plan = load_outcome_plan(None)  # the shipped example: the demo is written for it
    for reading in item.get("readings", []):
        measure = plan.measure(reading["measure"])
        for start, end in _periods(reading, clock):
            uow.add(MeasureReadingRow(
                id=new_id(), family_id=family_id, person_id=people.get(reading["person"] or ""),
                measure_key=measure.key, period_start=start, period_end=end,
                value=reading["value"], source=measure.source,
                source_reference=reading.get("source_reference", ""),
                verified_by=reading.get("verified_by", ""), note="", recorded_by=lead))
    for spell in item.get("employment", []):
        started = clock.day(spell["started_on"])
        assert started is not None
        uow.add(EmploymentSpellRow(
            id=new_id(), family_id=family_id, person_id=people[spell["person"]],
            benefit_ended_on=clock.day(spell.get("benefit_ended_on")), started_on=started,
            ended_on=clock.day(spell.get("ended_on")), hours_per_week=spell["hours_per_week"],
            source=plan.employment.source, source_reference=spell.get("source_reference", ""),
            note="", recorded_by=lead))
    for claim in item.get("claims", []):
        claimed_on = clock.day(claim["claimed_on"])
        assert claimed_on is not None
        route = ClaimRoute(claim["route"])
        person = people.get(claim.get("person") or "")
        uow.session.flush()  # the snapshot reads the rows just added
        uow.add(OutcomeClaimRow(
            id=new_id(), family_id=family_id, claimed_on=claimed_on,
            claim_reference=claim["reference"], rule_key=route.value, claimed_by=lead,
            route=route.value, person_id=person, quarter=str(Quarter.of(claimed_on)),
            status=ClaimStatus.CLAIMED.value, status_on=claimed_on,
            snapshot=build_snapshot(uow.session, plan, family_id, route=route,
                                    person_id=person, on=claimed_on)))
