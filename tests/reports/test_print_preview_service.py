"""Preview: render to bytes (nothing written, nothing audited), say what it is, then save or
print exactly those bytes (audited with their SHA-256); the pages rasterise in memory."""

import tempfile
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from tests.reports.family_data import PrintedFamily
from tests.reports.helpers import pdf_text

from familyworker.domain.errors import ValidationError
from familyworker.domain.ids import new_id
from familyworker.reports.pdf_pages import UnreadablePdf, page_sizes, page_text, render_page
from familyworker.services.family_file import load_family_file
from familyworker.services.printing import (
    ReportKind,
    preview_chronology,
    preview_plan,
    preview_star,
    record_preview_printed,
    save_preview,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow

TODAY = date(2025, 4, 20)


def audit_details(store: CaseloadStore, family_id: str) -> list[tuple[str, str]]:
    with store.read() as session:
        rows = session.exec(select(AuditEventRow).where(
            AuditEventRow.family_id == family_id)).all()
    return [(str(r.action), r.detail or "") for r in rows
            if (r.detail or "").startswith("report=")]


def test_a_plan_preview_writes_and_audits_nothing(printed_family: PrintedFamily,
                                                  tmp_path: Path) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    before = set(Path(tempfile.gettempdir()).iterdir())
    preview = preview_plan(store, family_id=family_id, today=TODAY)
    assert set(Path(tempfile.gettempdir()).iterdir()) == before
    assert audit_details(store, family_id) == []
    assert preview.data.startswith(b"%PDF")
    assert preview.report is ReportKind.PLAN
    assert preview.description == "Plan on a page — version 1, agreed on 12 April 2025"
    assert preview.file_name == f"{printed_family.reference}-plan-on-a-page.pdf"


def test_a_draft_says_so_and_prints_its_typing(printed_family: PrintedFamily) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    agreed = load_family_file(store, family_id=family_id).latest_agreed_plan
    assert agreed is not None
    draft = agreed.revise(new_id=new_id).edit(needs_to_happen="Ring the school about the bus.")
    preview = preview_plan(store, family_id=family_id, plan=draft, today=TODAY)
    assert preview.description == "Plan on a page — version 2, DRAFT: not yet agreed"
    text = pdf_text(preview.data)
    assert "Ring the school about the bus." in text
    assert "not yet agreed" in text


def test_a_plan_from_another_family_is_refused(printed_family: PrintedFamily) -> None:
    store = printed_family.store
    plan = load_family_file(store, family_id=printed_family.family_id).latest_agreed_plan
    assert plan is not None
    other = plan.revise(new_id=new_id)
    object.__setattr__(other, "family_id", "someone-else")
    with pytest.raises(ValidationError, match="another family"):
        preview_plan(store, family_id=printed_family.family_id, plan=other)


def test_star_preview_names_the_person_or_the_whole_family(
        printed_family: PrintedFamily) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    file = load_family_file(store, family_id=family_id)
    zoe = next(p for p in file.members if p.name.startswith("Zoë"))
    whole = preview_star(store, family_id=family_id, today=TODAY)
    assert whole.description == "Web Star progress — whole family"
    one = preview_star(store, family_id=family_id, person_id=zoe.id, today=TODAY)
    assert one.description == "Web Star progress — Zoë O'Neill"
    assert "Zoë O'Neill" in pdf_text(one.data)
    with pytest.raises(ValidationError, match="not in this family"):
        preview_star(store, family_id=family_id, person_id="nobody")


def test_chronology_preview_counts_its_entries(printed_family: PrintedFamily) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    file = load_family_file(store, family_id=family_id)
    preview = preview_chronology(store, family_id=family_id, today=TODAY)
    count = len(file.notes) + len(file.oversight)
    assert count >= 2
    assert preview.description == f"Chronology — {count} entries"


def test_saving_writes_the_previewed_bytes_and_audits_their_digest(
        printed_family: PrintedFamily, tmp_path: Path) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    preview = preview_chronology(store, family_id=family_id, today=TODAY)
    out = tmp_path / "chronology.pdf"
    printed = save_preview(store, preview, out)
    assert out.read_bytes() == preview.data
    assert printed.sha256 == preview.sha256
    assert audit_details(store, family_id) == [
        ("export", f"report=chronology sha256={preview.sha256}")]
    assert record_preview_printed(store, preview) == preview.sha256
    assert ("print", f"report=chronology sha256={preview.sha256}") in \
        audit_details(store, family_id)


def test_saving_to_a_missing_folder_fails_and_audits_nothing(
        printed_family: PrintedFamily, tmp_path: Path) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    preview = preview_plan(store, family_id=family_id, today=TODAY)
    with pytest.raises(FileNotFoundError):
        save_preview(store, preview, tmp_path / "no such folder" / "plan.pdf")
    assert audit_details(store, family_id) == []


def test_pages_rasterise_in_memory_with_ink_on_them(printed_family: PrintedFamily) -> None:
    preview = preview_chronology(printed_family.store, family_id=printed_family.family_id,
                                 today=TODAY)
    sizes = page_sizes(preview.data)
    assert sizes and round(sizes[0].width) == 595  # A4, in points
    page = render_page(preview.data, 0, dpi=72)
    assert abs(page.width - 595) <= 1 and abs(page.height - 842) <= 1
    assert len(page.pixels) == page.stride * page.height
    assert page.pixels.count(0xFF) < len(page.pixels)  # not a blank white page
    assert "Case chronology" in page_text(preview.data, 0)
    with pytest.raises(IndexError):
        render_page(preview.data, len(sizes), dpi=72)
    with pytest.raises(UnreadablePdf):
        page_sizes(b"not a pdf")


def test_one_persons_empty_star_report_still_names_them(printed_family: PrintedFamily) -> None:
    store, family_id = printed_family.store, printed_family.family_id
    file = load_family_file(store, family_id=family_id)
    mum = next(p for p in file.members if p.name.startswith("Siobhán"))
    assert all(s.person_id != mum.id for s in file.stars)
    preview = preview_star(store, family_id=family_id, person_id=mum.id, today=TODAY)
    assert "No Web Star assessments have been recorded yet for Siobhán O'Neill." in \
        pdf_text(preview.data)
