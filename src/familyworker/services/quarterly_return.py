"""The quarterly return from this caseload (a supervisor's synced data): read the rows the
return needs in a few whole-table queries, count them (`domain.quarterly_return`), write the
CSV and PDF crash-safely and audit the export (counts only, no names)."""

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from familyworker.atomic_file import write_atomically
from familyworker.domain.audit import AuditAction
from familyworker.domain.quarter import Quarter
from familyworker.domain.quarterly_return import (
    QuarterlyReturn,
    UnitCosts,
    facts_from_rows,
    family_costs_csv,
    plan_outcomes,
    quarterly_return,
    return_csv,
)
from familyworker.reports.pdf_output import sha256_hex
from familyworker.reports.quarterly_return import render_quarterly_return
from familyworker.resources import load_json
from familyworker.services.outcome_evidence import outcome_plan
from familyworker.services.plain_queries import live_table_rows
from familyworker.services.programme import default_framework
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.database import Connection
from familyworker.store.tables import (
    FamilyCriterionRow,
    FamilyRow,
    MeasureReadingRow,
    OutcomeClaimRow,
    PersonRow,
    TeamRow,
)

FAMILY_COLUMNS = ("id", "reference", "team_id", "opened_on", "closed_on", "closure_reason",
                  "intervention_level")
CRITERION_COLUMNS = ("family_id", "criterion_key", "identified_on")
PERSON_COLUMNS = ("family_id", "date_of_birth", "sex")
READING_COLUMNS = ("id", "family_id", "measure_key", "person_id", "period_start",
                   "period_end", "value")
CLAIM_COLUMNS = ("id", "family_id", "quarter", "claimed_on", "route", "status",
                 "supersedes_id")


@cache
def default_unit_costs() -> UnitCosts:
    return UnitCosts.from_json(load_json("costs", "unit_costs.json"))


def _live(conn: Connection, table: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """Live rows' named columns by name (plain SQL: no ORM for 5,000 families)."""
    return [dict(zip(names, row, strict=True)) for row in live_table_rows(conn, table, names)]


@dataclass(frozen=True, slots=True)
class ReturnInput:
    result: QuarterlyReturn
    team_names: dict[str, str]


def build_quarterly_return(store: CaseloadStore, quarter: Quarter, *,
                           today: date | None = None,
                           costs: UnitCosts | None = None) -> ReturnInput:
    with store.raw_read() as conn:
        families = _live(conn, FamilyRow, FAMILY_COLUMNS)
        criteria = _live(conn, FamilyCriterionRow, CRITERION_COLUMNS)
        people = _live(conn, PersonRow, PERSON_COLUMNS)
        readings = _live(conn, MeasureReadingRow, READING_COLUMNS)
        claims = _live(conn, OutcomeClaimRow, CLAIM_COLUMNS)
        teams = {t["id"]: t["name"] for t in _live(conn, TeamRow, ("id", "name"))}
    # Problems met are the outcome plan's judgement, as on the Outcomes tab, with all the
    # evidence there is on the day the return is run: a problem met on 21 September and shown
    # by a reading ending in October counts in the September quarter, as a hand-recorded
    # outcome dated then did.
    outcomes = plan_outcomes(outcome_plan(store), criteria, readings, today or date.today())
    facts, claim_facts = facts_from_rows(families, criteria, people, outcomes, claims)
    framework = default_framework()
    result = quarterly_return(
        facts, claim_facts, quarter=quarter,
        problems=tuple((c.key, c.label) for c in framework.criteria),
        costs=costs or default_unit_costs(), today=today or date.today(),
        team_order=sorted(teams, key=lambda t: teams[t]))
    return ReturnInput(result, teams)


@dataclass(frozen=True, slots=True)
class ExportedReturn:
    result: QuarterlyReturn
    csv_sha256: str | None
    pdf_sha256: str | None


def export_quarterly_return(store: CaseloadStore, quarter: Quarter, *,
                            csv_path: Path | None = None, pdf_path: Path | None = None,
                            family_costs_path: Path | None = None,
                            today: date | None = None) -> ExportedReturn:
    built = build_quarterly_return(store, quarter, today=today)
    result, names = built.result, built.team_names
    csv_sha = pdf_sha = None
    if csv_path is not None:
        data = return_csv(result, names).encode("utf-8")
        write_atomically(Path(csv_path), data)
        csv_sha = sha256_hex(data)
    if family_costs_path is not None:
        write_atomically(Path(family_costs_path),
                         family_costs_csv(result, names).encode("utf-8"))
    if pdf_path is not None:
        pdf = render_quarterly_return(result, team_names=names, costs=default_unit_costs(),
                                      printed_on=today or date.today())
        write_atomically(Path(pdf_path), pdf)
        pdf_sha = sha256_hex(pdf)
    with store.unit_of_work() as uow:
        uow.audit(AuditAction.EXPORT, entity="quarterly_return",
                  detail=f"quarter={quarter} families={result.total.families} "
                         f"csv={csv_sha or '-'} pdf={pdf_sha or '-'}")
    return ExportedReturn(result, csv_sha, pdf_sha)
