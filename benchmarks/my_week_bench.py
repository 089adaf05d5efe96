"""My week over 5,000 families (target: built in <= 100 ms), and its floor.

The worker's caseload, kept up as a worker keeps it (each family: 10 contact notes a week or so
apart, the latest within about the visit interval, some not contact (texts, no answer), a
draft in every seventh family; 2 Web Stars 12 weeks apart, the latest in the last 13
weeks; an agreed plan reviewed in the next 4 months; 2 open tasks, one dated in the next 2
months; a booked visit in every third; every tenth family closed)
is bulk-inserted into the encrypted store as if pulled, as set-up only. "Build" is
services.my_week.my_week for the next 7 days. The floor: the same reads as plain SQL on the
store's own raw connection (families, last contact, plans, stars, tasks, outbox), fetched and
thrown away — what the database alone costs, with no Python objects made.
Run: python benchmarks/my_week_bench.py. Readable lines first; the last line is one JSON object.
"""

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from familyworker.domain.ids import new_id  # noqa: E402
from familyworker.services.my_week import my_week  # noqa: E402
from familyworker.services.programme import default_star_template  # noqa: E402
from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402

TARGET_MS = 100.0
FAMILIES, NOTES_EACH = 5_000, 10
RUNS = 9
FLOOR_SQL = (
    "SELECT id, reference, status, next_visit_due, next_visit_at, next_visit_where, opened_on, "
    "referred_on, sustainability_review_due FROM family WHERE deleted_at IS NULL AND "
    "(lead_worker_id = :me OR id IN (SELECT family_id FROM family_co_worker WHERE worker_id = "
    ":me AND ended_on IS NULL AND deleted_at IS NULL))",
    "SELECT family_id, max(occurred_at) FROM contact_note WHERE deleted_at IS NULL AND "
    "status = 'final' AND outcome = 'made' AND kind IN ('home-visit', 'office', 'phone', "
    "'school', 'team-around-the-family') GROUP BY family_id",
    "SELECT family_id, max(version), review_due FROM plan WHERE deleted_at IS NULL AND "
    "status = 'agreed' GROUP BY family_id",
    "SELECT family_id, max(assessed_on) FROM star_assessment WHERE deleted_at IS NULL "
    "GROUP BY family_id",
    "SELECT id, family_id, text, due_on FROM task WHERE deleted_at IS NULL AND done_on IS NULL "
    "AND (due_on IS NULL OR due_on <= date('now', '+6 days')) AND (assigned_to = :me OR "
    "assigned_to IS NULL)",
    "SELECT family_id, count(*) FROM sync_outbox WHERE table_name != 'audit_event' AND "
    "rejected_reason IS NULL GROUP BY family_id",
)


def _stamp(when: datetime) -> str:
    return json.dumps({"*": f"{int(when.timestamp() * 1000):012x}-0000-worker-laptop"})


