"""The demo shows each claim position: ready, claimed, not yet, and employment on its own."""

from datetime import date

from familyworker.domain.claims import ClaimRoute
from familyworker.domain.outcome_progress import ProgressState
from familyworker.domain.quarter import Quarter
from familyworker.services import claims, outcome_evidence
from familyworker.services.case_status import family_id_of
from familyworker.services.demo import import_demo
from familyworker.store.caseload_store import CaseloadStore

TODAY = date(2026, 12, 7)


def test_demo_families_are_ready_claimed_and_not_yet(store: CaseloadStore) -> None:
    import_demo(store, today=TODAY)
    listed = {(line.family_reference, line.route, line.state)
              for line in claims.claims_list(store, Quarter.of(TODAY), today=TODAY)}
    assert listed == {("FAM-0007", ClaimRoute.OUTCOME_PLAN, "ready"),
                      ("FAM-0012", ClaimRoute.CONTINUOUS_EMPLOYMENT, "ready"),
                      ("FAM-0021", ClaimRoute.OUTCOME_PLAN, "claimed")}
    later = outcome_evidence.family_progress(store, family_id_of(store, "FAM-0030"), on=TODAY)
    education = next(p for p in later.problems if p.problem == "education")
    assert education.state is ProgressState.NOT_YET
    assert [e.state for e in later.employment] == [ProgressState.NOT_YET]
