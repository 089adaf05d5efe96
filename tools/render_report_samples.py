"""Regenerate docs/screenshots/ PNGs of the printed reports from synthetic sample data.

Needs poppler's pdftoppm. Run from the repository root: python tools/render_report_samples.py
"""

import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from familyworker.domain.contact import Addendum, ContactNote, NoteKind, NoteStatus  # noqa: E402
from familyworker.domain.family import Family  # noqa: E402
from familyworker.domain.plan import Action, ActionStatus, Goal, Plan, PlanStatus  # noqa: E402
from familyworker.domain.star import StarScore, StarTemplate, WebStarAssessment  # noqa: E402
from familyworker.domain.team import Worker  # noqa: E402
from familyworker.reports.chronology import render_chronology  # noqa: E402
from familyworker.reports.plan_on_a_page import render_plan_on_a_page  # noqa: E402
from familyworker.reports.star_progress import render_star_progress  # noqa: E402
from familyworker.services.programme import default_star_template  # noqa: E402

PRINTED = date(2025, 4, 20)
FAMILY = Family(id="f1", reference="FAM-0042", household_name="Siobhán O'Neill and family",
                postcode="LS1 4AB")
WORKER = Worker(id="w1", name="Łukasz Nowak", contact="07700 900123 (Monday to Friday)")


def sample_stars(template: StarTemplate, count: int = 3) -> list[WebStarAssessment]:
    base = [[3, 4, 5, 2, 3, 4, 2, 3, 2], [5, 5, 6, 4, 5, 5, 3, 5, 3], [7, 6, 8, 6, 7, 6, 5, 6, 4]]
    return [WebStarAssessment(
        id=f"s{n}", family_id="f1", assessed_on=date(2024, 10, 7) + timedelta(weeks=12 * n),
        template_key=template.key, template_version=template.version,
        scores=tuple(StarScore(d.key, base[n % 3][i]) for i, d in enumerate(template.domains)))
        for n in range(count)]


def sample_plan(scale: int = 1, goals: int = 3) -> Plan:
    goal_list = tuple([Goal(id=f"g{n}", text=text, actions=actions) for n, (text, actions) in
                       enumerate([
        ("Zoë gets to school on time every day", (
            Action("a1", "Set two alarms and lay the uniform out the night before", "Siobhán",
                   date(2025, 5, 1), ActionStatus.DONE),
            Action("a2", "Ask the school about a breakfast club place", "Łukasz (lead worker)",
                   date(2025, 5, 8)))),
        ("Get on top of the rent arrears so we can stay in our home", (
            Action("a3", "Book an appointment with the council money advice team", "Siobhán",
                   date(2025, 5, 2)),
            Action("a4", "Bring the letters to the Family Hub", "Siobhán and Łukasz",
                   date(2025, 5, 9)))),
        ("Siobhán feels less alone and has people to call on", (
            Action("a5", "Try the Tuesday parents’ group at the Hub", "Siobhán",
                   date(2025, 5, 13)),)),
    ] * 6)][:goals])
    return Plan(
        id="p1", family_id="f1", version=2, status=PlanStatus.AGREED,
        agreed_on=date(2025, 4, 14), review_due=date(2025, 7, 14),
        working_well="Zoë is reading every night with her mum. Bedtimes are calmer and Zoë’s "
                     "grandma helps on Thursdays. " * scale,
        worried_about="Zoë is often late for school. The rent arrears letters are piling up "
                      "and Siobhán is not sleeping well. " * scale,
        needs_to_happen="A morning routine everyone knows. A plan with the council for the "
                        "rent. Someone Siobhán can talk to. " * scale,
        family_words="Things feel a bit calmer at home. We want mornings to be less of a "
                     "battle and to stop worrying about the rent. " * scale,
        goals=goal_list)


def long_section_plan() -> Plan:
    """One long section beside short ones: it takes the width they leave, uncut."""
    return replace(
        sample_plan(goals=2), working_well="Zoë reads every night with her mum.",
        worried_about="Zoë is often late for school.",
        needs_to_happen=("Siobhán and Zoë agree a morning routine and put it on the fridge: "
                         "alarms at seven, uniform laid out the night before, breakfast at "
                         "the table. Łukasz asks the school about a breakfast club place and "
                         "tells Siobhán what they say. Siobhán books the council money advice "
                         "appointment and takes the rent letters with her. Everyone looks "
                         "at the routine together at the review."),
        family_words="Mornings are the hard part. We want to get out of the door calmly.")


def sample_notes() -> tuple[list[ContactNote], list[Addendum]]:
    start = datetime(2024, 10, 7, 10, 0, tzinfo=UTC)
    kinds = [NoteKind.HOME_VISIT, NoteKind.PHONE, NoteKind.SCHOOL, NoteKind.MULTI_AGENCY_MEETING]
    notes = [ContactNote(
        id=f"n{n}", family_id="f1", kind=kinds[n % 4], occurred_at=start + timedelta(days=9 * n),
        narrative=(f"Contact {n + 1}. Met Siobhán and Zoë. We talked about mornings, school "
                   "and the rent letters. Zoë showed me her reading book. ") * (1 + n % 3),
        present=("Siobhán O'Neill", "Zoë O'Neill"), duration_minutes=45 + 5 * (n % 4),
        follow_ups="Ring the school on Friday." if n % 2 else "", author_id="w1",
        status=NoteStatus.FINAL, finalised_at=start + timedelta(days=9 * n, hours=3))
        for n in range(14)]
    addenda = [Addendum(id="ad1", note_id="n0", family_id="f1",
                        text="Correction: Zoë’s grandmother was also present.",
                        written_at=start + timedelta(days=2), author_id="w1")]
    return notes, addenda


def main() -> int:
    template = default_star_template()
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    notes, addenda = sample_notes()
    stars = sample_stars(template)
    zoe = WebStarAssessment(id="z1", family_id="f1", assessed_on=date(2025, 1, 6),
                            template_key=template.key, template_version=template.version,
                            scores=tuple(StarScore(d.key, 5) for d in template.domains),
                            person_id="zoe")
    reports = {
        "plan-on-a-page": render_plan_on_a_page(
            family=FAMILY, plan=sample_plan(), lead_worker=WORKER, stars=stars,
            template=template, printed_on=PRINTED),
        "plan-overlong": render_plan_on_a_page(
            family=FAMILY, plan=sample_plan(scale=8, goals=9), lead_worker=WORKER,
            stars=stars, template=template, printed_on=PRINTED),
        "plan-long-section": render_plan_on_a_page(
            family=FAMILY, plan=long_section_plan(), lead_worker=WORKER, stars=stars,
            template=template, printed_on=PRINTED),
        "plan-blank": render_plan_on_a_page(
            family=FAMILY, plan=None, lead_worker=WORKER, stars=[], template=template,
            printed_on=PRINTED),
        "star-progress": render_star_progress(
            family=FAMILY, stars=[*stars, zoe], template=template,
            subjects={None: "The whole family together", "zoe": "Zoë O'Neill"},
            printed_on=PRINTED),
        "chronology-page1": render_chronology(
            family=FAMILY, notes=notes, addenda=addenda, worker_names={"w1": WORKER.name},
            printed_on=PRINTED),
    }
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in reports.items():
            pdf = Path(scratch) / f"{name}.pdf"
            pdf.write_bytes(data)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                            "-singlefile", str(pdf), str(out / name)], check=True)
            print(f"{out / name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
