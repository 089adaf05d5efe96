"""The 10k-family caseload that sync_bench.py pushes and sync_floor.py moves the plainest way:
per family one family row, 2 people and a 400-character contact note (4 rows)."""

from datetime import UTC, date, datetime

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import ContactNoteRow, FamilyRow, PersonRow

NOTE = ("Home visit with mum and both children; talked about school mornings, the rent "
        "arrears letter and the referral to the food bank. ") * 4


def make_families(store: CaseloadStore, count: int, lead: str, team: str | None) -> None:
    with store.unit_of_work() as uow:
        for i in range(count):
            fid = new_id()
            uow.add(FamilyRow(id=fid, family_id=fid, team_id=team, reference=f"FAM-{i:05d}",
                              household_name=f"Household {i}", address=f"{i} Long Lane",
                              postcode="AB1 2CD", lead_worker_id=lead,
                              referred_on=date(2024, 1, 1)), audit=False)
            for name in ("Parent", "Child"):
                uow.add(PersonRow(id=new_id(), family_id=fid, name=f"{name} {i}",
                                  relationship=name.lower()), audit=False)
            uow.add(ContactNoteRow(id=new_id(), family_id=fid, kind="home-visit",
                                   occurred_at=datetime.now(UTC), narrative=NOTE[:400],
                                   author_id=lead, status="final"), audit=False)
