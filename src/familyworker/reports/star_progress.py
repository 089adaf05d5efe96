"""Star progress report: every Web Star assessment, overlaid, with a per-domain table of change."""

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

from familyworker.domain.family import Family
from familyworker.domain.star import StarTemplate, WebStarAssessment, distance_travelled
from familyworker.reports.pages import MARGIN, numbered_canvas
from familyworker.reports.pdf_output import PdfMetadata
from familyworker.reports.star_chart import STYLES, series_style, star_chart
from familyworker.reports.styles import body_style, table_style
from familyworker.reports.text import para_text, short_date, uk_date

COLUMNS_PER_TABLE = 6


def star_metadata(family: Family) -> PdfMetadata:
    return PdfMetadata(title=f"Web Star progress – {family.reference}",
                       subject="Family Web Star progress")


def change_words(change: int | None) -> str:
    """Change in words as well as a sign, so it never depends on colour."""
    if change is None:
        return "—"
    if change == 0:
        return "no change"
    return f"+{change} up" if change > 0 else f"−{-change} down"


def render_star_progress(*, family: Family, stars: Sequence[WebStarAssessment],
                         template: StarTemplate, subjects: Mapping[str | None, str],
                         printed_on: date) -> bytes:
    """One section per subject (whole family, then each person) with any assessments.

    ``subjects`` maps a person id (None for the whole family) to the name shown; subjects
    not in it are left out, which is how a report for one person is asked for.
    """
    metadata = star_metadata(family)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + 10, bottomMargin=MARGIN + 6,
                            **metadata.doc_kwargs())
    title = body_style(18, bold=True, name="title")
    body = body_style(11)
    story: list[Flowable] = [
        Paragraph("Family Web Star: progress over time", title),
        Paragraph(f"<b>{para_text(family.household_name)}</b> · reference "
                  f"{para_text(family.reference)} · printed {uk_date(printed_on)}", body),
        Spacer(1, 10),
    ]
    any_section = False
    for subject, name in subjects.items():
        mine = [s for s in stars if s.person_id == subject]
        if not mine:
            continue
        any_section = True
        story += _section(name, mine, template)
    if not any_section:
        # One person asked for: the page still says whom it is about.
        person = [name for subject, name in subjects.items() if subject is not None]
        whom = f" for {para_text(person[0])}" if len(subjects) == 1 and person else ""
        story.append(Paragraph(f"No Web Star assessments have been recorded yet{whom}.", body))
    canvas = numbered_canvas(f"Web Star progress · {family.reference}",
                             f"Printed {uk_date(printed_on)}")
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _section(name: str, assessments: list[WebStarAssessment],
             template: StarTemplate) -> list[Flowable]:
    heading = body_style(14, bold=True, name="h")
    body = body_style(11)
    bold = body_style(11, bold=True, name="b")
    dates = ", ".join(uk_date(a.assessed_on) for a in assessments)
    parts: list[Flowable] = [
        Paragraph(para_text(name), heading),
        Paragraph(f"{len(assessments)} assessment{'s' if len(assessments) != 1 else ''}: "
                  f"{dates}.", body),
        Spacer(1, 4),
    ]
    shown = assessments[-len(STYLES):]
    if len(shown) < len(assessments):
        parts.append(Paragraph(f"The chart shows the latest {len(shown)}; the table shows "
                               "them all.", body))
    parts.append(star_chart(template, shown, width=440, label_size=11, label_width=95))
    parts.append(Spacer(1, 8))
    distance = distance_travelled(assessments, template)
    changes = {c.domain_key: c.change for c in distance.changes} if distance else {}
    for start in range(0, len(assessments), COLUMNS_PER_TABLE):
        chunk = assessments[start:start + COLUMNS_PER_TABLE]
        header: list[Flowable] = [Paragraph("Area of family life", bold)]
        for offset, a in enumerate(chunk):
            rank = len(assessments) - 1 - (start + offset)
            marker = series_style(rank).marker if rank < len(STYLES) else ""
            header.append(Paragraph(f"{short_date(a.assessed_on)}"
                                    f"{'<br/>(' + marker + ')' if marker else ''}", bold))
        header.append(Paragraph("Change, first to latest", bold))
        rows: list[list[Flowable | str]] = [header]
        for domain in template.domains:
            row: list[Flowable | str] = [Paragraph(para_text(domain.label), body)]
            for a in chunk:
                score = a.score_for(domain.key)
                row.append(Paragraph("—" if score is None else str(score), body))
            row.append(Paragraph(change_words(changes.get(domain.key)), body))
            rows.append(row)
        label_w, change_w = 150.0, 90.0
        rest = (float(A4[0]) - 2 * MARGIN - label_w - change_w) / len(chunk)
        table = Table(rows, colWidths=[label_w] + [rest] * len(chunk) + [change_w],
                      repeatRows=1)
        table.setStyle(table_style([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.45, 0.45, 0.45)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        parts.append(table)
        parts.append(Spacer(1, 6))
    if distance and distance.average_change is not None and len(assessments) > 1:
        parts.append(Paragraph(
            f"Average change across all areas from {uk_date(distance.first_on)} to "
            f"{uk_date(distance.latest_on)}: {distance.average_change:+.1f}.", body))
    parts.append(Spacer(1, 14))
    return [KeepTogether(parts[:4]), *parts[4:]]
