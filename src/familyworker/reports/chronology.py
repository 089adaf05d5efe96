"""Case chronology: every contact note and its addenda in date order, for transfer or a SAR;
safeguarding concerns and each decision on them at their own times."""

import io
from collections.abc import Mapping, Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from familyworker.domain.contact import Addendum, ChildSeen, ContactNote, NoteKind
from familyworker.domain.family import Family
from familyworker.domain.oversight import OversightNote
from familyworker.domain.safeguarding import ConcernDecision, ConcernHistory, ConcernOutcome
from familyworker.reports.pages import MARGIN, numbered_canvas
from familyworker.reports.pdf_output import PdfMetadata
from familyworker.reports.styles import body_style, table_style
from familyworker.reports.text import para_text, uk_date, uk_datetime


def chronology_metadata(family: Family) -> PdfMetadata:
    return PdfMetadata(title=f"Case chronology – {family.reference}",
                       subject="Case chronology: contact notes and addenda")


def render_chronology(*, family: Family, notes: Sequence[ContactNote],
                      addenda: Sequence[Addendum], oversight: Sequence[OversightNote] = (),
                      worker_names: Mapping[str, str] | None = None,
                      concerns: Sequence[ConcernHistory] = (),
                      person_names: Mapping[str, str] | None = None,
                      printed_on: date, agency_line: str = "") -> bytes:
    """All notes oldest first, each followed by its addenda; oversight decisions interleaved.
    ``agency_line``: a copy prepared for an agency says so, and what was left out, at the top
    (the caller has already left those entries out)."""
    names = worker_names or {}
    metadata = chronology_metadata(family)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + 14, bottomMargin=MARGIN + 6,
                            **metadata.doc_kwargs())
    body = body_style(11)
    ordered_notes = sorted(notes, key=lambda n: (n.occurred_at, n.id))
    first = ordered_notes[0].occurred_at if ordered_notes else None
    last = ordered_notes[-1].occurred_at if ordered_notes else None
    story: list[Flowable] = [
        Paragraph("Case chronology", body_style(18, bold=True, name="title")),
        Paragraph(f"<b>{para_text(family.household_name)}</b> · reference "
                  f"{para_text(family.reference)}", body),
        Paragraph(f"{len(ordered_notes)} contact note{'s' if len(ordered_notes) != 1 else ''}, "
                  f"{len(addenda)} {'addendum' if len(addenda) == 1 else 'addenda'}"
                  + (f", from {uk_date(first)} to {uk_date(last)}" if first and last else "")
                  + f". Printed {uk_date(printed_on)}.", body),
    ]
    if agency_line:
        story.append(Paragraph(f"<b>{para_text(agency_line)}</b>", body))
    story.append(Spacer(1, 10))
    entries: list[tuple[object, int, Flowable]] = []
    for note in ordered_notes:
        mine = sorted((a for a in addenda if a.note_id == note.id), key=lambda a: a.written_at)
        entries.append((note.occurred_at, 0, _note(note, mine, names)))
    for item in oversight:
        entries.append((item.written_at, 1, _oversight(item, names)))
    for history in concerns:
        concern = history.concern
        about = (person_names or {}).get(concern.about_person_id or "", "a member") \
            if concern.about_person_id else "the whole household"
        entries.append((concern.raised_at, 2, _concern(history, about, names)))
        for decision in history.decisions:
            entries.append((decision.decided_at, 3, _decision(decision, about, names)))
    entries.sort(key=lambda e: (str(e[0]), e[1]))
    if not entries:
        story.append(Paragraph("No contact notes have been recorded.", body))
    for _, _, flowable in entries:
        story += [flowable, Spacer(1, 8)]
    canvas = numbered_canvas(f"Case chronology · {family.reference}",
                             f"Printed {uk_date(printed_on)}")
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _who(author_id: str | None, names: Mapping[str, str]) -> str:
    if author_id is None:
        return "not recorded"
    return names.get(author_id, "another worker")


