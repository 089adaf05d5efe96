"""Programme criteria (the framework's headline outcomes) and the results-claim eligibility rule.

Criteria and rules are data, so a council or the next national framework can change them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from familyworker.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class ProgrammeCriterion:
    key: str
    label: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    """A family may be claimed for with enough needs and a dependent child or expectant parent."""

    min_needs: int = 3
    requires_dependent_child_or_expectant_parent: bool = True
    sustained_months: int = 6


@dataclass(frozen=True, slots=True)
class ProgrammeFramework:
    key: str
    name: str
    criteria: tuple[ProgrammeCriterion, ...]
    eligibility: EligibilityRule

    def criterion(self, key: str) -> ProgrammeCriterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise ValidationError(f"'{key}' is not a criterion of {self.name}.")

    def keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.criteria)

    def is_eligible(self, *, needs: Iterable[str], has_dependent_child: bool,
                    has_expectant_parent: bool) -> bool:
        distinct = set(needs) & self.keys()
        if len(distinct) < self.eligibility.min_needs:
            return False
        if self.eligibility.requires_dependent_child_or_expectant_parent:
            return has_dependent_child or has_expectant_parent
        return True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ProgrammeFramework":
        try:
            criteria = tuple(
                ProgrammeCriterion(key=str(c["key"]), label=str(c["label"]),
                                   description=str(c.get("description", "")))
                for c in data["criteria"]
            )
            rule = data.get("eligibility", {})
            eligibility = EligibilityRule(
                min_needs=int(rule.get("min_needs", 3)),
                requires_dependent_child_or_expectant_parent=bool(
                    rule.get("requires_dependent_child_or_expectant_parent", True)),
                sustained_months=int(rule.get("sustained_months", 6)),
            )
            framework = cls(key=str(data["key"]), name=str(data["name"]), criteria=criteria,
                            eligibility=eligibility)
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(f"The programme framework file is malformed ({error}).") from None
        if len(framework.keys()) != len(criteria):
            raise ValidationError("The programme framework repeats a criterion key.")
        return framework


@dataclass(frozen=True, slots=True)
class FamilyCriterion:
    """A need identified for a family against one headline criterion, with evidence."""

    id: str
    family_id: str
    criterion_key: str
    evidence: str = ""
    identified_on: date | None = None

    def __post_init__(self) -> None:
        if not self.criterion_key:
            raise ValidationError("A family need must name its criterion.")
