"""Assemble and write a claim's evidence pack: the frozen snapshot, the claim's progress since,
who recorded what (the audit), less what the family's consent keeps out.

Consent is read as it stands when the pack is printed, not when the claim was made: a
withdrawal since then still keeps that person's readings out of every pack printed after it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from familyworker.domain.audit import AuditAction
from familyworker.domain.consent import data_matching_refused
from familyworker.reports.claim_pack import (
    ClaimPack,
    PackEmployment,
    PackMeasure,
    PackProblem,
    PackReading,
    render_claim_pack,
)
from familyworker.reports.pdf_output import write_pdf_atomically
from familyworker.services.claims import claim_by_reference
from familyworker.services.consent import statements_in
from familyworker.services.queries import family_by_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    AuditEventRow,
    OutcomeClaimRow,
    WorkerRow,
)

UNKNOWN_WORKER = "a worker not on this device"
ENTITY_WORDS = {"measure_reading": "Reading recorded", "employment_spell": "Employment recorded"}


@dataclass(frozen=True, slots=True)
class WrittenPack:
    path: Path
    sha256: str
    family_id: str


def withheld_people(session: Session, family_id: str, people: Sequence[str]) -> set[str]:
    """People who refused, or withdrew, consent to data matching (``domain.consent``)."""
    statements = statements_in(session, family_id)
    return {p for p in people if data_matching_refused(statements, p)}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _period(reading: Mapping[str, Any]) -> str:
    end = date.fromisoformat(reading["period_end"])
    if not reading.get("period_start"):
        return f"{end:%d/%m/%Y}"
    return f"{date.fromisoformat(reading['period_start']):%d/%m/%Y} – {end:%d/%m/%Y}"


def _chain(session: Session, row: OutcomeClaimRow) -> list[OutcomeClaimRow]:
    """This version and every version it corrects, oldest first."""
    chain = [row]
    while chain[0].supersedes_id:
        older = session.get(OutcomeClaimRow, chain[0].supersedes_id)
        if older is None:
            break
        chain.insert(0, older)
    return chain


def build_claim_pack(store: CaseloadStore, claim_reference: str) -> tuple[str, ClaimPack]:
    with store.read() as session:
        row = claim_by_reference(session, claim_reference)
        family = family_by_id(session, row.family_id)
        snap: dict[str, Any] = row.snapshot or {}
        workers = {w.id: w.name for w in session.exec(select(WorkerRow)).all()}
        workers.update(snap.get("workers", {}))
        people: dict[str, str] = snap.get("people", {})
        person_ids = sorted({r["person_id"] for r in snap.get("readings", []) if r["person_id"]}
                            | {s["person_id"] for s in snap.get("spells", [])})
        no_consent = family.consent_given_on is None
        refused = withheld_people(session, row.family_id, person_ids)
        withheld: list[str] = []
        if no_consent:
            withheld.append("The family's consent to the programme is not recorded, so no "
                            "readings or employment records are printed in this pack.")
        elif refused:
            count = len(refused)
            withheld.append(f"Readings and employment records about {count} member"
                            f"{'s' if count != 1 else ''} of the household are left out: "
                            "their consent to data matching was refused or withdrawn.")

        def shown(person_id: str | None) -> bool:
            return not no_consent and person_id not in refused

        def who(worker_id: str | None) -> str:
            return workers.get(worker_id or "", UNKNOWN_WORKER)

        readings = [r for r in snap.get("readings", []) if shown(r["person_id"])]
        problems = tuple(_problem(p, readings, people, who) for p in snap.get("problems", []))
        spells = [s for s in snap.get("spells", []) if shown(s["person_id"])]
        employment = tuple(PackEmployment(
            person=people.get(e["person_id"], "Adult") if shown(e["person_id"])
            else "An adult (details left out)",
            rule=e["rule"], source=e["source"], verified_by=e["verified_by"],
            state=e["state"], reason=e["reason"] if shown(e["person_id"])
            else "Left out: no consent to data matching.", met_on=_day(e["met_on"]),
            spells=tuple((_shown_day(s["benefit_ended_on"]), _shown_day(s["started_on"]),
                          _shown_day(s["ended_on"], "still in work"), str(s["hours_per_week"]),
                          s["source_reference"] or "—", who(s["recorded_by"]))
                         for s in spells if s["person_id"] == e["person_id"]))
            for e in snap.get("employment", []))
        chain = _chain(session, row)
        history = _history(session, row.family_id, chain,
                           {r["id"]: r for r in readings} | {s["id"]: s for s in spells}, who)
        pack = ClaimPack(
            claim_reference=row.claim_reference, version=row.version, route=row.route,
            status=row.status, status_on=row.status_on, rejected_reason=row.rejected_reason,
            claimed_on=row.claimed_on, quarter=row.quarter, claimed_by=who(row.claimed_by),
            assessed_on=_day(snap.get("assessed_on")) or row.claimed_on,
            plan_name=snap.get("plan", ""),
            family_reference=snap.get("family", {}).get("reference", family.reference),
            household_name=snap.get("family", {}).get("household_name",
                                                      family.household_name),
            consent_given_on=family.consent_given_on, problems=problems,
            employment=employment, withheld=tuple(withheld), history=history)
        return row.family_id, pack


def _shown_day(text: str | None, empty: str = "—") -> str:
    return f"{date.fromisoformat(text):%d/%m/%Y}" if text else empty


def _problem(problem: Mapping[str, Any], readings: Sequence[Mapping[str, Any]],
             people: Mapping[str, str], who: Any) -> PackProblem:
    measures = []
    for measure in problem["measures"]:
        counted = set(measure["evidence_ids"])
        start = _day(measure["sustained_from"])
        rows = tuple(PackReading(
            period=_period(r), person=people.get(r["person_id"] or "", "Household"),
            value=f"{r['value']} {measure['unit']}".strip(),
            source_reference=r["source_reference"] or "—", verified_by=r["verified_by"] or "—",
            recorded_by=who(r["recorded_by"]),
            role="sustained period" if r["id"] in counted else
            "before" if start is None or date.fromisoformat(r["period_end"]) < start
            else "since met")
            for r in readings if r["measure_key"] == measure["key"])
        measures.append(PackMeasure(
            label=measure["label"], sustainment=measure["sustainment"],
            source=measure["source"], verified_by=measure["verified_by"],
            state=measure["state"], reason=measure["reason"], met_on=_day(measure["met_on"]),
            sustained_from=start, readings=rows))
    return PackProblem(label=problem["label"], identified_on=_day(problem["identified_on"]),
                       evidence=problem["evidence"], state=problem["state"],
                       reason=problem["reason"], met_on=_day(problem["met_on"]),
                       measures=tuple(measures))


def _history(session: Session, family_id: str, chain: Sequence[OutcomeClaimRow],
             shown: Mapping[str, Mapping[str, Any]], who: Any) -> tuple[tuple[str, str, str],
                                                                        ...]:
    """From the audit: the readings and spells in the pack being recorded, and each version
    of the claim being made or moved on. Withheld records are not mentioned."""
    versions = {r.id: r for r in chain}
    events = session.exec(select(AuditEventRow).where(
        AuditEventRow.family_id == family_id,
        col(AuditEventRow.entity_id).in_([*shown, *versions]))).all()
    def order(event: AuditEventRow) -> tuple[Any, ...]:
        # Records stored together (one import) read best in the order of their periods.
        record = shown.get(event.entity_id or "", {})
        claim = versions.get(event.entity_id or "")
        day = claim.claimed_on.isoformat() if claim else (
            record.get("period_end") or record.get("started_on") or "")
        return (event.at, day, event.id)

    lines = []
    for event in sorted(events, key=order):
        if event.entity_id in versions:
            claim = versions[event.entity_id]
            what = (f"Claim {claim.claim_reference} version {claim.version} submitted"
                    if event.action == AuditAction.CREATE.value else
                    f"Claim {claim.claim_reference} version {claim.version} status changed")
        else:
            record = shown[event.entity_id or ""]
            what = ENTITY_WORDS.get(event.entity, event.entity)
            if "measure_key" in record:
                what += f": {record['measure_key']}, {_period(record)}"
        lines.append((f"{event.at:%d/%m/%Y %H:%M}", what, who(event.actor_id)))
    return tuple(lines)


def export_claim_pack(store: CaseloadStore, claim_reference: str, *, out_path: Path,
                      printed_on: date | None = None) -> WrittenPack:
    """Render, write crash-safely with private permissions, then audit (identifiers only)."""
    family_id, pack = build_claim_pack(store, claim_reference)
    data = render_claim_pack(pack, printed_on=printed_on or date.today())
    digest = write_pdf_atomically(Path(out_path), data)
    with store.unit_of_work() as uow:
        uow.audit(AuditAction.EXPORT, entity="outcome_claim", family_id=family_id,
                  detail=f"report=claim-pack sha256={digest}")
    return WrittenPack(Path(out_path), digest, family_id)
