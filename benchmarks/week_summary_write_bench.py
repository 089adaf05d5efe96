"""What the week summary's triggers (store schema 14) cost on writes: an initial pull of 10,000
families (each: 10 contact notes, 2 Web Stars, an agreed plan; 140,000 rows in 5,000-row pages)
applied as sync applies pulled pages (page_sql, SQLite writing the rows from the page's JSON)
into a fresh store with the triggers, and into one with them dropped, alternately.
Run: python benchmarks/week_summary_write_bench.py [--families N]. Readable lines first; the last
line is one JSON object.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pydantic_core import to_json  # noqa: E402

from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402
from familyworker.store.sync_tables import SYNC_TABLES  # noqa: E402
from familyworker.sync import page_sql  # noqa: E402
from familyworker.sync.page_apply import _defaults  # noqa: E402

PAGE_ROWS = 5_000
TRIGGERS = ("contact_note", "star_assessment", "plan")


def pulled_rows(families: int, *, seed: int = 14) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []

    def add(table: str, row_id: str, family_id: str, **data: Any) -> None:
        rows.append({"table": table, "row_id": row_id, "family_id": family_id,
                     "data": {**_defaults(SYNC_TABLES[table]), "family_id": family_id, **data},
                     "field_hlc": {"*": f"{0x019AE4A9E0C2 + len(rows):012x}-0000-tablet"},
                     "server_seq": len(rows) + 1, "deleted": False, "deleted_hlc": None})

    for f in range(families):
        fid = f"fam-{f:06d}"
        add("family", fid, fid, reference=f"FAM-{f:06d}", household_name=f"Household {f}",
            status="open", referred_on="2026-01-05", opened_on="2026-01-12", team_id="t1",
            lead_worker_id="w1")
        for n in range(10):
            add("contact_note", f"{fid}-n{n}", fid,
                kind=rng.choice(("home-visit", "phone", "text-email")),
                occurred_at=f"2026-{1 + n:02d}-{rng.randint(1, 28):02d}T10:00:00+00:00",
                narrative="Visit notes " * 20, status="final", author_id="w1",
                finalised_at="2026-11-01T10:00:00+00:00",
                outcome=rng.choice(("made", "made", "no-answer")))
        for s in range(2):
            add("star_assessment", f"{fid}-s{s}", fid, assessed_on=f"2026-0{3 + 4 * s}-01",
                template_key="web-star", template_version=1,
                scores=[{"domain_key": "home", "score": 5, "note": ""}])
        add("plan", f"{fid}-p", fid, version=1, status="agreed", agreed_on="2026-02-01",
            review_due="2026-12-10", created_by="w1")
    return rows


def pull_s(tmp: Path, name: str, pages: list[bytes], *, triggers: bool,
           expected_notes: int) -> float:
    store = CaseloadStore.create(tmp / name, "benchmark passphrase here", kdf=KDF_FLOOR)
    try:
        if not triggers:
            conn = store.raw_connection()
            for table in TRIGGERS:
                for when in ("insert", "update", "delete"):
                    conn.execute(f"DROP TRIGGER tr_{table}_week_summary_{when}")
            conn.commit()
            conn.close()
        start = time.perf_counter()
        for page in pages:
            page_sql.apply_received(store, page_sql.read_page(store, page))
        elapsed = time.perf_counter() - start
        with store.raw_read() as conn:
            notes = conn.execute("SELECT count(*) FROM contact_note").fetchone()[0]
            summaries = conn.execute("SELECT count(*) FROM family_week_summary "
                                     "WHERE last_contact_at IS NOT NULL").fetchone()[0]
        families = len(pages) and notes // 10
        assert notes == expected_notes, (notes, expected_notes)  # nothing set aside
        assert (summaries > 0.9 * families) if triggers else summaries == 0, summaries
        return elapsed
    finally:
        store.lock()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = pulled_rows(args.families)
    pages = [to_json({"rows": rows[start:start + PAGE_ROWS],
                      "next_cursor": start + PAGE_ROWS, "has_more": True,
                      "snapshot_seq": len(rows), "scope_hash": None,
                      "server_time": "2026-12-03T10:00:00+00:00"})
             for start in range(0, len(rows), PAGE_ROWS)]
    with_triggers: list[float] = []
    without: list[float] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for run in range(args.runs):  # alternately, so machine noise hits both alike
            without.append(pull_s(tmp, f"without-{run}", pages, triggers=False,
                                  expected_notes=10 * args.families))
            with_triggers.append(pull_s(tmp, f"with-{run}", pages, triggers=True,
                                        expected_notes=10 * args.families))
    on, off = statistics.median(with_triggers), statistics.median(without)
    print(f"Applying an initial pull of {args.families:,} families ({len(rows):,} rows): "
          f"{on:.2f} s with the week summary's triggers, {off:.2f} s without "
          f"({on / off:.2f} x); median of {args.runs}")
    print(json.dumps({"families": args.families, "rows": len(rows),
                      "pull_apply_with_triggers_s": round(on, 3),
                      "pull_apply_without_triggers_s": round(off, 3),
                      "trigger_ratio": round(on / off, 3),
                      "runs_with": [round(x, 3) for x in with_triggers],
                      "runs_without": [round(x, 3) for x in without]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
