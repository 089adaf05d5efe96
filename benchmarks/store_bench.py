"""Encrypted vs plain store on the same workload, and unlock time split into KDF and open.

Workload: import 500 families with 4 members, 20 notes and 3 star assessments each (one unit
of work per family, through the same store code), then open the caseload and list it.
Prints readable lines; the last line is one JSON object of figures.
"""

import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from familyworker.domain.family import Family
from familyworker.domain.ids import new_id
from familyworker.services.caseload import list_caseload
from familyworker.services.families import insert_family
from familyworker.services.programme import default_star_template
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KdfParams, read_key_file, unwrap_data_key
from familyworker.store.paths import StorePaths
from familyworker.store.tables import ContactNoteRow, PersonRow, StarAssessmentRow

FAMILIES = 500
PASSPHRASE = "benchmark passphrase here"
NARRATIVE = ("Home visit. Mum and both children present. Talked about the morning routine and "
             "school attendance; agreed to try the new alarm and the visual timetable. ") * 2


def workload(store: CaseloadStore, families: int, first: int = 0) -> float:
    template = default_star_template()
    start = time.perf_counter()
    for i in range(first, first + families):
        with store.unit_of_work() as uow:
            family_id = new_id()
            insert_family(uow, Family(id=family_id, reference=f"FAM-{i:05d}",
                                      household_name=f"The Bench{i} family",
                                      postcode="LS1 4AB", address=f"{i} Long Road"))
            for m in range(4):
                uow.add(PersonRow(id=new_id(), family_id=family_id, name=f"Person {m}",
                                  relationship="Child", date_of_birth=date(2015, 1, 1)))
            for n in range(20):
                uow.add(ContactNoteRow(
                    id=new_id(), family_id=family_id, kind="home-visit",
                    occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n),
                    narrative=NARRATIVE, present=["Mum"], status="final",
                    finalised_at=datetime(2026, 1, 2, tzinfo=UTC)))
            for s in range(3):
                uow.add(StarAssessmentRow(
                    id=new_id(), family_id=family_id, assessed_on=date(2026, 1 + s * 3, 1),
                    template_key=template.key, template_version=template.version,
                    scores=[{"domain_key": d, "score": 5, "note": ""}
                            for d in template.domain_keys()]))
    return time.perf_counter() - start


def list_time(store: CaseloadStore) -> float:
    start = time.perf_counter()
    rows = list_caseload(store)
    assert len(rows) >= FAMILIES
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plain = CaseloadStore.open_unencrypted_for_benchmark(root / "plain")
        encrypted = CaseloadStore.create(root / "enc", PASSPHRASE)
        # Interleave halves so machine noise hits both sides alike.
        half = FAMILIES // 2
        enc_import = workload(encrypted, half)
        plain_import = workload(plain, half)
        plain_import += workload(plain, FAMILIES - half, half)
        enc_import += workload(encrypted, FAMILIES - half, half)
        enc_list = statistics.median(list_time(encrypted) for _ in range(5))
        plain_list = statistics.median(list_time(plain) for _ in range(5))
        plain.lock()
        encrypted.lock()
        print(f"import {FAMILIES} families: encrypted {enc_import:.2f} s, plain "
              f"{plain_import:.2f} s")
        print(f"list caseload: encrypted {enc_list * 1000:.1f} ms, "
              f"plain {plain_list * 1000:.1f} ms")

        # Unlock with 40 families, default KDF cost: KDF, then open + first caseload query.
        small = CaseloadStore.create(root / "forty", PASSPHRASE)
        workload(small, 40)
        small.lock()
        kdf_times, open_times = [], []
        for _ in range(5):
            key_file = read_key_file(StorePaths(root / "forty").key_file)
            t0 = time.perf_counter()
            unwrap_data_key(key_file, PASSPHRASE)
            t1 = time.perf_counter()
            store = CaseloadStore.unlock(root / "forty", PASSPHRASE)
            t2 = time.perf_counter()
            list_caseload(store)
            t3 = time.perf_counter()
            store.lock()
            kdf_times.append(t1 - t0)
            # unlock() derives the key again; the open cost is its total minus one KDF.
            open_times.append(max(0.0, (t2 - t1) - (t1 - t0)) + (t3 - t2))
    params = KdfParams()
    figures = {
        "encrypted_plain_ratio": round((enc_import + enc_list) / (plain_import + plain_list), 3),
        "import_encrypted_s": round(enc_import, 3),
        "import_plain_s": round(plain_import, 3),
        "list_encrypted_ms": round(enc_list * 1000, 2),
        "list_plain_ms": round(plain_list * 1000, 2),
        "unlock_kdf_s": round(statistics.median(kdf_times), 3),
        "unlock_open_and_first_query_ms": round(statistics.median(open_times) * 1000, 1),
        "kdf_memory_mib": params.memory_kib // 1024,
        "kdf_iterations": params.iterations,
        "kdf_lanes": params.lanes,
    }
    print(f"unlock (40 families): KDF {figures['unlock_kdf_s']} s, open + first query "
          f"{figures['unlock_open_and_first_query_ms']} ms")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
