"""Claims over a caseload: the claims list (every family assessed against the outcome plan),
the pure engine alone, and one evidence pack. Default 1,000 families, each with two problems,
14 monthly readings and an employment spell; every fifth claimed. Set-up is bulk inserts, not
timed. Last line: one JSON object of figures.
"""

import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from familyworker.domain.claims import Quarter  # noqa: E402
from familyworker.domain.ids import new_id  # noqa: E402
from familyworker.domain.outcome_progress import (  # noqa: E402
    EmploymentSpell,
    Reading,
    assess_family,
)
from familyworker.reports.claim_pack import render_claim_pack  # noqa: E402
from familyworker.services.claim_pack import build_claim_pack  # noqa: E402
from familyworker.services.claims import claims_list, submit_claim  # noqa: E402
from familyworker.services.outcome_plan_file import load_outcome_plan  # noqa: E402
from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402

TODAY = date(2026, 9, 30)
SYNC = ("{}", None, None, None)


def _insert(conn: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(("id", "field_hlc", "server_seq", "deleted_at", "deleted_hlc", *columns))
    marks = ", ".join("?" * (5 + len(columns)))
    conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def _month_periods() -> list[tuple[date, date]]:
    periods, start = [], date(2025, 9, 1)
    for _ in range(7):
        end = (start + timedelta(days=32)).replace(day=1)
        periods.append((start, end - timedelta(days=1)))
        start = end
    return periods


def fill(store: CaseloadStore, families: int) -> list[str]:
    fam, needs, people, readings, spells = [], [], [], [], []
    ids = []
    for n in range(families):
        fid = new_id()
        ids.append(fid)
        fam.append((fid, *SYNC, fid, f"FAM-{n:05d}", f"Bench household {n}", "", "LS1 4AB",
                    "", "open", "2025-08-01", "2025-08-03", "2025-08-03", ""))
        for key in ("domestic-abuse", "crime"):
            needs.append((new_id(), *SYNC, fid, key, "At referral", "2025-08-03"))
        adult = new_id()
        people.append((adult, *SYNC, fid, f"Adult {n}", "", "1990-01-01", "", "[]"))
        for measure in ("no-da-callouts", "no-offences"):
            for month, (start, end) in enumerate(_month_periods()):
                value = "1" if n % 3 == 0 and month == 2 else "0"
                readings.append((new_id(), *SYNC, fid, None, measure, start.isoformat(),
                                 end.isoformat(), value, "Police log", f"LOG-{month}", "", "",
                                 None))
        spells.append((new_id(), *SYNC, fid, adult, "2026-01-31", "2026-02-01", None, 20,
                       "Payslips", "", "", None))
    conn = store.raw_connection()
    try:
        _insert(conn, "family", ("family_id", "reference", "household_name", "address",
                                 "postcode", "locality", "status", "referred_on", "opened_on",
                                 "consent_given_on", "consent_scope"), fam)
        _insert(conn, "family_criterion", ("family_id", "criterion_key", "evidence",
                                           "identified_on"), needs)
        _insert(conn, "person", ("family_id", "name", "relationship", "date_of_birth",
                                 "school_setting", "flags"), people)
        _insert(conn, "measure_reading", ("family_id", "person_id", "measure_key",
                                          "period_start", "period_end", "value", "source",
                                          "source_reference", "verified_by", "note",
                                          "recorded_by"), readings)
        _insert(conn, "employment_spell", ("family_id", "person_id", "benefit_ended_on",
                                           "started_on", "ended_on", "hours_per_week",
                                           "source", "source_reference", "note",
                                           "recorded_by"), spells)
        conn.commit()
    finally:
        conn.close()
    return ids


def engine_only(families: int) -> float:
    """The pure engine over the same shape of family, no store (what the return can reuse)."""
    plan = load_outcome_plan(None)
    readings = [Reading(id=f"r{m}{k}", measure_key=m, person_id=None, period_start=s,
                        period_end=e, value=Decimal(0))
                for m in ("no-da-callouts", "no-offences")
                for k, (s, e) in enumerate(_month_periods())]
    spells = [EmploymentSpell(id="s", person_id="a", benefit_ended_on=date(2026, 1, 31),
                              started_on=date(2026, 2, 1), ended_on=None, hours_per_week=20)]
    start = time.perf_counter()
    for _ in range(families):
        assess_family(plan, problems=["domestic-abuse", "crime"], problem_labels={},
                      readings=readings, spells=spells, adults=["a"], on=TODAY)
    return time.perf_counter() - start


def measure(families: int = 1_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        store = CaseloadStore.create(Path(scratch) / "c", "bench passphrase for claims",
                                     kdf=KDF_FLOOR)
        try:
            ids = fill(store, families)
            # Every fifth family claimed (one with no incident, so ready).
            for n, fid in enumerate(ids[1::5]):
                submit_claim(store, fid, claim_reference=f"SF-B-{n}", on=TODAY) \
                    if (1 + 5 * n) % 3 else None
            start = time.perf_counter()
            lines = claims_list(store, Quarter.of(TODAY), today=TODAY)
            list_s = time.perf_counter() - start
            pack_times = []
            for _ in range(3):
                start = time.perf_counter()
                _, pack = build_claim_pack(store, "SF-B-0")
                render_claim_pack(pack, printed_on=TODAY)
                pack_times.append(time.perf_counter() - start)
        finally:
            store.lock()
    return {"families": families, "listed": len(lines),
            "claims_list_s": round(list_s, 3),
            "claims_list_ms_per_family": round(1000 * list_s / families, 2),
            "engine_only_ms_per_family": round(1000 * engine_only(families) / families, 3),
            "pack_ms_median": round(1000 * statistics.median(pack_times), 1)}


def main() -> int:
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    figures = measure(families)
    print(f"Claims list over {families:,} families: {figures['claims_list_s']:.2f} s "
          f"({figures['claims_list_ms_per_family']} ms a family; the engine alone "
          f"{figures['engine_only_ms_per_family']} ms); one evidence pack "
          f"{figures['pack_ms_median']} ms.")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
