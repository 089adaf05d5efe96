"""Print a family's plan on a page, star progress or chronology to PDF, and audit each print."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from familyworker.domain.agency_copy import agency_copy
from familyworker.domain.audit import AuditAction
from familyworker.domain.errors import ValidationError
from familyworker.domain.plan import Plan
from familyworker.domain.team import Worker
from familyworker.reports.chronology import render_chronology
from familyworker.reports.pdf_output import sha256_hex, write_pdf_atomically
from familyworker.reports.plan_on_a_page import render_plan_on_a_page
from familyworker.reports.star_progress import render_star_progress
from familyworker.reports.text import uk_date
from familyworker.services import consent
from familyworker.services.family_file import FamilyFile, load_family_file
from familyworker.services.programme import default_star_template
from familyworker.services.safeguarding import family_concerns
from familyworker.store.caseload_store import SETTING_WORKER_NAME, CaseloadStore


class ReportKind(StrEnum):
    PLAN = "plan"
    STAR = "star"
    CHRONOLOGY = "chronology"


@dataclass(frozen=True, slots=True)
class PrintedReport:
    """A report written to disk: where, its SHA-256 (also in the audit trail), its family."""

    path: Path
    sha256: str
    family_id: str
    report: ReportKind


def _lead_worker(store: CaseloadStore, file: FamilyFile) -> Worker | None:
    if file.lead_worker is not None:
        return file.lead_worker
    if file.family.lead_worker_id and file.family.lead_worker_id == store.worker_id:
        return Worker(id=store.worker_id, name=str(store.setting(SETTING_WORKER_NAME, "Me")))
    return None


def _render_plan(store: CaseloadStore, file: FamilyFile, today: date,
                 plan: Plan | None = None) -> bytes:
    """``plan``: the version the worker is looking at (a draft is printed marked "not yet
    agreed"); without one, the latest agreed version, else the current draft."""
    plan = plan or file.latest_agreed_plan or file.current_plan
    return render_plan_on_a_page(family=file.family, plan=plan,
                                 lead_worker=_lead_worker(store, file), stars=file.stars,
                                 template=default_star_template(), printed_on=today)


def _render_star(store: CaseloadStore, file: FamilyFile, today: date,
                 person_id: str | None = None) -> bytes:
    subjects: dict[str | None, str]
    if person_id is not None:
        subjects = {person_id: file.person_name(person_id)}
    else:
        subjects = {None: "The whole family together"}
        subjects.update({p.id: p.name for p in file.members})
    return render_star_progress(family=file.family, stars=file.stars,
                                template=default_star_template(), subjects=subjects,
                                printed_on=today)


def _render_chronology(store: CaseloadStore, file: FamilyFile, today: date,
                       for_agency: str | None = None) -> bytes:
    """The family's own copy, or one prepared for ``for_agency``: then everything about or
    naming a member without consent to share with that agency is left out, and it says so."""
    concerns = family_concerns(store, file.family.id)
    if for_agency is None:
        return render_chronology(family=file.family, notes=file.notes, addenda=file.addenda,
                                 oversight=file.oversight, worker_names=file.worker_names,
                                 concerns=concerns,
                                 person_names={p.id: p.name for p in file.members},
                                 printed_on=today)
    if not " ".join(for_agency.split()):
        raise ValidationError("Say which agency the chronology is for.")
    copy = agency_copy(for_agency, file.members,
                       consent.family_statements(store, file.family.id), today)
    notes = [n for n in file.notes if not copy.leaves_out_note(n, file.addenda_for(n.id))]
    kept_ids = {n.id for n in notes}
    oversight = [o for o in file.oversight if not copy.leaves_out_oversight(o)]
    kept_concerns = [h for h in concerns if not copy.leaves_out_concern(h)]
    left_out = (len(file.notes) - len(notes) + len(file.oversight) - len(oversight)
                + len(concerns) - len(kept_concerns))
    return render_chronology(
        family=file.family, notes=notes,
        addenda=[a for a in file.addenda if a.note_id in kept_ids], oversight=oversight,
        worker_names=file.worker_names, concerns=kept_concerns,
        person_names={p.id: p.name for p in file.members if copy.keeps_person(p.id)},
        printed_on=today, agency_line=copy.line(left_out))


_RENDERERS: dict[ReportKind, Callable[[CaseloadStore, FamilyFile, date], bytes]] = {
    ReportKind.PLAN: _render_plan,
    ReportKind.STAR: _render_star,
    ReportKind.CHRONOLOGY: _render_chronology,
}


def render_report(store: CaseloadStore, report: ReportKind, *, reference: str | None = None,
                  family_id: str | None = None, today: date | None = None,
                  for_agency: str | None = None) -> tuple[str, bytes]:
    """(family id, PDF bytes) for preview; nothing is written or audited until it is used.
    ``for_agency``: the chronology prepared for that agency (docs/consent.md)."""
    file = load_family_file(store, family_id=family_id, reference=reference)
    day = today or date.today()
    if for_agency is not None:
        if ReportKind(report) is not ReportKind.CHRONOLOGY:
            raise ValidationError("Only the chronology is prepared for a named agency.")
        return file.family.id, _render_chronology(store, file, day, for_agency)
    return file.family.id, _RENDERERS[ReportKind(report)](store, file, day)


def record_print(store: CaseloadStore, *, family_id: str, report: ReportKind, data: bytes,
                 action: AuditAction = AuditAction.PRINT) -> str:
    """Audit a report that left the app (sent to a printer or saved). Returns its SHA-256."""
    digest = sha256_hex(data)
    with store.unit_of_work() as uow:
        uow.audit(action, entity="family", entity_id=family_id, family_id=family_id,
                  detail=f"report={ReportKind(report).value} sha256={digest}")
    return digest


def print_report(store: CaseloadStore, report: ReportKind, *, out_path: Path,
                 reference: str | None = None, family_id: str | None = None,
                 today: date | None = None, for_agency: str | None = None) -> PrintedReport:
    """Render, write atomically, then audit. A failed render leaves any existing file alone."""
    found_id, data = render_report(store, report, reference=reference, family_id=family_id,
                                   today=today, for_agency=for_agency)
    digest = write_pdf_atomically(Path(out_path), data)
    record_print(store, family_id=found_id, report=report, data=data,
                 action=AuditAction.EXPORT)
    return PrintedReport(Path(out_path), digest, found_id, ReportKind(report))


def print_plan(store: CaseloadStore, *, out_path: Path, reference: str | None = None,
               family_id: str | None = None, today: date | None = None,
               plan: Plan | None = None) -> PrintedReport:
    """``plan``: print exactly this version (what the screen shows), never another."""
    if plan is None:
        return print_report(store, ReportKind.PLAN, out_path=out_path, reference=reference,
                            family_id=family_id, today=today)
    file = load_family_file(store, family_id=family_id, reference=reference)
    if plan.family_id != file.family.id:
        raise ValueError("the plan belongs to another family")
    data = _render_plan(store, file, today or date.today(), plan)
    digest = write_pdf_atomically(Path(out_path), data)
    record_print(store, family_id=file.family.id, report=ReportKind.PLAN, data=data,
                 action=AuditAction.EXPORT)
    return PrintedReport(Path(out_path), digest, file.family.id, ReportKind.PLAN)


def print_star(store: CaseloadStore, *, out_path: Path, reference: str | None = None,
               family_id: str | None = None, today: date | None = None) -> PrintedReport:
    return print_report(store, ReportKind.STAR, out_path=out_path, reference=reference,
                        family_id=family_id, today=today)


def print_chronology(store: CaseloadStore, *, out_path: Path, reference: str | None = None,
                     family_id: str | None = None, today: date | None = None,
                     for_agency: str | None = None) -> PrintedReport:
    return print_report(store, ReportKind.CHRONOLOGY, out_path=out_path, reference=reference,
                        family_id=family_id, today=today, for_agency=for_agency)


# ----- preview: render to bytes, say what it is; save or print exactly those bytes --------


@dataclass(frozen=True, slots=True)
class ReportPreview:
    """A rendered report held in memory, with the words that say what it is.

    What is saved or printed is ``data`` itself, never a second render: the worker gets what
    the preview showed them.
    """

    family_id: str
    reference: str
    report: ReportKind
    data: bytes
    description: str  # "Plan on a page — version 3, DRAFT: not yet agreed"
    file_name: str  # suggested; the reference only, never a name

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


def _preview(file: FamilyFile, report: ReportKind, data: bytes, description: str,
             stem: str) -> ReportPreview:
    reference = file.family.reference
    return ReportPreview(family_id=file.family.id, reference=reference, report=report,
                         data=data, description=description,
                         file_name=f"{reference}-{stem}.pdf")


def plan_description(plan: Plan) -> str:
    if plan.is_agreed:
        return f"Plan on a page — version {plan.version}, agreed on {uk_date(plan.agreed_on)}"
    return f"Plan on a page — version {plan.version}, DRAFT: not yet agreed"


def preview_plan(store: CaseloadStore, *, family_id: str, plan: Plan | None = None,
                 today: date | None = None) -> ReportPreview:
    """``plan``: the version on screen, typing included (a draft is marked not yet agreed);
    without one, the latest agreed version, else the current draft. Nothing is written."""
    file = load_family_file(store, family_id=family_id)
    if plan is not None and plan.family_id != file.family.id:
        raise ValidationError("That plan belongs to another family.")
    shown = plan or file.latest_agreed_plan or file.current_plan
    if shown is None:
        raise ValidationError("This family has no plan on a page to print yet.")
    data = _render_plan(store, file, today or date.today(), shown)
    return _preview(file, ReportKind.PLAN, data, plan_description(shown), "plan-on-a-page")


def preview_star(store: CaseloadStore, *, family_id: str, person_id: str | None = None,
                 today: date | None = None) -> ReportPreview:
    """The whole family's Web Star progress (with each person's), or one person's."""
    file = load_family_file(store, family_id=family_id)
    if person_id is not None and all(p.id != person_id for p in file.members):
        raise ValidationError("That person is not in this family.")
    data = _render_star(store, file, today or date.today(), person_id)
    who = "whole family" if person_id is None else file.person_name(person_id)
    return _preview(file, ReportKind.STAR, data, f"Web Star progress — {who}",
                    "web-star-progress")


def preview_chronology(store: CaseloadStore, *, family_id: str, today: date | None = None,
                       for_agency: str | None = None) -> ReportPreview:
    """Every contact note (with its addenda) and oversight decision, oldest first; for an
    agency, without the entries about people who have not consented to share with it."""
    file = load_family_file(store, family_id=family_id)
    data = _render_chronology(store, file, today or date.today(), for_agency)
    if for_agency is not None:
        agency = " ".join(for_agency.split())
        return _preview(file, ReportKind.CHRONOLOGY, data,
                        f"Chronology for {agency} — only people who consented to share with "
                        "it", "chronology-for-agency")
    count = len(file.notes) + len(file.oversight)
    entries = "1 entry" if count == 1 else f"{count} entries"
    return _preview(file, ReportKind.CHRONOLOGY, data, f"Chronology — {entries}",
                    "chronology")


def save_preview(store: CaseloadStore, preview: ReportPreview, out_path: Path) -> PrintedReport:
    """Write the previewed bytes atomically where the worker chose, then audit (SHA-256)."""
    digest = write_pdf_atomically(Path(out_path), preview.data)
    record_print(store, family_id=preview.family_id, report=preview.report, data=preview.data,
                 action=AuditAction.EXPORT)
    return PrintedReport(Path(out_path), digest, preview.family_id, preview.report)


def record_preview_printed(store: CaseloadStore, preview: ReportPreview) -> str:
    """Audit the previewed bytes sent to a printer. Returns their SHA-256."""
    return record_print(store, family_id=preview.family_id, report=preview.report,
                        data=preview.data, action=AuditAction.PRINT)
