"""The demo caseload records sex and intervention levels, so its quarterly return is full."""

from datetime import date, timedelta
from pathlib import Path

from tests.reports.helpers import pdf_text

from familyworker.domain.quarter import Quarter
from familyworker.domain.quarterly_return import UNASSIGNED
from familyworker.services.demo import import_demo
from familyworker.services.quarterly_return import build_quarterly_return, export_quarterly_return
from familyworker.store.caseload_store import CaseloadStore

TODAY = date(2026, 12, 7)


def test_the_demo_return_counts_every_sex_level_and_team(store: CaseloadStore,
                                                         tmp_path: Path) -> None:
    import_demo(store, today=TODAY)
    quarter = Quarter.of(TODAY - timedelta(days=92))  # the last whole quarter
    built = build_quarterly_return(store, quarter, today=TODAY)
    result = built.result
    assert list(built.team_names.values()) == ["Northfield Early Help Team"]
    assert UNASSIGNED not in result.teams  # every demo family is the team's
    total = result.total
    assert total.families > 20 and total.individuals > 3 * 20 - 1
    assert total.by_sex["female"] > 0 and total.by_sex["male"] > 0
    assert total.by_sex["not known"] < total.individuals // 10  # a few partners not recorded
    assert all(total.by_level[level] > 0 for level in ("high", "medium", "low"))
    assert total.by_age["not known"] == 0 and total.by_age["0-4"] > 0
    assert total.cost_avoidance > 0 and result.family_costs
    pdf = tmp_path / "return.pdf"
    export_quarterly_return(store, quarter, pdf_path=pdf, today=TODAY)
    text = pdf_text(pdf.read_bytes())
    assert f"Quarterly return {quarter}" in text and "Northfield Early Help Team" in text
    assert "example figures" in text
    assert "Ionescu" not in text  # references only, never names
