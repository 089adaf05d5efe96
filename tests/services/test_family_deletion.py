"""Deleting a family on purpose: one unit of work (tombstone, outbox op, audit with a reason code),
only by its lead worker or a supervisor, and a plain refusal otherwise."""

import json

import pytest
from sqlmodel import select
from tests.conftest import CANARY

from familyworker.domain.errors import ValidationError
from familyworker.domain.family_deletion import (
    DeletionNotAllowed,
    DeletionReason,
    may_delete_family,
    parse_reason,
)
from familyworker.domain.ids import new_id
from familyworker.services import drafts, families
from familyworker.services.caseload import list_caseload
from familyworker.services.errors import FamilyNotFound
from familyworker.services.family_deletion import (
    FamilyAlreadyDeleted,
    can_delete_family,
    delete_family,
    delete_family_by_reference,
)
from familyworker.services.family_file import load_family_file
from familyworker.services.new_family import NewFamily, create_family
from familyworker.store.caseload_store import SETTING_ROLE, CaseloadStore
from familyworker.store.tables import AuditEventRow, FamilyRow, OutboxRow, PersonRow


def _family(store: CaseloadStore, reference: str = "FAM-0007", *,
            lead_worker_id: str | None = None) -> str:
    family = families.add_family(store, reference=reference, household_name=CANARY,
                                 postcode="LS1 4AB", lead_worker_id=lead_worker_id)
    families.add_person(store, family.id, name=f"{CANARY} junior")
    return family.id


def _audit_events(store: CaseloadStore, family_id: str) -> list[AuditEventRow]:
    with store.read() as session:
        return list(session.exec(select(AuditEventRow).where(
            AuditEventRow.entity == "family", AuditEventRow.entity_id == family_id,
            AuditEventRow.action == "delete")).all())


def test_the_lead_worker_deletes_a_family_added_by_mistake(store: CaseloadStore) -> None:
    family_id = _family(store)
    kept = _family(store, "FAM-0008")
    drafts.save_form_draft(store, key=f"note:{family_id}", payload={"narrative": CANARY},
                           family_id=family_id)

    deleted = delete_family(store, family_id, DeletionReason.ADDED_BY_MISTAKE)

    assert (deleted.id, deleted.reference) == (family_id, "FAM-0007")
    assert [s.id for s in list_caseload(store)] == [kept]
    with pytest.raises(FamilyNotFound):
        load_family_file(store, family_id=family_id)
    with store.read() as session:
        row = session.get(FamilyRow, family_id)
        assert row is not None and row.deleted_at is not None and row.deleted_hlc
        ops = session.exec(select(OutboxRow).where(OutboxRow.table_name == "family",
                                                   OutboxRow.row_id == family_id)).all()
        # The household's members stay as they were: the server keeps them with the tombstone.
        members = session.exec(select(PersonRow).where(PersonRow.family_id == family_id)).all()
        assert [m.deleted_at for m in members] == [None]
    assert [op.kind for op in ops] == ["insert", "delete"]
    assert ops[-1].family_id == family_id and ops[-1].fields == {}
    # This device's unsaved typing for the family goes with it.
    assert drafts.load_form_draft(store, f"note:{family_id}") is None


def test_the_audit_event_carries_the_reason_code_and_nothing_typed(
        store: CaseloadStore) -> None:
    family_id = _family(store)
    delete_family(store, family_id, DeletionReason.DUPLICATE)

    [event] = _audit_events(store, family_id)
    assert event.detail == "reason=duplicate"
    assert event.family_id == family_id and event.actor_id == store.worker_id
    with store.read() as session:
        queued = session.exec(select(OutboxRow).where(OutboxRow.table_name == "audit_event",
                                                      OutboxRow.row_id == event.id)).one()
    # Identifiers and the code only: no name, no reference words, nothing free.
    assert queued.fields["detail"] == "reason=duplicate"
    blob = json.dumps(queued.fields, default=str) + repr(event)
    assert CANARY not in blob
    assert "duplicate of another" not in blob


