"""Programme report over a large caseload: time to CSV and to PDF (target ≤ 5 s together);
and the quarterly return over the same caseload, CSV and PDF (target ≤ 2 s together).

The caseload (default 5,000 families, each with 3 needs, 3 members, 3 whole-family Web Stars
and seven monthly readings of the outcome plan's measure for one need; every tenth claimed)
is written straight into the encrypted store with bulk inserts, which is set-up and not
timed. Each timing is the whole export the user waits for: reading the store, computing the
figures and writing the file. Last line: one JSON object.
"""

import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from familyworker.domain.ids import new_id  # noqa: E402
from familyworker.domain.outcome_plan import Comparison, MeasureKind  # noqa: E402
from familyworker.domain.programme_figures import ReportPeriod  # noqa: E402
from familyworker.domain.quarterly_return import Quarter  # noqa: E402
from familyworker.services.outcome_plan_file import load_outcome_plan  # noqa: E402
from familyworker.services.programme import (  # noqa: E402
    default_framework,
    default_star_template,
)
from familyworker.services.programme_report import export_programme_report  # noqa: E402
from familyworker.services.quarterly_return import export_quarterly_return  # noqa: E402
from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402

TARGET_S = 5.0
RETURN_TARGET_S = 2.0
TODAY = date(2026, 6, 30)
RETURN_QUARTER = Quarter.parse("2026Q2")
TEAMS = (None, "team-north", "team-south", "team-east", "team-west")
LEVELS = ("", "high", "medium", "low")
SEXES = ("female", "male", "", "other")
PERIOD = ReportPeriod(date(2025, 7, 1), TODAY)
SYNC = ("{}", None, None, None)  # field_hlc, server_seq, deleted_at, deleted_hlc


