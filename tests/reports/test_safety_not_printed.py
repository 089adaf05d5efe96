"""Lone-working safety information is for workers: it is printed on nothing the family receives
(the plan on a page, the Web Star), nor on any other report."""

from dataclasses import replace
from datetime import date
from pathlib import Path

from tests.reports.family_data import PrintedFamily
from tests.reports.helpers import pdf_text

from familyworker.services.family_file import load_family_file
from familyworker.services.household_details import HouseholdDetails, update_household_details
from familyworker.services.printing import ReportKind, print_plan, render_report

SAFETY = "Large dog kept in kitchen; never visit alone"
TODAY = date(2025, 4, 20)


def _with_safety(printed: PrintedFamily) -> None:
    family = load_family_file(printed.store, family_id=printed.family_id).family
    update_household_details(printed.store, printed.family_id, replace(
        HouseholdDetails.of(family), safety_information=SAFETY, phone="0113 496 0000"))
    saved = load_family_file(printed.store, family_id=printed.family_id).family
    assert saved.safety_information == SAFETY


def test_the_plan_pdf_never_shows_the_safety_information(printed_family: PrintedFamily,
                                                         tmp_path: Path) -> None:
    _with_safety(printed_family)
    out = tmp_path / "plan.pdf"
    print_plan(printed_family.store, reference=printed_family.reference, out_path=out,
               today=TODAY)
    text = pdf_text(out.read_bytes())
    assert printed_family.reference in text  # the plan itself printed
    assert "dog" not in text.lower() and "visit alone" not in text
    assert "Safety" not in text and "⚠" not in text


def test_no_report_shows_the_safety_information(printed_family: PrintedFamily) -> None:
    _with_safety(printed_family)
    for kind in ReportKind:
        _, data = render_report(printed_family.store, kind,
                                reference=printed_family.reference, today=TODAY)
        text = pdf_text(data)
        assert printed_family.reference in text, kind
        assert "dog" not in text.lower() and "visit alone" not in text, kind
