"""Kill -9 during a large import: on reopen, all rows or none, and the database opens."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import TEST_PASSPHRASE

from familyworker.services.caseload import list_caseload
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR

FAMILIES = 1500


def _cohort(path: Path) -> None:
    lines = ["reference,household_name,postcode,members"]
    lines += [f"FAM-{i:05d},The Kill{i} family,LS1 4AB,Alex Kill{i}|Mum|1990-01-01;"
              f"Sam Kill{i}|Son|2015-03-02" for i in range(FAMILIES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.25, 0.6, 1.2])
def test_killed_import_is_all_or_nothing(tmp_path: Path, delay: float) -> None:
    data_dir = tmp_path / "c"
    CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR).lock()
    csv_path = tmp_path / "cohort.csv"
    _cohort(csv_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "familyworker.cli.main", "import-families", str(csv_path),
         "--data-dir", str(data_dir), "--passphrase-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    process.stdin.write((TEST_PASSPHRASE + "\n").encode())
    process.stdin.close()
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    store = CaseloadStore.unlock(data_dir, TEST_PASSPHRASE)
    try:
        count = len(list_caseload(store))
        assert count in (0, FAMILIES)
        conn = store.raw_connection()
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        conn.close()
    finally:
        store.lock()