def _note(note: ContactNote, addenda: Sequence[Addendum], names: Mapping[str, str]) -> Flowable:
    body = body_style(11)
    bold = body_style(11, bold=True, name="b")
    small = body_style(10, name="small")
    heading = f"{uk_datetime(note.occurred_at)} · {note.kind.label}"
    if note.kind not in {NoteKind.TEXT_EMAIL, NoteKind.OVERSIGHT}:
        heading += f" · {note.outcome.label}"
    if not note.is_final:
        heading += " · DRAFT (not finalised)"
    facts = [f"Recorded by {para_text(_who(note.author_id, names))}"]
    if note.child_seen is not ChildSeen.NOT_RECORDED:
        facts.append(note.child_seen.label)
    if note.duration_minutes is not None:
        facts.append(f"{note.duration_minutes} minutes")
    if note.present:
        facts.append("Present: " + para_text(", ".join(note.present)))
    if note.agencies:
        facts.append("Agencies: " + para_text(", ".join(note.agencies)))
    if note.finalised_at is not None:
        facts.append(f"finalised {uk_datetime(note.finalised_at)}")
    cell: list[Flowable] = [Paragraph(heading, bold), Paragraph(" · ".join(facts), small),
                            Spacer(1, 3)]
    if note.child_voice.strip():
        cell.append(Paragraph(f"<b>In the child's words:</b> “{para_text(note.child_voice)}”",
                              body))
    if note.kind.is_meeting:
        cell.append(Paragraph("<b>Decisions:</b> " + (para_text(note.narrative) or "—"), body))
    else:
        cell.append(Paragraph(para_text(note.narrative) or "—", body))
    if note.follow_ups.strip():
        cell.append(Paragraph(f"<b>Follow-ups:</b> {para_text(note.follow_ups)}", body))
    if note.next_meeting_on is not None:
        cell.append(Paragraph(f"<b>Next meeting:</b> {uk_date(note.next_meeting_on)}", body))
    for addendum in addenda:
        cell += [Spacer(1, 4), Paragraph(
            f"<b>Addendum added {uk_datetime(addendum.written_at)}</b> by "
            f"{para_text(_who(addendum.author_id, names))}: {para_text(addendum.text)}", body)]
    return _boxed(cell, colors.Color(0.35, 0.35, 0.35))


def _oversight(item: OversightNote, names: Mapping[str, str]) -> Flowable:
    body = body_style(11)
    cell: list[Flowable] = [
        Paragraph(f"{uk_datetime(item.written_at)} · Management oversight",
                  body_style(11, bold=True, name="b")),
        Paragraph(f"By {para_text(_who(item.supervisor_id, names))}",
                  body_style(10, name="small")),
        Paragraph(f"<b>Decision:</b> {para_text(item.decision)}", body)]
    if item.actions.strip():
        cell.append(Paragraph(f"<b>Actions:</b> {para_text(item.actions)}", body))
    if item.review_due:
        cell.append(Paragraph(f"<b>Review by:</b> {uk_date(item.review_due)}", body))
    return _boxed(cell, colors.Color(0.1, 0.1, 0.1))


def _concern(history: ConcernHistory, about: str, names: Mapping[str, str]) -> Flowable:
    body = body_style(11)
    concern = history.concern
    cell: list[Flowable] = [
        Paragraph(f"{uk_datetime(concern.raised_at)} · Safeguarding concern about "
                  f"{para_text(about)}", body_style(11, bold=True, name="b")),
        Paragraph(f"Raised by {para_text(_who(concern.raised_by, names))}",
                  body_style(10, name="small")),
        Paragraph(f"<b>Seen or heard:</b> {para_text(concern.seen_or_heard)}", body)]
    if concern.immediate_action:
        cell.append(Paragraph(f"<b>Immediate action:</b> {para_text(concern.immediate_action)}",
                              body))
    if history.awaiting_decision:
        cell.append(Paragraph("<b>Awaiting decision.</b>", body))
    return _boxed(cell, colors.Color(0.6, 0.0, 0.0))


def _decision(decision: ConcernDecision, about: str, names: Mapping[str, str]) -> Flowable:
    body = body_style(11)
    facts = [f"By {para_text(_who(decision.decided_by, names))}"]
    if decision.referral_on:
        facts.append(f"referred {uk_date(decision.referral_on)}")
    if decision.referral_reference:
        facts.append(f"reference {para_text(decision.referral_reference)}")
    if decision.outcome is not ConcernOutcome.NONE_YET and decision.outcome_on:
        facts.append(f"outcome {uk_date(decision.outcome_on)}")
    cell: list[Flowable] = [
        Paragraph(f"{uk_datetime(decision.decided_at)} · Safeguarding decision (concern about "
                  f"{para_text(about)})", body_style(11, bold=True, name="b")),
        Paragraph(" · ".join(facts), body_style(10, name="small")),
        Paragraph(f"<b>Decision:</b> {para_text(decision.state())}", body)]
    if decision.note:
        cell.append(Paragraph(f"<b>Note:</b> {para_text(decision.note)}", body))
    return _boxed(cell, colors.Color(0.6, 0.0, 0.0))


def _boxed(cell: list[Flowable], line: colors.Color) -> Flowable:
    width = float(A4[0]) - 2 * MARGIN
    # A long narrative may run across pages; splitByRow=1 lets the single-cell table split.
    table = Table([[cell]], colWidths=[width], splitByRow=1, splitInRow=1)
    table.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.7, line),
                               ("LEFTPADDING", (0, 0), (-1, -1), 8),
                               ("TOPPADDING", (0, 0), (-1, -1), 5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return KeepTogether([table]) if len(cell) < 6 else table
