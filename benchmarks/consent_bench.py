"""Consent and History speed, on an encrypted caseload built here.

- A chronology prepared for an agency (the consent register read, every note tested for the
  names of withheld members) against the family's own copy: a family of 6 members, 200 notes
  with addenda, 3 members withheld. The extra cost is the name test; the PDF dominates.
- The History (File › History…) of a family with 5,000 audit events: read, worded, grouped.

Last line: one JSON object of figures (milliseconds, medians).
"""

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from familyworker.domain.contact import NoteKind  # noqa: E402
from familyworker.domain.ids import new_id  # noqa: E402
from familyworker.services import consent, families, family_history  # noqa: E402
from familyworker.services.notes import add_addendum, save_note  # noqa: E402
from familyworker.services.printing import preview_chronology  # noqa: E402
from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402
from familyworker.store.tables import AuditEventRow  # noqa: E402

RUNS = 7
TODAY = date(2026, 6, 1)
AGENCY = "Riverside Primary"
NAMES = ["Ana Pop", "Bo Lind", "Cy Rees", "Di Moss", "Ed Hale", "Flo Kerr"]


def _median_ms(call: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = CaseloadStore.create(Path(tmp) / "c", "a long benchmark passphrase",
                                     kdf=KDF_FLOOR)
        family = families.add_family(store, reference="FAM-9000", household_name="Bench",
                                     postcode="LS1 4AB")
        people = [families.add_person(store, family.id, name=n) for n in NAMES]
        for person in people[:3]:
            consent.record_statement(store, family_id=family.id, person_id=person.id,
                                     purpose="share-with-agency", agency=AGENCY,
                                     decision="given", how="written",
                                     stated_on=date(2026, 1, 5), today=TODAY)
        start = datetime(2025, 1, 1, 9, tzinfo=UTC)
        for n in range(200):
            who = NAMES[n % len(NAMES)].split()[0]
            note = save_note(store, family_id=family.id, kind=NoteKind.HOME_VISIT,
                             occurred_at=start + timedelta(days=n),
                             narrative=f"Visit {n}: talked with {who} about the week. " * 8,
                             finalise=True)
            if n % 10 == 0:
                add_addendum(store, note.id, f"Correction to visit {n}.")
        own = _median_ms(lambda: preview_chronology(store, family_id=family.id, today=TODAY))
        agency = _median_ms(lambda: preview_chronology(store, family_id=family.id, today=TODAY,
                                                       for_agency=AGENCY))
        with store.unit_of_work() as uow:
            for n in range(5_000):
                uow.session.add(AuditEventRow(
                    id=new_id(), family_id=family.id, at=start + timedelta(minutes=n),
                    action=("view", "update", "print")[n % 3], entity="contact_note",
                    entity_id=family.id, actor_id=store.worker_id, detail="report=chronology"))
        history = _median_ms(lambda: family_history.family_history(store, family.id))
        store.lock()
    figures = {"chronology_own_copy_ms": own, "chronology_for_agency_ms": agency,
               "history_5000_events_ms": history, "notes": 200, "members": len(NAMES),
               "withheld": 3}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
