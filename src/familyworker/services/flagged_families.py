"""Which families have a member on a child protection plan, a child in need or looked after."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from familyworker.domain.caseload import ACTIVE_STATUSES
from familyworker.domain.family import FamilyStatus
from familyworker.domain.person import PersonFlag
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import person_from_row
from familyworker.store.tables import FamilyRow, PersonRow

# The statutory involvement a supervisor and My week call out.
STATUTORY_FLAGS = (PersonFlag.CHILD_PROTECTION_PLAN, PersonFlag.CHILD_IN_NEED,
                   PersonFlag.LOOKED_AFTER)


@dataclass(frozen=True, slots=True)
class FlaggedMember:
    person_id: str
    name: str
    flag: PersonFlag
    since: date | None


@dataclass(frozen=True, slots=True)
class FlaggedFamily:
    """One family and every member flag (of those asked about) it has."""

    family_id: str
    reference: str
    status: FamilyStatus
    lead_worker_id: str | None
    members: tuple[FlaggedMember, ...]

    @property
    def flags(self) -> frozenset[PersonFlag]:
        return frozenset(m.flag for m in self.members)


def families_with_flagged_members(store: CaseloadStore, *,
                                  flags: Iterable[PersonFlag] = STATUTORY_FLAGS,
                                  active_only: bool = True) -> tuple[FlaggedFamily, ...]:
    """Families (by reference) with a member who has one of `flags`; deleted families and
    members never count, nor (with `active_only`) closed or stepped-up cases."""
    wanted = tuple(f for f in PersonFlag if f in set(flags))  # the list's order
    with store.read() as session:
        rows = session.exec(
            select(FamilyRow, PersonRow)
            .join(PersonRow, col(PersonRow.family_id) == col(FamilyRow.id))
            .where(col(FamilyRow.deleted_at).is_(None), col(PersonRow.deleted_at).is_(None))
        ).all()
    found: dict[str, tuple[FamilyRow, list[FlaggedMember]]] = {}
    for family_row, person_row in rows:
        if active_only and FamilyStatus(family_row.status) not in ACTIVE_STATUSES:
            continue
        person = person_from_row(person_row)
        members = [FlaggedMember(person.id, person.name, flag, person.since(flag))
                   for flag in wanted if flag in person.flags]
        if members:
            found.setdefault(family_row.id, (family_row, []))[1].extend(members)
    return tuple(
        FlaggedFamily(family_id=row.id, reference=row.reference,
                      status=FamilyStatus(row.status), lead_worker_id=row.lead_worker_id,
                      members=tuple(sorted(members, key=lambda m: (wanted.index(m.flag),
                                                                   m.name))))
        for row, members in sorted(found.values(), key=lambda item: item[0].reference))
