"""Team view figures: a supervisor's device holding 12 workers × 40 families (target ≤ 300 ms
to open and to refresh), plus the programme report's figures when its benchmark is present.

The synced caseload (each family: 20 contact notes, 3 Web Stars, an agreed plan, a member; a
draft note in every fifth family) is bulk-inserted into the encrypted store as if pulled, and is
set-up only. "Open" is what the supervisor waits for after Ctrl+T: the window built, the
overview and the review queue computed, both shown and painted. "Refresh" is the same without
building the window. Run: QT_QPA_PLATFORM=offscreen python benchmarks/team_bench.py
Readable lines first; the last line is one JSON object of figures.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from familyworker.domain.ids import new_id  # noqa: E402
from familyworker.services.programme import default_star_template  # noqa: E402
from familyworker.services.review_queue import changes_since_review  # noqa: E402
from familyworker.services.team_review import team_overview  # noqa: E402
from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402
from familyworker.views.team.team_view import TeamWindow  # noqa: E402

TARGET_MS = 300.0
WORKERS, FAMILIES_EACH, NOTES_EACH = 12, 40, 20
RUNS = 7


class _Rows:
    """Synced-looking rows: a server_seq each, stamped by another device."""

    def __init__(self) -> None:
        self.seq = 0
        self.by_table: dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}

    def add(self, table: str, columns: tuple[str, ...], values: tuple[Any, ...],
            *, written: datetime) -> None:
        self.seq += 1
        stamp = json.dumps({"*": f"{int(written.timestamp() * 1000):012x}-0000-worker-laptop"})
        self.by_table.setdefault(table, (columns, []))[1].append(
            (new_id(), stamp, self.seq, *values))

    def write(self, store: CaseloadStore) -> None:
        conn = store.raw_connection()
        try:
            for table, (columns, rows) in self.by_table.items():
                names = ", ".join(("id", "field_hlc", "server_seq", *columns))
                marks = ", ".join("?" * (3 + len(columns)))
                conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
            conn.commit()
        finally:
            conn.close()


def _sql_time(when: datetime) -> str:
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def fill_team(store: CaseloadStore, *, seed: int = 6) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    rows = _Rows()
    team = new_id()
    template = default_star_template()
    domains = template.domain_keys()
    rows.add("team", ("name", "area"), ("North", ""), written=now)
    for w in range(WORKERS):
        worker = new_id()
        rows.add("worker", ("name", "role", "team_id", "contact"),
                 (f"Worker {w:02d}", "worker", team, ""), written=now)
        for f in range(FAMILIES_EACH):
            fid = new_id()
            opened = today - timedelta(days=rng.randint(10, 200))
            status = rng.choice(("open", "open", "open", "step-down", "referred", "closed"))
            rows.by_table.setdefault("family", (
                ("family_id", "team_id", "reference", "household_name", "address", "postcode",
                 "locality", "lead_worker_id", "status", "referred_on", "opened_on",
                 "consent_scope"), []))
            rows.seq += 1
            rows.by_table["family"][1].append((
                fid, json.dumps({"*": f"{int(now.timestamp() * 1000):012x}-0000-w"}), rows.seq,
                fid, team, f"FAM-{w:02d}{f:02d}", f"Bench household {w}-{f}", "", "LS1 4AB", "",
                worker, status, (opened - timedelta(days=7)).isoformat(),
                None if status == "referred" else opened.isoformat(), ""))
            rows.add("person", ("family_id", "name", "relationship", "school_setting", "flags"),
                     (fid, f"Member {w}-{f}", "Parent", "", "[]"), written=now)
            for n in range(NOTES_EACH):
                when = now - timedelta(days=rng.randint(0, 120), hours=n)
                draft = n == 0 and f % 5 == 0
                rows.add("contact_note",
                         ("family_id", "kind", "occurred_at", "narrative", "present", "agencies",
                          "follow_ups", "author_id", "status", "finalised_at"),
                         (fid, "home-visit", _sql_time(when), "Visit notes " * 20, "[]", "[]",
                          "", worker, "draft" if draft else "final",
                          None if draft else _sql_time(when)),
                         written=when)
            for visit in range(3):
                on = opened + timedelta(weeks=6 * visit)
                scores = [{"domain_key": d, "score": rng.randint(2, 9), "note": ""}
                          for d in domains]
                rows.add("star_assessment",
                         ("family_id", "assessed_on", "template_key", "template_version",
                          "scores", "family_words"),
                         (fid, on.isoformat(), template.key, template.version,
                          json.dumps(scores), ""), written=now)
            rows.add("plan", ("family_id", "version", "status", "working_well", "worried_about",
                              "needs_to_happen", "family_words", "agreed_on", "review_due"),
                     (fid, 1, "agreed", "", "Attendance", "", "", opened.isoformat(),
                      (opened + timedelta(weeks=12)).isoformat()), written=now)
    rows.write(store)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def measure_team_view(app: QApplication) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        store = CaseloadStore.create(Path(scratch) / "caseload", "bench passphrase for team",
                                     kdf=KDF_FLOOR)
        try:
            store.set_setting(SETTING_ROLE, "supervisor")
            fill_team(store)
            opens, refreshes, overview_s, queue_s = [], [], [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                window = TeamWindow()
                t0 = time.perf_counter()
                overview = team_overview(store)
                t1 = time.perf_counter()
                changes = changes_since_review(store)
                t2 = time.perf_counter()
                window.set_overview(overview)
                window.set_changes(changes)
                window.show()
                window.repaint()
                app.processEvents()
                opens.append(time.perf_counter() - start)
                overview_s.append(t1 - t0)
                queue_s.append(t2 - t1)
                start = time.perf_counter()
                window.set_overview(team_overview(store))
                window.set_changes(changes_since_review(store))
                window.repaint()
                app.processEvents()
                refreshes.append(time.perf_counter() - start)
                window.close()
                window.deleteLater()
                app.processEvents()
            attention = {k.value: len(v) for k, v in overview.items.items()}
        finally:
            store.lock()
    open_ms, refresh_ms = _median_ms(opens), _median_ms(refreshes)
    return {"workers": WORKERS, "families": WORKERS * FAMILIES_EACH,
            "notes": WORKERS * FAMILIES_EACH * NOTES_EACH, "open_ms": open_ms,
            "refresh_ms": refresh_ms, "overview_ms": _median_ms(overview_s),
            "queue_ms": _median_ms(queue_s), "queue_families": len(changes),
            "attention": attention, "target_ms": TARGET_MS,
            "met": open_ms <= TARGET_MS and refresh_ms <= TARGET_MS}


def programme_figures() -> dict[str, Any] | None:
    try:
        from programme_report_bench import measure_programme_report
    except ImportError:
        return None
    figures: dict[str, Any] = measure_programme_report()
    return figures


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    team = measure_team_view(app)
    print(f"team view, {team['workers']} workers × {FAMILIES_EACH} families "
          f"({team['notes']:,} notes): open {team['open_ms']} ms, refresh "
          f"{team['refresh_ms']} ms (target ≤ {TARGET_MS:.0f} ms; overview "
          f"{team['overview_ms']} ms, review queue {team['queue_ms']} ms)")
    figures: dict[str, Any] = {"team_view": team, "on": date.today().isoformat()}
    if "--no-programme" not in sys.argv:
        programme = programme_figures()
        if programme is not None:
            print(f"programme report, {programme['families']:,} families: CSV "
                  f"{programme['csv_s']} s, PDF {programme['pdf_s']} s "
                  f"(target ≤ {programme['target_s']} s together)")
            figures["programme_report"] = programme
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
