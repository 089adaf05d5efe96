"""The plan on a page shares its space by need: a long section uses room the short ones leave."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from tests.reports.helpers import pdf_text, pdftotext, reader

from familyworker.domain.family import Family
from familyworker.domain.plan import Action, Goal, Plan, PlanStatus
from familyworker.domain.team import Worker
from familyworker.reports.plan_on_a_page import render_plan_on_a_page
from familyworker.services.programme import default_star_template

FAMILY = Family(id="f1", reference="FAM-0042", household_name="Siobhán O'Neill and family",
                postcode="LS1 4AB")
WORKER = Worker(id="w1", name="Łukasz Nowak", contact="07700 900123")
LAST = "Everyone checks the routine together at the review."
CUT = "continued in the case file"


def _plan(*, needs_steps: int, others: str = "", goals: int = 1) -> Plan:
    needs = " ".join(f"Step {n}: agree a calm morning routine that everyone knows."
                     for n in range(1, needs_steps + 1)) + " " + LAST
    return Plan(
        id="p1", family_id="f1", version=1, status=PlanStatus.AGREED,
        agreed_on=date(2025, 4, 14), review_due=date(2025, 7, 14),
        working_well=others or "Zoë reads every night.",
        worried_about=others or "Mornings are rushed.",
        needs_to_happen=needs, family_words=others or "We want calmer mornings.",
        goals=tuple(Goal(id=f"g{n}", text=f"Goal number {n} for the family", actions=(
            Action(f"a{n}", "Set two alarms and lay the uniform out", "Siobhán",
                   date(2025, 5, 1)),)) for n in range(1, goals + 1)))


def _render(plan: Plan, tmp_path: Path) -> tuple[bytes, str]:
    data = render_plan_on_a_page(family=FAMILY, plan=plan, lead_worker=WORKER, stars=[],
                                 template=default_star_template(),
                                 printed_on=date(2025, 4, 20))
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    text = pdf_text(data)
    poppler = pdftotext(path)
    if poppler is not None:  # poppler reads the page as laid out; both must agree
        assert (LAST in " ".join(poppler.split())) == (LAST in text)
    return data, text


@pytest.mark.parametrize("steps", [10, 14])
def test_a_long_section_uses_the_room_the_short_ones_leave(steps: int,
                                                           tmp_path: Path) -> None:
    # Too long for a third of the page's width, but the other sections are one line each:
    # the page has room, so nothing may be cut.
    data, text = _render(_plan(needs_steps=steps), tmp_path)
    assert len(reader(data).pages) == 1
    assert LAST in text
    assert CUT not in text
    assert "Some parts are shortened to fit" not in text
    assert "Step 1: agree" in text and f"Step {steps}: agree" in text


def test_a_section_is_still_cut_with_the_marker_when_the_page_is_full(tmp_path: Path) -> None:
    busy = "Mornings are rushed and the rent letters are piling up. " * 25
    data, text = _render(_plan(needs_steps=40, others=busy, goals=6), tmp_path)
    assert len(reader(data).pages) == 1
    assert LAST not in text
    assert CUT in text
    assert "Some parts are shortened to fit" in text
    assert "Step 1: agree" in text  # the start is kept


def test_too_long_even_for_the_whole_free_space_is_cut_not_spilled(tmp_path: Path) -> None:
    data, text = _render(_plan(needs_steps=60), tmp_path)
    assert len(reader(data).pages) == 1
    assert LAST not in text and CUT in text
    assert "Step 1: agree" in text


def test_sections_of_like_length_keep_equal_columns(tmp_path: Path) -> None:
    from familyworker.reports.plan_on_a_page import CONTENT_WIDTH, layout_plan

    plan = replace(_plan(needs_steps=1), working_well="Zoë reads every night with her mum.",
                   worried_about="Zoë is often late for school.")
    layout = layout_plan(family=FAMILY, plan=plan, lead_worker=WORKER, stars=[],
                         template=default_star_template())
    boxes = layout.flowables[2]
    assert [round(w) for w in boxes._colWidths] == [round(CONTENT_WIDTH / 3)] * 3
