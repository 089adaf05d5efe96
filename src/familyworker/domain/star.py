"""Web Star templates and assessments: family members score themselves 1–10 per domain."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from familyworker.domain.errors import ValidationError

MIN_SCORE = 1
MAX_SCORE = 10
MAX_NOTE_LENGTH = 4000


@dataclass(frozen=True, slots=True)
class StarDomain:
    key: str
    label: str
    question: str
    descriptors: tuple[str, ...]  # ten plain-words descriptors, for scores 1..10
    outcomes: tuple[str, ...] = ()  # programme criterion keys this domain speaks to

    def __post_init__(self) -> None:
        if len(self.descriptors) != MAX_SCORE:
            raise ValidationError(f"Star domain '{self.key}' needs ten descriptors.")

    def descriptor(self, score: int) -> str:
        check_score(score)
        return self.descriptors[score - 1]


@dataclass(frozen=True, slots=True)
class StarTemplate:
    key: str
    version: int
    name: str
    domains: tuple[StarDomain, ...]

    def __post_init__(self) -> None:
        keys = [d.key for d in self.domains]
        if len(keys) != len(set(keys)):
            raise ValidationError("A star template repeats a domain.")
        if not 3 <= len(keys) <= 12:
            raise ValidationError("A star template has between 3 and 12 domains.")

    def domain(self, key: str) -> StarDomain:
        for domain in self.domains:
            if domain.key == key:
                return domain
        raise ValidationError(f"'{key}' is not a domain of the {self.name}.")

    def domain_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.domains)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "StarTemplate":
        try:
            domains = tuple(
                StarDomain(key=str(d["key"]), label=str(d["label"]), question=str(d["question"]),
                           descriptors=tuple(str(x) for x in d["descriptors"]),
                           outcomes=tuple(str(x) for x in d.get("outcomes", ())))
                for d in data["domains"]
            )
            return cls(key=str(data["key"]), version=int(data["version"]),
                       name=str(data["name"]), domains=domains)
        except (KeyError, TypeError) as error:
            raise ValidationError(f"The star template file is malformed ({error}).") from None


def check_score(score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValidationError("A star score is a whole number from 1 to 10.")
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValidationError(f"A star score is from 1 to 10, not {score}.")
    return score


@dataclass(frozen=True, slots=True)
class StarScore:
    """One domain's score in a Web Star assessment."""

    domain_key: str
    score: int  # 1–10, the family's own rating
    note: str = ""

    def __post_init__(self) -> None:
        check_score(self.score)
        if len(self.note) > MAX_NOTE_LENGTH:
            raise ValidationError(f"A domain note is longer than {MAX_NOTE_LENGTH} characters.")


@dataclass(frozen=True, slots=True)
class WebStarAssessment:
    id: str
    family_id: str
    assessed_on: date
    template_key: str
    template_version: int
    scores: tuple[StarScore, ...]
    person_id: str | None = None  # None: scored by the whole family together
    family_words: str = ""
    completed_by: str | None = None

    def __post_init__(self) -> None:
        keys = [s.domain_key for s in self.scores]
        if len(keys) != len(set(keys)):
            raise ValidationError("An assessment scores each domain once.")
        if not keys:
            raise ValidationError("An assessment needs at least one score.")

    def validate_against(self, template: StarTemplate) -> None:
        """A complete assessment scores every domain of its template, and nothing else."""
        if (template.key, template.version) != (self.template_key, self.template_version):
            raise ValidationError("The assessment was scored on a different star template.")
        expected = set(template.domain_keys())
        given = {s.domain_key for s in self.scores}
        if unknown := given - expected:
            raise ValidationError(f"Unknown star domain(s): {', '.join(sorted(unknown))}.")
        if missing := expected - given:
            raise ValidationError(
                f"Every domain needs a score; missing: {', '.join(sorted(missing))}.")

    def score_for(self, domain_key: str) -> int | None:
        for score in self.scores:
            if score.domain_key == domain_key:
                return score.score
        return None

    def as_mapping(self) -> dict[str, int]:
        return {s.domain_key: s.score for s in self.scores}


@dataclass(frozen=True, slots=True)
class DomainChange:
    domain_key: str
    first: int | None
    latest: int | None

    @property
    def change(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass(frozen=True, slots=True)
class DistanceTravelled:
    """Change per domain between the earliest and latest of a series of assessments."""

    first_on: date
    latest_on: date
    changes: tuple[DomainChange, ...] = field(default=())

    @property
    def average_change(self) -> float | None:
        values = [c.change for c in self.changes if c.change is not None]
        return sum(values) / len(values) if values else None


def distance_travelled(assessments: Sequence[WebStarAssessment],
                       template: StarTemplate) -> DistanceTravelled | None:
    """First versus latest score for each domain; None with fewer than one assessment."""
    if not assessments:
        return None
    ordered = sorted(assessments, key=lambda a: (a.assessed_on, a.id))
    first, latest = ordered[0], ordered[-1]
    changes = tuple(
        DomainChange(key, first.score_for(key), latest.score_for(key))
        for key in template.domain_keys()
    )
    return DistanceTravelled(first.assessed_on, latest.assessed_on, changes)
