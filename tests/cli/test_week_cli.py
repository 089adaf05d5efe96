"""add-task, book-visit and my-week as scripts use them (real subprocesses)."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from tests.cli.test_caseload_cli import run
from tests.conftest import TEST_PASSPHRASE

from familyworker.domain.family import FamilyStatus
from familyworker.services import families
from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.tables import TaskRow, WorkerRow


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    data_dir = tmp_path / "c"
    store = CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    try:
        family = families.add_family(store, reference="FAM-0100",
                                     household_name="The Example family", postcode="LS1 4AB",
                                     referred_on=date.today() - timedelta(days=2))
        families.change_status(store, family.id, FamilyStatus.OPEN, on=date.today())
    finally:
        store.lock()
    return data_dir


def _client(command: str, *args: str, data_dir: Path) -> tuple[int, str, str]:
    result = run(command, *args, "--data-dir", str(data_dir), "--passphrase-stdin")
    return result.returncode, result.stdout, result.stderr


def test_add_task_book_visit_then_my_week_json(caseload: Path) -> None:
    tomorrow = date.today() + timedelta(days=1)
    code, out, err = _client("add-task", "fam-0100", "--text", "Ring the school",
                             "--due", tomorrow.isoformat(), data_dir=caseload)
    assert code == 0, err
    assert out.startswith("Task added for FAM-0100, due")
    visit_day = date.today() + timedelta(days=3)
    code, out, err = _client("book-visit", "FAM-0100", "--at", f"{visit_day} 09:15",
                             "--where", "At home", data_dir=caseload)
    assert code == 0, err
    assert "09:15, At home" in out
    code, out, err = _client("my-week", "--json", data_dir=caseload)
    assert code == 0, err
    items = json.loads(out)
    assert [(i["date"], i["kind"], i["reference"], i["text"]) for i in items] == [
        (tomorrow.isoformat(), "task", "FAM-0100", "Ring the school"),
        (visit_day.isoformat(), "visit", "FAM-0100", "Visit booked 09:15, At home")]
    code, out, err = _client("my-week", "--days", "2", data_dir=caseload)
    assert code == 0, err
    assert "Ring the school" in out and "Visit booked" not in out
    assert "Before you go offline: 4 changes" in out  # the family, opening, task, visit


def test_plain_errors(caseload: Path) -> None:
    code, _out, err = _client("add-task", "FAM-0100", "--text", "Ring", "--due", "05/06/2026",
                              data_dir=caseload)
    assert (code, err.strip()) == (1, "--due must be a date written YYYY-MM-DD.")
    code, _out, err = _client("book-visit", "FAM-0100", "--at", "tomorrow", data_dir=caseload)
    assert code == 1 and "YYYY-MM-DD HH:MM" in err
    code, _out, err = _client("book-visit", "FAM-0100", "--at", "2020-01-01 10:00",
                              data_dir=caseload)
    assert code == 1 and "That day has passed" in err
    code, _out, err = _client("add-task", "FAM-9999", "--text", "Ring", data_dir=caseload)
    assert (code, err.strip()) == (1, "No family with that reference is in this caseload.")
    code, _out, err = _client("my-week", "--days", "0", data_dir=caseload)
    assert (code, err.strip()) == (1, "--days must be between 1 and 366.")


def test_a_supervisor_sets_a_task_for_a_worker_of_the_team_by_name(caseload: Path) -> None:
    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    try:
        with store.unit_of_work() as uow:
            uow.add(WorkerRow(id="w-other", name="Bronagh McKeever", role="worker",
                              team_id=None))
    finally:
        store.lock()
    # A worker cannot give a colleague a task; nothing is added.
    code, _out, err = _client("add-task", "FAM-0100", "--text", "Ring school", "--for",
                              "bronagh mckeever", data_dir=caseload)
    assert code == 1 and "supervisor" in err.lower()
    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    try:
        store.set_setting(SETTING_ROLE, "supervisor")
    finally:
        store.lock()
    code, _out, err = _client("add-task", "FAM-0100", "--text", "Ring school", "--for",
                              "Nobody Known", data_dir=caseload)
    assert code == 1 and "No worker of the family's team has that name" in err
    assert "Bronagh McKeever" in err
    code, out, err = _client("add-task", "FAM-0100", "--text", "Ring school", "--for",
                             "  bronagh   MCKEEVER ", data_dir=caseload)
    assert code == 0, err
    assert out.strip() == "Task added for FAM-0100 (Bronagh McKeever to do it)."
    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    try:
        with store.read() as session:
            rows = session.exec(select(TaskRow)).all()
    finally:
        store.lock()
    assert [(r.text, r.assigned_to) for r in rows] == [("Ring school", "w-other")]
