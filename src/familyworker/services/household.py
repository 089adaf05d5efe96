"""Agencies involved and programme criteria with evidence, as edited on the Household tab."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from familyworker.domain.agency import AgencyInvolvement
from familyworker.domain.criteria import FamilyCriterion, ProgrammeFramework
from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.person import Person, PersonFlag
from familyworker.services.programme import default_framework
from familyworker.services.queries import family_by_id, get_live, live_rows
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import agency_from_row, criterion_from_row
from familyworker.store.tables import AgencyInvolvementRow, FamilyCriterionRow

AGENCY_FIELDS = frozenset({"agency", "role", "contact", "from_date", "to_date"})


@dataclass(frozen=True, slots=True)
class NeedChange:
    """One criterion row of the form: ticked or not, with its evidence and date identified."""

    criterion_key: str
    ticked: bool
    evidence: str = ""
    identified_on: date | None = None


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: bool
    needs: int
    min_needs: int
    has_child_or_expectant_parent: bool
    requires_child_or_expectant_parent: bool

    def in_words(self, framework_name: str) -> str:
        """Plain words with ✔/✘ and 'yes/no', never colour alone."""
        verdict = "Eligible" if self.eligible else "Not yet eligible"
        enough = "✔" if self.needs >= self.min_needs else "✘"
        text = (f"{verdict} for {framework_name}: {enough} {self.needs} headline "
                f"{'need' if self.needs == 1 else 'needs'} (at least {self.min_needs} needed)")
        if self.requires_child_or_expectant_parent:
            mark = "✔ yes" if self.has_child_or_expectant_parent else "✘ no"
            text += f"; dependent child or expectant parent: {mark}"
        return text + "."


def eligibility(framework: ProgrammeFramework, needs: Sequence[FamilyCriterion],
                members: Sequence[Person], *, on: date) -> Eligibility:
    """The framework's rule applied to the family's recorded needs and household."""
    keys = {n.criterion_key for n in needs}
    child = any(p.is_dependent_child_on(on) for p in members)
    expectant = any(PersonFlag.EXPECTANT_PARENT in p.flags for p in members)
    return Eligibility(
        eligible=framework.is_eligible(needs=keys, has_dependent_child=child,
                                       has_expectant_parent=expectant),
        needs=len(keys & framework.keys()), min_needs=framework.eligibility.min_needs,
        has_child_or_expectant_parent=child or expectant,
        requires_child_or_expectant_parent=(
            framework.eligibility.requires_dependent_child_or_expectant_parent))


def add_agency(store: CaseloadStore, family_id: str, *, agency: str, role: str = "",
               contact: str = "", from_date: date | None = None,
               to_date: date | None = None) -> AgencyInvolvement:
    involvement = AgencyInvolvement(id=new_id(), family_id=family_id, agency=agency,
                                    role=role.strip(), contact=contact.strip(),
                                    from_date=from_date, to_date=to_date)
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        uow.add(AgencyInvolvementRow(
            id=involvement.id, family_id=family_id, agency=involvement.agency,
            role=involvement.role, contact=involvement.contact, from_date=from_date,
            to_date=to_date))
    return involvement


def update_agency(store: CaseloadStore, agency_id: str, **changes: object) -> list[str]:
    """Change an agency's details (e.g. the date it stopped being involved)."""
    unknown = set(changes) - AGENCY_FIELDS
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ValidationError(f"These details cannot be changed here: {names}.")
    with store.unit_of_work() as uow:
        row = get_live(uow.session, AgencyInvolvementRow, agency_id, "agency involvement")
        updated = replace(agency_from_row(row), **changes)  # type: ignore[arg-type]
        return uow.update(row, {"agency": updated.agency, "role": updated.role.strip(),
                                "contact": updated.contact.strip(),
                                "from_date": updated.from_date, "to_date": updated.to_date})


def save_needs(store: CaseloadStore, family_id: str, changes: Sequence[NeedChange], *,
               framework: ProgrammeFramework | None = None) -> int:
    """Apply the ticked criteria in one transaction; returns how many records changed.

    A newly ticked criterion is added, an already recorded one has its evidence and date
    updated, an unticked one is removed (a tombstone that syncs, with an audit row).
    """
    framework = framework or default_framework()
    for change in changes:
        framework.criterion(change.criterion_key)  # rejects an unknown criterion
        if change.identified_on and change.identified_on > date.today():
            raise ValidationError("A need cannot be identified in the future.")
    changed = 0
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        by_key = {r.criterion_key: r
                  for r in live_rows(uow.session, FamilyCriterionRow, family_id)}
        for change in changes:
            row = by_key.get(change.criterion_key)
            if change.ticked and row is None:
                need = FamilyCriterion(id=new_id(), family_id=family_id,
                                       criterion_key=change.criterion_key,
                                       evidence=change.evidence.strip(),
                                       identified_on=change.identified_on or date.today())
                uow.add(FamilyCriterionRow(id=need.id, family_id=family_id,
                                           criterion_key=need.criterion_key,
                                           evidence=need.evidence,
                                           identified_on=need.identified_on))
                changed += 1
            elif change.ticked and row is not None:
                current = criterion_from_row(row)
                fields = uow.update(row, {
                    "evidence": change.evidence.strip(),
                    "identified_on": change.identified_on or current.identified_on})
                changed += bool(fields)
            elif not change.ticked and row is not None:
                uow.delete(row)
                changed += 1
    return changed
