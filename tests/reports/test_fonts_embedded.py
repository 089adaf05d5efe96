"""Every PDF the app writes embeds every font it names (no Helvetica left to the printer)."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from tests.reports.family_data import make_family
from tests.reports.helpers import embedded_fonts, pdffonts_unembedded, unembedded_fonts
from tests.services.programme_caseload import PERIOD, build

from familyworker.reports.programme_report import render_programme_report
from familyworker.services.printing import ReportKind, render_report
from familyworker.services.programme_report import build_programme_report
from familyworker.store.caseload_store import CaseloadStore

TODAY = date(2025, 4, 20)


def _family_report(kind: ReportKind, **family: object) -> Callable[[CaseloadStore], bytes]:
    def render(store: CaseloadStore) -> bytes:
        made = make_family(store, **family)  # type: ignore[arg-type]
        return render_report(store, kind, reference=made.reference, today=TODAY)[1]
    return render


def _programme(store: CaseloadStore) -> bytes:
    build(store)
    return render_programme_report(build_programme_report(store, PERIOD),
                                   printed_on=date(2026, 7, 2))


REPORTS: dict[str, Callable[[CaseloadStore], bytes]] = {
    "plan": _family_report(ReportKind.PLAN),
    "plan-blank": _family_report(ReportKind.PLAN, with_plan=False),
    "plan-overlong": _family_report(ReportKind.PLAN, plan_words=60, goals=12),
    "star": _family_report(ReportKind.STAR),
    "chronology": _family_report(ReportKind.CHRONOLOGY),
    "programme": _programme,
}


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_font_in_the_pdf_is_embedded(name: str, store: CaseloadStore,
                                           tmp_path: Path) -> None:
    data = REPORTS[name](store)
    assert unembedded_fonts(data) == set(), name
    assert {f.split("+")[-1] for f in embedded_fonts(data)} <= {"DejaVuSans",
                                                                "DejaVuSans-Bold"}
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    poppler = pdffonts_unembedded(path)
    if poppler is not None:
        assert poppler == [], name