def _sql_time(when: datetime) -> str:
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def fill(store: CaseloadStore, *, seed: int = 15) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    me = store.worker_id
    template = default_star_template()
    domains = template.domain_keys()
    rows: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}
    seq = 0

    def add(table: str, columns: tuple[str, ...], values: tuple[Any, ...],
            row_id: str | None = None) -> None:
        nonlocal seq
        seq += 1
        rows.setdefault(table, (columns, []))[1].append(
            (row_id or new_id(), _stamp(now), seq, *values))

    for f in range(FAMILIES):
        fid = new_id()
        opened = today - timedelta(days=rng.randint(10, 300))
        closed = f % 10 == 0
        booked = None if closed or f % 3 else now + timedelta(days=rng.randint(0, 10))
        add("family", ("family_id", "reference", "household_name", "postcode", "lead_worker_id",
                       "status", "referred_on", "opened_on", "closed_on", "closure_reason",
                       "sustainability_review_due", "next_visit_due", "next_visit_at",
                       "next_visit_where", "consent_scope", "address", "locality"),
            (fid, f"FAM-{f:05d}", f"Bench household {f}", "LS1 4AB", me,
             "closed" if closed else "open", (opened - timedelta(days=7)).isoformat(),
             opened.isoformat(), today.isoformat() if closed else None,
             "outcomes-achieved" if closed else None,
             (today + timedelta(days=rng.randint(-20, 180))).isoformat() if closed else None,
             booked.date().isoformat() if booked else None,
             _sql_time(booked) if booked else None, "At home" if booked else "", "", "", ""),
            row_id=fid)
        for n in range(NOTES_EACH):
            # Mostly kept up: the latest contact within about the visit interval.
            when = now - timedelta(days=rng.randint(0, 16) + 7 * n, hours=n)
            draft = n == 0 and f % 7 == 0
            add("contact_note", ("family_id", "kind", "occurred_at", "narrative", "present",
                                 "agencies", "follow_ups", "author_id", "status",
                                 "finalised_at", "outcome"),
                (fid, rng.choice(("home-visit", "phone", "text-email")), _sql_time(when),
                 "Visit notes " * 20, "[]", "[]", "", me, "draft" if draft else "final",
                 None if draft else _sql_time(when),
                 rng.choice(("made", "made", "made", "no-answer"))))
        last_star = today - timedelta(days=rng.randint(0, 90))
        for visit in range(2):
            on = last_star - timedelta(weeks=12 * visit)
            scores = [{"domain_key": d, "score": rng.randint(2, 9), "note": ""}
                      for d in domains]
            add("star_assessment", ("family_id", "assessed_on", "template_key",
                                    "template_version", "scores", "family_words"),
                (fid, on.isoformat(), template.key, template.version, json.dumps(scores), ""))
        add("plan", ("family_id", "version", "status", "working_well", "worried_about",
                     "needs_to_happen", "family_words", "agreed_on", "review_due"),
            (fid, 1, "agreed", "", "", "", "", opened.isoformat(),
             (today + timedelta(days=rng.randint(-3, 120))).isoformat()))
        for t in range(2):
            due = today + timedelta(days=rng.randint(-2, 60)) if t else None
            add("task", ("family_id", "text", "created_at", "due_on", "assigned_to"),
                (fid, f"Task {t} for family {f}", _sql_time(now),
                 due.isoformat() if due else None, me))
    conn = store.raw_connection()
    try:
        for table, (columns, values) in rows.items():
            names = ", ".join(("id", "field_hlc", "server_seq", *columns))
            marks = ", ".join("?" * (3 + len(columns)))
            conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
        conn.commit()
    finally:
        conn.close()


def floor_ms(store: CaseloadStore) -> float:
    conn = store.raw_connection()
    try:
        start = time.perf_counter()
        for sql in FLOOR_SQL:
            conn.execute(sql, {"me": store.worker_id}).fetchall()
        return (time.perf_counter() - start) * 1000
    finally:
        conn.close()


def build_ms(store: CaseloadStore, today: date) -> tuple[float, int]:
    start = time.perf_counter()
    week = my_week(store, today=today)
    return (time.perf_counter() - start) * 1000, len(week.items)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = CaseloadStore.create(Path(tmp) / "caseload", "benchmark passphrase here",
                                     kdf=KDF_FLOOR)
        try:
            fill(store)
            today = date.today()
            build_ms(store, today)  # warm the page cache, as the app's first look does
            floor_ms(store)
            builds, floors, items = [], [], 0
            for _ in range(RUNS):  # interleaved, so machine noise hits both alike
                ms, items = build_ms(store, today)
                builds.append(ms)
                floors.append(floor_ms(store))
        finally:
            store.lock()
    build, floor = statistics.median(builds), statistics.median(floors)
    ratio = build / floor
    print(f"My week over {FAMILIES:,} families ({items:,} items): {build:.1f} ms "
          f"(target <= {TARGET_MS:.0f} ms); floor {floor:.1f} ms = the same reads as plain SQL; "
          f"{ratio:.2f} x floor; median of {RUNS}")
    print(json.dumps({"families": FAMILIES, "items": items, "build_ms": round(build, 2),
                      "target_ms": TARGET_MS, "floor_ms": round(floor, 2),
                      "floor_ratio": round(ratio, 2), "within_target": build <= TARGET_MS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
