"""Scoring a Web Star assessment with the family."""

from collections.abc import Mapping
from datetime import date

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.domain.star import StarScore, StarTemplate, WebStarAssessment
from familyworker.services.programme import default_star_template
from familyworker.services.queries import family_by_id, get_live
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.mapping import star_row
from familyworker.store.tables import PersonRow


def score_star(store: CaseloadStore, *, family_id: str, scores: Mapping[str, int],
               notes: Mapping[str, str] | None = None, family_words: str = "",
               person_id: str | None = None, assessed_on: date | None = None,
               template: StarTemplate | None = None) -> WebStarAssessment:
    """Record a complete assessment; every domain of the template must be scored 1–10.

    `person_id`: a household member's own star; None for the whole family's."""
    used = template or default_star_template()
    domain_notes = notes or {}
    assessment = WebStarAssessment(
        id=new_id(), family_id=family_id, assessed_on=assessed_on or date.today(),
        template_key=used.key, template_version=used.version,
        scores=tuple(StarScore(key, value, domain_notes.get(key, ""))
                     for key, value in scores.items()),
        person_id=person_id, family_words=family_words)
    assessment.validate_against(used)
    with store.unit_of_work() as uow:
        family_by_id(uow.session, family_id)
        if person_id is not None and get_live(uow.session, PersonRow, person_id,
                                              "person").family_id != family_id:
            raise ValidationError("That person is not in this family's household.")
        row = star_row(assessment)
        row.completed_by = uow.actor_id
        uow.add(row)
    return assessment
