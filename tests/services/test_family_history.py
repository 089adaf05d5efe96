"""A family's History: the audit in words, newest first, filterable, names resolved, never
content."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.reports.family_data import WORKER, make_family

from familyworker.domain.ids import new_id
from familyworker.services import family_history
from familyworker.services.family_history import HistoryKind, describe
from familyworker.services.printing import print_chronology
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow


def _event_by_colleague(store: CaseloadStore, family_id: str, action: str, entity: str,
                        at: datetime, actor: str | None = "worker-1", detail: str = "") -> None:
    """An audit row synced down from a colleague's device (written as the sync engine does)."""
    with store.unit_of_work() as uow:
        uow.session.add(AuditEventRow(id=new_id(), family_id=family_id, at=at, action=action,
                                      entity=entity, entity_id=family_id, actor_id=actor,
                                      detail=detail))


def test_history_is_in_words_newest_first_with_names_and_no_content(
        store: CaseloadStore, tmp_path: Path) -> None:
    family = make_family(store)  # notes name "Zoë": none of it may show
    family_history.record_opened(store, family.family_id)
    print_chronology(store, reference=family.reference, out_path=tmp_path / "c.pdf")
    later = datetime.now(UTC) + timedelta(minutes=5)
    _event_by_colleague(store, family.family_id, "print", "family", later,
                        detail="report=plan sha256=ab")
    _event_by_colleague(store, family.family_id, "view", "family", later - timedelta(minutes=1),
                        actor="someone-elsewhere")

    entries = family_history.family_history(store, family.family_id)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert entries[0].who == WORKER and entries[0].what == "printed the plan on a page"
    assert entries[1].who == "a worker not in this team"
    assert entries[1].what == "opened the family file"
    text = " ".join(e.line() for e in entries)
    assert "saved a PDF of the chronology" in text and "added a contact note" in text
    assert "added an addendum to a note" in text and "added a household member" in text
    assert "Zoë" not in text and "Siobhán" not in text and "mornings" not in text

    printed = family_history.family_history(store, family.family_id,
                                            frozenset({HistoryKind.PRINTED}))
    assert {e.what for e in printed} == {"printed the plan on a page",
                                         "saved a PDF of the chronology"}
    opened = family_history.family_history(store, family.family_id,
                                           frozenset({HistoryKind.OPENED}))
    assert len(opened) == 2 and all(e.kind is HistoryKind.OPENED for e in opened)


def test_every_action_has_words() -> None:
    assert describe("update", "person", "fields=name") == "changed a household member"
    assert describe("delete", "task", "") == "deleted a task"
    assert describe("view", "family", "supervisor review up to seq 4") == \
        "reviewed the family file (team view)"
    assert describe("create", "something_new", "") == "added a record"
    assert describe("purge", "family", "closed") == \
        "removed the family from a laptop (closed case)"
