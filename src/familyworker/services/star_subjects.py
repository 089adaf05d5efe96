"""Whose Web Stars: the whole family's and each household member's, with distance travelled."""

from dataclasses import dataclass

from familyworker.domain.star import (
    DistanceTravelled,
    StarTemplate,
    WebStarAssessment,
    distance_travelled,
)
from familyworker.services.family_file import FamilyFile

WHOLE_FAMILY = "Whole family"
FORMER_MEMBER = "Someone no longer in the household"


@dataclass(frozen=True, slots=True)
class StarSubject:
    """The whole family (person_id None) or one member, and the stars scored for them."""

    person_id: str | None
    name: str
    stars: tuple[WebStarAssessment, ...]  # oldest first
    distance: DistanceTravelled | None  # first against latest; None without a star


def star_subjects(file: FamilyFile, template: StarTemplate) -> tuple[StarSubject, ...]:
    """The whole family first, then each member in household order (with or without stars),
    then anyone with stars who has since left the household."""
    def subject(person_id: str | None, name: str) -> StarSubject:
        stars = tuple(s for s in file.stars if s.person_id == person_id)
        return StarSubject(person_id, name, stars, distance_travelled(stars, template))

    members = [subject(p.id, p.name) for p in file.members]
    known = {p.id for p in file.members}
    former = dict.fromkeys(s.person_id for s in file.stars
                           if s.person_id is not None and s.person_id not in known)
    return (subject(None, WHOLE_FAMILY), *members,
            *(subject(person_id, FORMER_MEMBER) for person_id in former))
