"""A small caseload with known programme-report figures (period 1 Jan – 30 Jun 2026)."""

from datetime import date

from familyworker.domain.family import ClosureReason, FamilyStatus
from familyworker.domain.programme_figures import ReportPeriod
from familyworker.services import claims, families, outcome_evidence, stars
from familyworker.services.programme import default_star_template
from familyworker.store.caseload_store import CaseloadStore

PERIOD = ReportPeriod(date(2026, 1, 1), date(2026, 6, 30))
LATER = date(2026, 7, 1)  # "today" when the readings are recorded
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


def _reading(store: CaseloadStore, family_id: str, measure: str, end: date, value: str, *,
             start: date | None = None, today: date = LATER) -> None:
    outcome_evidence.record_reading(store, family_id, measure_key=measure, period_start=start,
                                    period_end=end, value=value, source="Source system",
                                    today=today)


def _clean_months(store: CaseloadStore, family_id: str, measure: str, first: date,
                  months: int) -> None:
    """Monthly readings of none, back to back, from `first` (a 1st of the month)."""
    start = first
    for _ in range(months):
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        _reading(store, family_id, measure, following - date.resolution, "0", start=start)
        start = following


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
    # Education: two good terms of three (not yet). Housing: held from 1 Feb 2026, confirmed
    # on 1 Aug 2026, so met on 31 July 2026 (after the period). Health: no readings.
    _reading(store, a, "school-attendance", date(2025, 12, 19), "95", start=date(2025, 9, 1))
    _reading(store, a, "school-attendance", date(2026, 3, 27), "93", start=date(2026, 1, 5))
    _reading(store, a, "tenancy-held", date(2026, 2, 1), "1")
    _reading(store, a, "tenancy-held", date(2026, 8, 1), "1", today=date(2026, 8, 2))

    b = ids["FAM-B02"] = _family(store, "FAM-B02", referred=date(2025, 6, 1),
                                 opened=date(2025, 6, 5),
                                 needs=("crime", "domestic-abuse", "financial-stability"))
    # Six clean months from July 2025 on each measure: the plan is met on 31 December 2025.
    for measure in ("no-offences", "no-da-callouts", "no-new-debt-action"):
        _clean_months(store, b, measure, date(2025, 7, 1), 6)
    _star(store, b, date(2026, 2, 1), 6)
    claims.submit_claim(store, b, claim_reference="SF-26-0001", on=date(2026, 4, 1))
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
    # One good reading of two needed: on course.
    _reading(store, f, "relationships-star", date(2026, 6, 25), "8", start=date(2026, 6, 20))
    return ids