def test_another_workers_family_is_refused_and_nothing_changes(store: CaseloadStore) -> None:
    family_id = _family(store, lead_worker_id=new_id())
    assert not can_delete_family(store, family_id)
    with store.read() as session:
        before = len(session.exec(select(OutboxRow)).all())

    with pytest.raises(DeletionNotAllowed) as refused:
        delete_family(store, family_id, DeletionReason.ADDED_BY_MISTAKE)

    assert str(refused.value) == \
        "Only the family's lead worker or a supervisor can delete a family."
    assert [s.id for s in list_caseload(store)] == [family_id]
    assert _audit_events(store, family_id) == []
    with store.read() as session:
        assert len(session.exec(select(OutboxRow)).all()) == before


def test_a_supervisor_may_delete_a_family_led_by_someone_else(store: CaseloadStore) -> None:
    family_id = _family(store, lead_worker_id=new_id())
    store.set_setting(SETTING_ROLE, "supervisor")
    assert can_delete_family(store, family_id)
    delete_family_by_reference(store, "fam-0007", DeletionReason.WRONG_FAMILY)
    assert list_caseload(store) == []
    assert [e.detail for e in _audit_events(store, family_id)] == ["reason=wrong-family"]


def test_unknown_and_already_deleted_families_are_refused_plainly(
        store: CaseloadStore) -> None:
    with pytest.raises(FamilyNotFound) as unknown:
        delete_family_by_reference(store, "FAM-9999", DeletionReason.OTHER)
    assert str(unknown.value) == "No family with that reference is in this caseload."
    with pytest.raises(FamilyNotFound):
        delete_family(store, new_id(), DeletionReason.OTHER)

    family_id = _family(store)
    delete_family(store, family_id, DeletionReason.OTHER)
    with pytest.raises(FamilyAlreadyDeleted) as again:
        delete_family_by_reference(store, "FAM-0007", DeletionReason.OTHER)
    assert str(again.value) == "The family FAM-0007 has already been deleted."
    with pytest.raises(FamilyAlreadyDeleted):
        delete_family(store, family_id, DeletionReason.OTHER)
    assert not can_delete_family(store, family_id)
    assert len(_audit_events(store, family_id)) == 1


def test_the_reference_can_be_used_again_after_the_deletion(store: CaseloadStore) -> None:
    first = _family(store)
    delete_family(store, first, DeletionReason.ADDED_BY_MISTAKE)
    again = create_family(store, NewFamily(reference="FAM-0007", household_name="Right family",
                                           postcode="LS1 4AB"))
    assert [s.id for s in list_caseload(store)] == [again.id]
    # The live family wins when a reference names a deleted one as well.
    delete_family_by_reference(store, "FAM-0007", DeletionReason.DUPLICATE)
    assert list_caseload(store) == []


def test_reasons_and_the_permission_rule() -> None:
    assert [r.value for r in DeletionReason] == [
        "added-by-mistake", "duplicate", "wrong-family", "other"]
    assert DeletionReason.ADDED_BY_MISTAKE.label == "Added by mistake"
    assert parse_reason(" Duplicate ") is DeletionReason.DUPLICATE
    with pytest.raises(ValidationError, match="added-by-mistake, duplicate"):
        parse_reason("because")
    assert may_delete_family(worker_id="w1", role=None, lead_worker_id="w1")
    assert may_delete_family(worker_id="w1", role="worker", lead_worker_id="w1")
    assert not may_delete_family(worker_id="w1", role="worker", lead_worker_id="w2")
    assert not may_delete_family(worker_id="w1", role=None, lead_worker_id=None)
    assert not may_delete_family(worker_id=None, role=None, lead_worker_id=None)
    assert may_delete_family(worker_id="w1", role="supervisor", lead_worker_id="w2")
    assert may_delete_family(worker_id="w1", role="admin", lead_worker_id=None)
