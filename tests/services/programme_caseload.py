"""A small caseload with known programme-report figures (period 1 Jan – 30 Jun 2026)."""

from datetime import date

from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.programme_figures import ReportPeriod
from familyworker.services import families, outcomes, stars
from familyworker.services.programme import default_star_template
from familyworker.store.caseload_store import CaseloadStore

PERIOD = ReportPeriod(date(2026, 1, 1), date(2026, 6, 30))
LATER = date(2026, 7, 1)  # "today" when the outcomes are recorded
SECRET_NAME = "Quillfeather household"  # must never reach the CSV or the PDF


def _family(store: CaseloadStore, reference: str, *, referred: date, opened: date | None,
            needs: tuple[str, ...], child: bool = True, expectant: bool = False) -> str:
    family = families.add_family(store, reference=reference, household_name=SECRET_NAME,
                                 postcode="LS1 4AB", referred_on=referred)
    if opened is not None:
        families.change_status(store, family.id, FamilyStatus.OPEN, on=opened)
    families.add_person(store, family.id, name="Adult Quillfeather", relationship="Parent",
                        date_of_birth=date(1988, 4, 4),
                        flags=("expectant-parent",) if expectant else ())
    if child:
        families.add_person(store, family.id, name="Child Quillfeather", relationship="Child",
                            date_of_birth=date(2015, 9, 9))
    for key in needs:
        families.add_need(store, family.id, criterion_key=key, identified_on=referred)
    return family.id


def _star(store: CaseloadStore, family_id: str, on: date, score: int,
          overrides: dict[str, int] | None = None, person_id: str | None = None) -> None:
    scores = dict.fromkeys(default_star_template().domain_keys(), score)
    scores.update(overrides or {})
    stars.score_star(store, family_id=family_id, scores=scores, assessed_on=on,
                     person_id=person_id)


def _outcome(store: CaseloadStore, family_id: str, key: str, on: date) -> None:
    outcomes.record_outcome(store, family_id, criterion_key=key, achieved_on=on,
                            evidence="Checked with the school", today=LATER)


def build(store: CaseloadStore) -> dict[str, str]:
    ids = {}
    a = ids["FAM-A01"] = _family(store, "FAM-A01", referred=date(2025, 11, 1),
                                 opened=date(2025, 11, 10),
                                 needs=("education", "housing", "health"))
    _star(store, a, date(2025, 12, 1), 1)  # before the period: not the first
    _star(store, a, date(2026, 1, 15), 3)
    _star(store, a, date(2026, 5, 15), 5, {"work-skills": 3})
    person = families.add_person(store, a, name="Teen Quillfeather", relationship="Child",
                                 date_of_birth=date(2011, 1, 1))
    _star(store, a, date(2026, 3, 1), 9, person_id=person.id)  # a member's own: not counted
    _outcome(store, a, "education", date(2025, 12, 20))
    _outcome(store, a, "housing", date(2026, 2, 1))

    b = ids["FAM-B02"] = _family(store, "FAM-B02", referred=date(2025, 6, 1),
                                 opened=date(2025, 6, 5),
                                 needs=("crime", "domestic-abuse", "financial-stability"))
    for key in ("crime", "domestic-abuse", "financial-stability"):
        _outcome(store, b, key, date(2025, 9, 1))
    _star(store, b, date(2026, 2, 1), 6)
    outcomes.mark_claimed(store, b, claim_reference="SF-26-0001", claimed_on=date(2026, 4, 1))
    families.close_case(store, b, reason=ClosureReason.OUTCOMES_ACHIEVED, on=date(2026, 5, 1))

    ids["FAM-C03"] = _family(store, "FAM-C03", referred=date(2026, 3, 1), opened=None,
                             needs=("education", "health"), child=False)
    d = ids["FAM-D04"] = _family(store, "FAM-D04", referred=date(2024, 1, 1),
                                 opened=date(2024, 1, 5), needs=("housing",))
    families.close_case(store, d, reason=ClosureReason.MOVED_AWAY, on=date(2025, 12, 31))
    ids["FAM-E05"] = _family(store, "FAM-E05", referred=date(2026, 7, 1), opened=None,
                             needs=("crime",))
    f = ids["FAM-F06"] = _family(store, "FAM-F06", referred=date(2026, 6, 1),
                                 opened=date(2026, 6, 20),
                                 needs=("relationships", "housing", "early-years"), child=False,
                                 expectant=True)
    _outcome(store, f, "relationships", date(2026, 6, 25))
    return ids