def _insert(conn: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(("id", "field_hlc", "server_seq", "deleted_at", "deleted_hlc", *columns))
    marks = ", ".join("?" * (5 + len(columns)))
    conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def fill_caseload(store: CaseloadStore, families: int, *, seed: int = 6) -> None:
    """Bulk rows straight into the store (set-up only: the app writes one unit of work each)."""
    rng = random.Random(seed)
    keys = sorted(default_framework().keys())
    domains = default_star_template().domain_keys()
    template = default_star_template()
    statuses = ("referred", "open", "open", "open", "step-down", "closed")
    plan = load_outcome_plan()
    fam, needs, people, stars, readings, claims = [], [], [], [], [], []
    for n in range(families):
        fid = new_id()
        status = rng.choice(statuses)
        referred = TODAY - timedelta(days=rng.randint(20, 700))
        opened = None if status == "referred" else referred + timedelta(days=rng.randint(1, 15))
        closed = (min(TODAY, opened + timedelta(days=rng.randint(60, 400)))
                  if status == "closed" and opened else None)
        fam.append((fid, *SYNC, fid, f"FAM-{n:05d}", f"Bench household {n}", "", "LS1 4AB", "",
                    status, "outcomes-achieved" if closed else None, referred.isoformat(),
                    opened.isoformat() if opened else None,
                    closed.isoformat() if closed else None, "", None, rng.choice(TEAMS),
                    rng.choice(LEVELS)))
        for key in rng.sample(keys, 3):
            needs.append((new_id(), *SYNC, fid, key, "", referred.isoformat()))
        for age in (35, 12, 4):
            people.append((new_id(), *SYNC, fid, f"Member {n}", "",
                           (TODAY - timedelta(days=365 * age)).isoformat(), "", "[]",
                           rng.choice(SEXES)))
        base = rng.randint(2, 5)
        for visit in range(3):
            on = referred + timedelta(days=30 + 84 * visit)
            scores = [{"domain_key": d, "score": min(10, base + visit + rng.randint(0, 1)),
                       "note": ""} for d in domains]
            stars.append((new_id(), *SYNC, fid, None, on.isoformat(), template.key,
                          template.version, json.dumps(scores), "", None))
        # Seven monthly readings of the last need's measure, passing: the outcome plan's engine
        # has a run to walk for every family (met for some by the report's day, not for others).
        measure = plan.measures_for(needs[-1][6])[0]
        value = {MeasureKind.NONE_FOR_PERIOD: "0", MeasureKind.HELD_FOR_PERIOD: "1"}.get(
            measure.kind, str(measure.threshold + (1 if measure.comparison is
                                                   Comparison.AT_LEAST else -1)))
        start = referred + timedelta(days=rng.randint(10, 200))
        for month in range(7):
            begin, end = start + timedelta(days=30 * month), start + timedelta(days=30 * month + 29)
            if end <= TODAY:
                readings.append((new_id(), *SYNC, fid, None, measure.key, begin.isoformat(),
                                 end.isoformat(), value, "Bench source", "", "", "", None))
        if n % 10 == 0:
            claims.append((new_id(), *SYNC, fid, TODAY.isoformat(), f"SF-{n}", "bench", None,
                           str(RETURN_QUARTER), rng.choice(("claimed", "verified", "paid"))))
    conn = store.raw_connection()
    try:
        _insert(conn, "family", ("family_id", "reference", "household_name", "address",
                                 "postcode", "locality", "status", "closure_reason",
                                 "referred_on", "opened_on", "closed_on", "consent_scope",
                                 "lead_worker_id", "team_id", "intervention_level"), fam)
        _insert(conn, "family_criterion", ("family_id", "criterion_key", "evidence",
                                           "identified_on"), needs)
        _insert(conn, "person", ("family_id", "name", "relationship", "date_of_birth",
                                 "school_setting", "flags", "sex"), people)
        _insert(conn, "star_assessment", ("family_id", "person_id", "assessed_on",
                                          "template_key", "template_version", "scores",
                                          "family_words", "completed_by"), stars)
        _insert(conn, "measure_reading", ("family_id", "person_id", "measure_key",
                                          "period_start", "period_end", "value", "source",
                                          "source_reference", "verified_by", "note",
                                          "recorded_by"), readings)
        _insert(conn, "outcome_claim", ("family_id", "claimed_on", "claim_reference",
                                        "rule_key", "claimed_by", "quarter", "status"), claims)
        conn.commit()
    finally:
        conn.close()


def measure_programme_report(families: int = 5_000, *,
                             folder: Path | None = None) -> dict[str, Any]:
    """Build a caseload of `families`, then time the CSV export and the PDF export."""
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        store = CaseloadStore.create(where / "caseload", "bench passphrase for reports",
                                     kdf=KDF_FLOOR)
        try:
            fill_caseload(store, families)
            start = time.perf_counter()
            csv_result = export_programme_report(store, PERIOD, csv_path=where / "p.csv")
            csv_s = time.perf_counter() - start
            start = time.perf_counter()
            export_programme_report(store, PERIOD, pdf_path=where / "p.pdf", printed_on=TODAY)
            pdf_s = time.perf_counter() - start
            pdf_bytes = (where / "p.pdf").stat().st_size
        finally:
            store.lock()
    return {"families": families, "in_scope": csv_result.figures.families,
            "csv_s": round(csv_s, 3), "pdf_s": round(pdf_s, 3),
            "together_s": round(csv_s + pdf_s, 3), "target_s": TARGET_S,
            "pdf_kib": round(pdf_bytes / 1024), "met": csv_s + pdf_s <= TARGET_S}


def measure_quarterly_return(families: int = 5_000) -> dict[str, Any]:
    """Build a caseload of `families`, then time the return's CSV and PDF exports (each the
    whole wait: reading the store, counting, writing the file)."""
    with tempfile.TemporaryDirectory() as scratch:
        where = Path(scratch)
        store = CaseloadStore.create(where / "caseload", "bench passphrase for the return",
                                     kdf=KDF_FLOOR)
        try:
            fill_caseload(store, families)
            start = time.perf_counter()
            done = export_quarterly_return(store, RETURN_QUARTER, csv_path=where / "r.csv",
                                           today=TODAY)
            csv_s = time.perf_counter() - start
            start = time.perf_counter()
            export_quarterly_return(store, RETURN_QUARTER, pdf_path=where / "r.pdf",
                                    today=TODAY)
            pdf_s = time.perf_counter() - start
            # What `report return --out FILE.csv --pdf FILE.pdf` waits for: one read, both files.
            start = time.perf_counter()
            export_quarterly_return(store, RETURN_QUARTER, csv_path=where / "r2.csv",
                                    pdf_path=where / "r2.pdf", today=TODAY)
            both_s = time.perf_counter() - start
        finally:
            store.lock()
    return {"families": families, "worked_with": done.result.total.families,
            "teams": len(done.result.teams), "with_cost": len(done.result.family_costs),
            "csv_s": round(csv_s, 3), "pdf_s": round(pdf_s, 3),
            "together_s": round(csv_s + pdf_s, 3), "one_command_s": round(both_s, 3),
            "target_s": RETURN_TARGET_S, "met": csv_s + pdf_s <= RETURN_TARGET_S,
            "load_average": round(os.getloadavg()[0], 2)}


def main() -> int:
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    quarterly = measure_quarterly_return(families)
    print(f"Quarterly return {RETURN_QUARTER} over {families:,} families "
          f"({quarterly['worked_with']:,} worked with, {quarterly['teams']} team columns): "
          f"CSV {quarterly['csv_s']:.2f} s, PDF {quarterly['pdf_s']:.2f} s, together "
          f"{quarterly['together_s']:.2f} s (target ≤ {RETURN_TARGET_S:.0f} s); both from one "
          f"command {quarterly['one_command_s']:.2f} s; load average "
          f"{quarterly['load_average']}.")
    figures = measure_programme_report(families)
    print(f"Programme report over {figures['families']:,} families "
          f"({figures['in_scope']:,} in scope): CSV {figures['csv_s']:.2f} s, "
          f"PDF {figures['pdf_s']:.2f} s, together {figures['together_s']:.2f} s "
          f"(target ≤ {TARGET_S:.0f} s).")
    print(json.dumps({**figures, "return": quarterly}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
