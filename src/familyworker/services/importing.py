"""Importing a nominated cohort from CSV: all or nothing, every bad row reported by line."""

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date

from familyworker.domain.errors import ValidationError
from familyworker.domain.family import Family
from familyworker.domain.ids import new_id
from familyworker.domain.person import Person
from familyworker.services.families import existing_references, insert_family
from familyworker.services.programme import default_framework
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import person_values
from familyworker.store.tables import FamilyCriterionRow, PersonRow

REQUIRED_COLUMNS = ("reference", "household_name", "postcode")
OPTIONAL_COLUMNS = ("address", "locality", "criteria", "members")
MAX_IMPORT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportRejected(ValidationError):
    """Nothing was imported; `problems` lists every bad row."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"Nothing was imported: {len(problems)} row(s) need correcting.")


@dataclass(frozen=True, slots=True)
class ParsedFamily:
    line: int
    family: Family
    members: tuple[Person, ...]
    criteria: tuple[str, ...]


@dataclass(slots=True)
class ImportResult:
    families: int = 0
    members: int = 0
    references: list[str] = field(default_factory=list)


def _parse_members(text: str, family_id: str) -> tuple[Person, ...]:
    """'Name|Relationship|YYYY-MM-DD; …' — relationship and date optional."""
    people = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        name, relationship, born = ([*chunk.split("|"), "", ""])[:3]
        try:
            dob = date.fromisoformat(born.strip()) if born.strip() else None
        except ValueError:
            raise ValidationError("a member's date of birth is not YYYY-MM-DD") from None
        people.append(Person(id=new_id(), family_id=family_id, name=name,
                             relationship=relationship.strip(), date_of_birth=dob))
    return tuple(people)


def parse_cohort_csv(text: str, *, existing: frozenset[str] = frozenset()
                     ) -> list[ParsedFamily]:
    """Validate every row; raise ImportRejected listing all problems, or return them all.

    `existing` holds references already in the caseload: a clash is a bad row like any other.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportRejected([RowProblem(1, f"missing column(s): {', '.join(missing)}")])
    known = default_framework().keys()
    parsed: list[ParsedFamily] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        values = {(k or "").strip(): (v or "").strip() for k, v in record.items()
                  if isinstance(v, str)}
        try:
            family_id = new_id()
            family = Family(id=family_id, reference=values.get("reference", ""),
                            household_name=values.get("household_name", ""),
                            postcode=values.get("postcode", ""),
                            address=values.get("address", ""),
                            locality=values.get("locality", ""), referred_on=date.today())
            if family.reference in seen:
                raise ValidationError(
                    f"duplicate reference (also on line {seen[family.reference]})")
            if family.reference in existing:
                raise ValidationError(
                    f"reference {family.reference} is already in this caseload")
            seen[family.reference] = line
            criteria = tuple(c.strip() for c in values.get("criteria", "").split(";")
                             if c.strip())
            unknown = [c for c in criteria if c not in known]
            if unknown:
                raise ValidationError(f"unknown criterion {', '.join(unknown)}")
            members = _parse_members(values.get("members", ""), family_id)
        except ValidationError as error:
            # The reason names the rule broken, never the row's personal data.
            problems.append(RowProblem(line, str(error).rstrip(".")))
            continue
        parsed.append(ParsedFamily(line, family, members, criteria))
    if problems:
        raise ImportRejected(problems)
    return parsed


def import_cohort(store: CaseloadStore, text: str) -> ImportResult:
    """Import every family in the CSV in ONE transaction, or none of them."""
    result = ImportResult()
    with store.unit_of_work() as uow:
        # Read inside the write transaction, so no other writer can add a clashing reference.
        parsed = parse_cohort_csv(text, existing=existing_references(uow))
        for item in parsed:
            family = replace(item.family, lead_worker_id=uow.actor_id)
            insert_family(uow, family)
            for person in item.members:
                uow.add(PersonRow(id=person.id, family_id=family.id, **person_values(person)))  # type: ignore[arg-type]
            for key in item.criteria:
                uow.add(FamilyCriterionRow(id=new_id(), family_id=family.id, criterion_key=key,
                                           identified_on=date.today(),
                                           evidence="Nominated cohort"))
            result.families += 1
            result.members += len(item.members)
            result.references.append(family.reference)
    return result
