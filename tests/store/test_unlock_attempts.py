"""The failed-unlock counter outlives the process and notices being edited (B2)."""

import json
from pathlib import Path

import pytest

from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.unlock_attempts import (
    TAMPERED_FAILURES,
    UnlockAttemptLog,
    UnlockAttempts,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "caseload"
    CaseloadStore.create(path, "a long test passphrase", kdf=KDF_FLOOR).lock()
    return path


def backoff(failures: int) -> float:
    return 0.0 if failures < 3 else 2.0 ** (failures - 2)


def test_count_survives_a_new_log_object(data_dir: Path) -> None:
    clock = FakeClock()
    for _ in range(4):
        UnlockAttemptLog(data_dir, clock=clock).record_failure()
    again = UnlockAttemptLog(data_dir, clock=clock).read()  # as after a restart
    assert again == UnlockAttempts(4, clock.now)
    assert again.seconds_to_wait(backoff, clock.now + 1) == 3.0


def test_right_passphrase_resets(data_dir: Path) -> None:
    log = UnlockAttemptLog(data_dir)
    log.record_failure()
    log.reset()
    assert log.read() == UnlockAttempts()
    assert not log.path.exists()


def test_edited_counter_is_detected_and_counts_as_the_worst_case(data_dir: Path) -> None:
    clock = FakeClock()
    log = UnlockAttemptLog(data_dir, clock=clock)
    for _ in range(5):
        log.record_failure()
    data = json.loads(log.path.read_text())
    data["failures"] = 0
    log.path.write_text(json.dumps(data))
    read = log.read()
    assert read.tampered and read.failures == TAMPERED_FAILURES
    assert log.record_failure().failures == TAMPERED_FAILURES + 1  # and it goes on counting
    assert not log.read().tampered


def test_garbage_counter_is_treated_as_tampered(data_dir: Path) -> None:
    log = UnlockAttemptLog(data_dir)
    log.path.write_text("{not json")
    assert log.read().tampered


def test_counter_from_another_caseload_does_not_verify(data_dir: Path,
                                                       tmp_path: Path) -> None:
    other = tmp_path / "other"
    CaseloadStore.create(other, "another long passphrase", kdf=KDF_FLOOR).lock()
    log = UnlockAttemptLog(data_dir)
    log.record_failure()
    (other / log.path.name).write_bytes(log.path.read_bytes())
    assert UnlockAttemptLog(other).read().tampered


def test_clock_set_back_waits_the_whole_delay(data_dir: Path) -> None:
    clock = FakeClock()
    log = UnlockAttemptLog(data_dir, clock=clock)
    for _ in range(3):
        log.record_failure()
    assert log.read().seconds_to_wait(backoff, clock.now - 3600) == 2.0
    assert log.read().seconds_to_wait(backoff, clock.now + 5) == 0.0


def test_no_caseload_no_counter(tmp_path: Path) -> None:
    log = UnlockAttemptLog(tmp_path)
    log.record_failure()
    assert not log.path.exists()
    assert log.read() == UnlockAttempts()


def test_file_holds_no_secret(data_dir: Path) -> None:
    log = UnlockAttemptLog(data_dir)
    log.record_failure()
    assert set(json.loads(log.path.read_text())) == {"failures", "last_failure_at", "mac"}
    assert log.path.stat().st_mode & 0o077 == 0
