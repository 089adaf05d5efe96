"""`familyworker delete-family REF --reason CODE`, as a person or a script runs it."""

import json
from pathlib import Path

import pytest
from sqlmodel import select
from tests.cli.test_caseload_cli import run
from tests.conftest import CANARY, TEST_PASSPHRASE

from familyworker.domain.ids import new_id
from familyworker.services import families
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.tables import AuditEventRow


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    """Two families of mine (FAM-0007, FAM-0008) and one led by a colleague (FAM-0009)."""
    data_dir = tmp_path / "c"
    store = CaseloadStore.create(data_dir, TEST_PASSPHRASE, kdf=KDF_FLOOR)
    try:
        for reference in ("FAM-0007", "FAM-0008"):
            families.add_family(store, reference=reference, household_name=CANARY,
                                postcode="LS1 4AB")
        families.add_family(store, reference="FAM-0009", household_name="Colleague's family",
                            postcode="LS1 4AB", lead_worker_id=new_id())
    finally:
        store.lock()
    return data_dir


def _delete(caseload: Path, reference: str, reason: str = "added-by-mistake") -> tuple[
        int, str, str]:
    result = run("delete-family", reference, "--reason", reason, "--data-dir", str(caseload),
                 "--passphrase-stdin")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def _references(caseload: Path) -> list[str]:
    listed = run("list-families", "--json", "--data-dir", str(caseload), "--passphrase-stdin")
    return [family["reference"] for family in json.loads(listed.stdout)]


def test_deletes_the_family_and_says_what_happens_next(caseload: Path) -> None:
    code, out, err = _delete(caseload, "fam-0007")
    assert (code, err) == (0, "")
    assert out == ("Deleted family FAM-0007 (added by mistake). It will be removed from your "
                   "colleagues' devices at their next sync.\n")
    assert _references(caseload) == ["FAM-0008", "FAM-0009"]

    store = CaseloadStore.unlock(caseload, TEST_PASSPHRASE)
    try:
        with store.read() as session:
            details = session.exec(select(AuditEventRow.detail).where(
                AuditEventRow.action == "delete", AuditEventRow.entity == "family")).all()
    finally:
        store.lock()
    assert details == ["reason=added-by-mistake"]


def test_refusals_are_one_plain_sentence_and_change_nothing(caseload: Path) -> None:
    code, out, err = _delete(caseload, "FAM-0009", "duplicate")
    assert (code, out) == (1, "")
    assert err == "Only the family's lead worker or a supervisor can delete a family.\n"

    code, _out, err = _delete(caseload, "FAM-4040")
    assert (code, err) == (1, "No family with that reference is in this caseload.\n")

    assert _delete(caseload, "FAM-0008", "wrong-family")[0] == 0
    code, _out, err = _delete(caseload, "FAM-0008", "wrong-family")
    assert (code, err) == (1, "The family FAM-0008 has already been deleted.\n")
    assert _references(caseload) == ["FAM-0007", "FAM-0009"]


def test_the_reason_must_be_one_of_the_codes(caseload: Path) -> None:
    result = run("delete-family", "FAM-0007", "--reason", "they moved to Leeds", "--data-dir",
                 str(caseload), "--passphrase-stdin")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "added-by-mistake" in result.stderr
    assert _references(caseload) == ["FAM-0007", "FAM-0008", "FAM-0009"]
    helped = run("delete-family", "--help")
    for code, label in (("added-by-mistake", "Added by mistake"),
                        ("duplicate", "A duplicate of another family's record"),
                        ("wrong-family", "Recorded against the wrong family"),
                        ("other", "Other")):
        assert f"{code:<18}{label}" in helped.stdout
