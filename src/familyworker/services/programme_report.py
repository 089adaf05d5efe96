"""The programme report: figures for a period, as CSV and as a PDF with charts.

How the period applies is set out in `familyworker.domain.programme_figures`. The facts are
read in a handful of whole-table queries (no per-family queries), so 5,000 families take well
under a second to gather. The CSV and the PDF carry family references, never names.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from familyworker.atomic_file import write_atomically
from familyworker.domain.audit import AuditAction
from familyworker.domain.claims import ClaimRecord, ClaimRoute, ClaimStatus
from familyworker.domain.family import FamilyStatus
from familyworker.domain.outcome_progress import EmploymentSpell, Reading
from familyworker.domain.programme_figures import (
    FamilyFacts,
    ProgrammeFigures,
    ReportPeriod,
    programme_figures,
)
from familyworker.reports.pdf_output import sha256_hex
from familyworker.reports.programme_report import render_programme_report
from familyworker.services.outcome_evidence import outcome_plan
from familyworker.services.plain_queries import live_table_rows
from familyworker.services.programme import default_framework, default_star_template
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import (
    EmploymentSpellRow,
    FamilyCriterionRow,
    FamilyRow,
    MeasureReadingRow,
    OutcomeClaimRow,
    PersonRow,
    StarAssessmentRow,
)

BASE_COLUMNS = ("reference", "status", "needs_count", "eligible", "first_star_date",
                "latest_star_date")
# Outcomes are the outcome plan's (the Outcomes tab's) judgement as of the report's day.
EXTRA_COLUMNS = ("needs", "opened_on", "closed_on", "case_days", "problems_met",
                 "problems_on_course", "plan_met_on", "claim")


@dataclass(frozen=True, slots=True)
class ExportedReport:
    figures: ProgrammeFigures
    csv_path: Path | None
    pdf_path: Path | None
    csv_sha256: str | None
    pdf_sha256: str | None


def _grouped(rows: list[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        groups[row[0]].append(tuple(row[1:]))
    return groups


def load_facts(store: CaseloadStore) -> list[FamilyFacts]:
    """Every live family's report facts, gathered in one read snapshot."""
    with store.raw_read() as conn:
        families = live_table_rows(conn, FamilyRow, ("id", "reference", "status", "referred_on",
                                                     "opened_on", "closed_on"))
        needs = _grouped(live_table_rows(conn, FamilyCriterionRow, (
            "family_id", "criterion_key", "identified_on", "id")))
        people = _grouped(live_table_rows(conn, PersonRow, ("family_id", "date_of_birth",
                                                            "flags")))
        stars = _grouped([r for r in live_table_rows(conn, StarAssessmentRow, (
            "family_id", "assessed_on", "scores", "person_id"))
                          if r[3] is None])  # whole-family assessments only
        # The outcome plan's evidence and the claims, the columns the engines read.
        readings = _grouped(live_table_rows(conn, MeasureReadingRow, (
            "family_id", "id", "measure_key", "person_id", "period_start", "period_end",
            "value")))
        spells = _grouped(live_table_rows(conn, EmploymentSpellRow, (
            "family_id", "id", "person_id", "benefit_ended_on", "started_on", "ended_on",
            "hours_per_week")))
        claims = _grouped(live_table_rows(conn, OutcomeClaimRow, (
            "family_id", "id", "route", "person_id", "claim_reference", "claimed_on",
            "quarter", "status", "version", "supersedes_id")))
    facts = []
    for family_id, reference, status, referred_on, opened_on, closed_on in families:
        family_needs = sorted(needs.get(family_id, ()), key=lambda n: (n[1] or date.min, n[2]))
        family_people = people.get(family_id, ())
        facts.append(FamilyFacts(
            family_id=family_id, reference=reference, status=FamilyStatus(status),
            referred_on=referred_on, opened_on=opened_on, closed_on=closed_on,
            needs=tuple(dict.fromkeys(n[0] for n in family_needs)),
            dates_of_birth=tuple(p[0] for p in family_people),
            flags=tuple(tuple(p[1] or ()) for p in family_people),
            stars=tuple((s[0], _scores(s[1])) for s in stars.get(family_id, ())),
            readings=tuple(Reading(id=r[0], measure_key=r[1], person_id=r[2],
                                   period_start=r[3], period_end=r[4], value=Decimal(r[5]))
                           for r in readings.get(family_id, ())),
            spells=tuple(EmploymentSpell(id=e[0], person_id=e[1], benefit_ended_on=e[2],
                                         started_on=e[3], ended_on=e[4], hours_per_week=e[5])
                         for e in spells.get(family_id, ())),
            claims=tuple(ClaimRecord(id=c[0], family_id=family_id, route=ClaimRoute(c[1]),
                                     person_id=c[2], claim_reference=c[3], claimed_on=c[4],
                                     quarter=c[5], status=ClaimStatus(c[6]), version=c[7],
                                     supersedes_id=c[8])
                         for c in claims.get(family_id, ()))))
    return facts


def _scores(raw: list[dict[str, Any]]) -> Mapping[str, int]:
    return {str(s["domain_key"]): int(s["score"]) for s in raw}


def build_programme_report(store: CaseloadStore, period: ReportPeriod, *,
                           today: date | None = None) -> ProgrammeFigures:
    """The figures as of the earlier of the period's end and ``today`` (default: today),
    judged by the caseload's outcome plan (the council's copy, else the example)."""
    return programme_figures(load_facts(store), period=period, framework=default_framework(),
                             template=default_star_template(), plan=outcome_plan(store),
                             today=today or date.today())


def csv_columns(figures: ProgrammeFigures) -> list[str]:
    return [*BASE_COLUMNS, *(f"change_{key}" for key, _ in figures.domains), *EXTRA_COLUMNS]


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def programme_csv(figures: ProgrammeFigures) -> str:
    """One row per family in scope; a change column is blank without two stars in range."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(figures))
    for line in figures.lines:
        changes = [("" if line.changes.get(key) is None else str(line.changes[key]))
                   for key, _ in figures.domains]
        writer.writerow([
            line.reference, line.status.value, len(line.needs),
            "yes" if line.eligible else "no", _day(line.first_star_date),
            _day(line.latest_star_date), *changes, ";".join(line.needs), _day(line.opened_on),
            _day(line.closed_on), "" if line.case_days is None else line.case_days,
            line.problems_met, len(line.on_course_problems), _day(line.plan_met_on),
            line.claim_state])
    return buffer.getvalue()


def export_programme_report(store: CaseloadStore, period: ReportPeriod, *,
                            csv_path: Path | None = None, pdf_path: Path | None = None,
                            printed_on: date | None = None) -> ExportedReport:
    """Build once, write each file crash-safely, then audit the export (counts only)."""
    figures = build_programme_report(store, period)
    csv_sha = pdf_sha = None
    if csv_path is not None:
        data = programme_csv(figures).encode("utf-8")
        write_atomically(Path(csv_path), data)
        csv_sha = sha256_hex(data)
    if pdf_path is not None:
        pdf = render_programme_report(figures, printed_on=printed_on or date.today())
        write_atomically(Path(pdf_path), pdf)
        pdf_sha = sha256_hex(pdf)
    with store.unit_of_work() as uow:
        uow.audit(AuditAction.EXPORT, entity="programme_report",
                  detail=f"from={period.start} to={period.end} families={figures.families} "
                         f"csv={csv_sha or '-'} pdf={pdf_sha or '-'}")
    return ExportedReport(figures, Path(csv_path) if csv_path else None,
                          Path(pdf_path) if pdf_path else None, csv_sha, pdf_sha)
