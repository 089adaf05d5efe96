"""Printed reports: content, one page for the plan, fonts, metadata, atomic writes, audit."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from tests.reports.family_data import HOUSEHOLD, WORKER, PrintedFamily, make_family
from tests.reports.helpers import embedded_fonts, pdf_text, pdftotext, reader

from familyworker.services import printing
from familyworker.services.printing import (
    ReportKind,
    print_chronology,
    print_plan,
    print_star,
    render_report,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow

ACCENTED = ("Siobhán", "Zoë", "Łukasz", "O'Neill")
# Which of the names each report has reason to show.
NAMES_SHOWN = {ReportKind.PLAN: ACCENTED, ReportKind.STAR: ("Zoë O'Neill",),
               ReportKind.CHRONOLOGY: ("Siobhán", "Zoë", "O'Neill")}
TODAY = date(2025, 4, 20)


def test_plan_on_a_page_has_the_plan_on_one_page(printed_family: PrintedFamily,
                                                 tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    printed = print_plan(printed_family.store, reference="fam-0042", out_path=out, today=TODAY)
    data = out.read_bytes()
    assert len(reader(data).pages) == 1
    text = pdf_text(data)
    for expected in ("Our family plan", HOUSEHOLD, "FAM-0042", "12 April 2025", "12 July 2025",
                     WORKER, "07700 900123", "What’s working well", "What we’re worried about",
                     "What needs to happen", "In our words", "Set two alarms", "By when",
                     "1 May 2025", "Latest: 10 Apr 2025", "Before: 10 Jan 2025"):
        assert expected in text, expected
    assert "continued in the case file" not in text
    assert printed.sha256 and len(printed.sha256) == 64


def test_overlong_plan_stays_on_one_page_with_a_visible_marker(store: CaseloadStore,
                                                              tmp_path: Path) -> None:
    family = make_family(store, plan_words=60, goals=12)
    out = tmp_path / "long.pdf"
    print_plan(store, reference=family.reference, out_path=out, today=TODAY)
    data = out.read_bytes()
    assert len(reader(data).pages) == 1
    text = " ".join(pdf_text(data).split())
    assert "continued in the case file" in text
    assert "Some parts are shortened to fit" in text
    assert "Goal 1:" in text  # the start is kept, the rest is marked, never silently cut


def test_plan_body_text_is_never_below_eleven_point(store: CaseloadStore) -> None:
    from familyworker.reports.plan_on_a_page import BODY_SIZES

    assert min(BODY_SIZES) >= 11


def test_family_without_a_plan_prints_a_blank_plan(store: CaseloadStore, tmp_path: Path) -> None:
    family = make_family(store, with_plan=False)
    out = tmp_path / "blank.pdf"
    print_plan(store, reference=family.reference, out_path=out, today=TODAY)
    data = out.read_bytes()
    text = pdf_text(data)
    assert len(reader(data).pages) == 1
    for expected in (HOUSEHOLD, "FAM-0042", WORKER, "Agreed on:", "Goal 1:", "Goal 2:",
                     "Blank plan to fill in", "What’s working well"):
        assert expected in text, expected


def test_fonts_are_embedded_dejavu(printed_family: PrintedFamily) -> None:
    for kind in ReportKind:
        _, data = render_report(printed_family.store, kind, reference=REF, today=TODAY)
        fonts = embedded_fonts(data)
        assert fonts and all("DejaVuSans" in f for f in fonts), (kind, fonts)


REF = "FAM-0042"


@pytest.mark.parametrize("kind", list(ReportKind))
def test_accented_names_survive_as_real_text(printed_family: PrintedFamily, kind: ReportKind,
                                            tmp_path: Path) -> None:
    out = tmp_path / f"{kind.value}.pdf"
    printing.print_report(printed_family.store, kind, reference=REF, out_path=out, today=TODAY)
    text = pdf_text(out.read_bytes())
    for name in NAMES_SHOWN[kind]:
        assert name in text, (kind, name)
    poppler = pdftotext(out)
    if poppler is not None:
        assert all(name in " ".join(poppler.split()) for name in NAMES_SHOWN[kind])


def test_metadata_names_the_reference_not_the_family(printed_family: PrintedFamily) -> None:
    for kind in ReportKind:
        _, data = render_report(printed_family.store, kind, reference=REF, today=TODAY)
        pdf = reader(data)
        meta = pdf.metadata
        assert meta is not None
        assert REF in str(meta.title)
        assert meta.author == "FamilyWorker"
        assert meta.subject
        assert pdf.trailer["/Root"]["/Lang"] == "en-GB"
        every_value = " ".join(str(v) for v in meta.values())
        assert "O'Neill" not in every_value and "Siobhán" not in every_value


def test_chronology_is_marked_and_numbered_across_pages(store: CaseloadStore,
                                                        tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from familyworker.domain.contact import NoteKind
    from familyworker.services.notes import save_note

    family = make_family(store)
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(30):
        save_note(store, family_id=family.family_id, kind=NoteKind.HOME_VISIT,
                  occurred_at=start + timedelta(days=n),
                  narrative=f"Visit number {n + 1}. " + "We talked about mornings. " * 20,
                  finalise=True)
    out = tmp_path / "chronology.pdf"
    print_chronology(store, reference=REF, out_path=out, today=TODAY)
    pdf = reader(out.read_bytes())
    total = len(pdf.pages)
    assert total >= 3
    for number, page in enumerate(pdf.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert text.count("OFFICIAL-SENSITIVE") >= 2  # header and footer
    whole = pdf_text(out.read_bytes())
    assert whole.index("First visit") < whole.index("Phoned the school") \
        < whole.index("Visit number 1.") < whole.index("Visit number 30.")
    assert "Correction: Zoë's grandmother was also present." in whole
    assert "Addendum added" in whole


def test_star_progress_shows_every_assessment_and_the_change(printed_family: PrintedFamily,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "star.pdf"
    print_star(printed_family.store, reference=REF, out_path=out, today=TODAY)
    text = pdf_text(out.read_bytes())
    for expected in ("The whole family together", "10 January 2025", "10 April 2025",
                     "Being healthy", "Work and skills", "+3 up", "Change, first to latest"):
        assert expected in text, expected


def test_print_writes_an_audit_event_with_identifiers_only(printed_family: PrintedFamily,
                                                           tmp_path: Path) -> None:
    printed = print_plan(printed_family.store, reference=REF, out_path=tmp_path / "p.pdf",
                         today=TODAY)
    with printed_family.store.read() as session:
        rows = session.exec(select(AuditEventRow).where(AuditEventRow.entity == "family")).all()
    events = [r for r in rows if "report=plan" in r.detail]
    assert len(events) == 1
    event = events[0]
    assert event.action in {"print", "export"}
    assert event.family_id == printed_family.family_id
    assert f"sha256={printed.sha256}" in event.detail
    assert "O'Neill" not in event.detail


def test_failed_render_leaves_the_existing_file_alone(printed_family: PrintedFamily,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"the old plan")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer died")

    monkeypatch.setitem(printing._RENDERERS, ReportKind.PLAN, broken)
    with pytest.raises(RuntimeError):
        print_plan(printed_family.store, reference=REF, out_path=out, today=TODAY)
    assert out.read_bytes() == b"the old plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["caseload", "plan.pdf"]


def test_unknown_reference_is_a_plain_error(printed_family: PrintedFamily,
                                            tmp_path: Path) -> None:
    from familyworker.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="No family with that reference"):
        print_plan(printed_family.store, reference="FAM-9999", out_path=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
