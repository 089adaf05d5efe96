"""Programme report PDF: families by status and need, distance travelled, outcomes, claims and
case durations, with bar charts drawn as vectors (values printed on every bar, so nothing
depends on colour). Families appear by reference only; the marking is OFFICIAL-SENSITIVE.
"""

import io
from collections.abc import Sequence
from datetime import date

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from familyworker.domain.programme_figures import FamilyLine, ProgrammeFigures
from familyworker.reports.fonts import BOLD, REGULAR, register_fonts
from familyworker.reports.pages import MARGIN, PAGE_WIDTH, numbered_canvas
from familyworker.reports.pdf_output import PdfMetadata
from familyworker.reports.styles import INK, body_style, new_drawing, table_style
from familyworker.reports.text import uk_date

CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
DARK = colors.Color(0.05, 0.25, 0.55)
LIGHT = colors.Color(0.72, 0.78, 0.88)
GRID = colors.Color(0.45, 0.45, 0.45)
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
ROWS_PER_TABLE = 48  # per-family rows are laid out in page-sized tables (fast to split)


def programme_metadata(figures: ProgrammeFigures) -> PdfMetadata:
    return PdfMetadata(title=f"Programme report {figures.period.start} to {figures.period.end}",
                       subject="Programme report: families, distance travelled, outcomes, "
                               "claims")


def _number(value: float | None, places: int = 1) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}".replace("-", "−")


def bar_chart(rows: Sequence[tuple[str, int]], *, width: float = CONTENT_WIDTH,
              label_width: float = 200, bar_height: float = 14,
              fill: colors.Color = DARK) -> Drawing:
    """Horizontal bars, one per row, each with its value written at its end."""
    register_fonts()
    gap = 5.0
    height = len(rows) * (bar_height + gap) + gap
    drawing = new_drawing(width, height)
    top = max((v for _, v in rows), default=0) or 1
    span = width - label_width - 40
    for index, (label, value) in enumerate(rows):
        y = height - (index + 1) * (bar_height + gap)
        drawing.add(String(label_width - 6, y + 3.5, _fit(label, label_width - 10, 9),
                           fontName=REGULAR, fontSize=9, fillColor=INK, textAnchor="end"))
        length = span * value / top
        if length > 0:
            drawing.add(Rect(label_width, y, length, bar_height, fillColor=fill,
                             strokeColor=None))
        drawing.add(String(label_width + length + 4, y + 3.5, str(value), fontName=BOLD,
                           fontSize=9, fillColor=INK))
    drawing.add(Line(label_width, 0, label_width, height, strokeColor=GRID, strokeWidth=0.6))
    return drawing


def paired_chart(rows: Sequence[tuple[str, float | None, float | None]], *,
                 width: float = CONTENT_WIDTH, label_width: float = 170,
                 scale_max: float = 10) -> Drawing:
    """First (light, outlined) and latest (dark) average score per row, on a 0–10 scale."""
    register_fonts()
    bar, gap = 9.0, 8.0
    pair = 2 * bar + gap
    legend = 18.0
    height = len(rows) * pair + gap + legend + 14
    drawing = new_drawing(width, height)
    span = width - label_width - 40
    base = 14.0  # room for the scale underneath
    for tick in range(0, int(scale_max) + 1, 2):
        x = label_width + span * tick / scale_max
        drawing.add(Line(x, base, x, height - legend, strokeColor=colors.Color(0.85, 0.85, 0.85),
                         strokeWidth=0.5))
        drawing.add(String(x, 3, str(tick), fontName=REGULAR, fontSize=8, fillColor=INK,
                           textAnchor="middle"))
    for index, (label, first, latest) in enumerate(rows):
        y = height - legend - (index + 1) * pair
        drawing.add(String(label_width - 6, y + bar - 3, _fit(label, label_width - 10, 9),
                           fontName=REGULAR, fontSize=9, fillColor=INK, textAnchor="end"))
        for offset, value, fill in ((bar, first, LIGHT), (0.0, latest, DARK)):
            if value is None:
                continue
            length = span * value / scale_max
            drawing.add(Rect(label_width, y + offset, length, bar - 1, fillColor=fill,
                             strokeColor=INK, strokeWidth=0.4))
            drawing.add(String(label_width + length + 4, y + offset + 1, f"{value:.1f}",
                               fontName=REGULAR, fontSize=7.5, fillColor=INK))
    key_y = height - legend + 4
    drawing.add(Rect(label_width, key_y, 12, 8, fillColor=LIGHT, strokeColor=INK,
                     strokeWidth=0.4))
    drawing.add(String(label_width + 16, key_y + 1, "first Web Star (upper, light bar)",
                       fontName=REGULAR, fontSize=8, fillColor=INK))
    drawing.add(Rect(label_width + 175, key_y, 12, 8, fillColor=DARK, strokeColor=INK,
                     strokeWidth=0.4))
    drawing.add(String(label_width + 191, key_y + 1, "latest Web Star (lower, dark bar)",
                       fontName=REGULAR, fontSize=8, fillColor=INK))
    drawing.add(Line(label_width, base, label_width, height - legend, strokeColor=GRID,
                     strokeWidth=0.6))
    return drawing


def _fit(text: str, width: float, size: float) -> str:
    if stringWidth(text, REGULAR, size) <= width:
        return text
    while text and stringWidth(text + "…", REGULAR, size) > width:
        text = text[:-1]
    return text + "…"


def _table(rows: list[list[str]], widths: list[float], *, size: float = 9) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style([
        ("FONT", (0, 0), (-1, -1), REGULAR, size),
        ("FONT", (0, 0), (-1, 0), BOLD, size),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


def render_programme_report(figures: ProgrammeFigures, *, printed_on: date) -> bytes:
    metadata = programme_metadata(figures)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + 10, bottomMargin=MARGIN + 6,
                            **metadata.doc_kwargs())
    story = _summary(figures, printed_on) + _distance(figures) + _outcomes(figures)
    story += _families(figures)
    # Short: the running header must stay clear of the centred marking.
    period = f"{figures.period.start:%d/%m/%y}–{figures.period.end:%d/%m/%y}"
    canvas = numbered_canvas(f"Programme report {period}", f"Printed {uk_date(printed_on)}")
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _heading(text: str) -> Paragraph:
    return Paragraph(text, body_style(14, bold=True, name="h"))


def _summary(figures: ProgrammeFigures, printed_on: date) -> list[Flowable]:
    body = body_style(10)
    period = figures.period
    claims = figures.claims
    summary = [
        ["Families in scope", str(figures.families)],
        ["Eligible for a results claim (framework rule)", str(figures.eligible)],
        ["Families with two or more Web Stars in the period", str(figures.with_distance)],
        [f"Identified problems met and sustained (outcome plan) by {uk_date(figures.as_of)}",
         f"{figures.problems_met} of {figures.problems_identified}"],
        [f"Families with the outcome plan met by {uk_date(figures.as_of)}",
         str(figures.plan_met)],
        ["… of which met inside the period", str(figures.plan_met_in_period)],
        [f"Claims made (by {uk_date(figures.as_of)})", str(claims["claimed"])],
        ["Claim ready, not yet claimed", str(claims["ready"])],
        ["Median case length (weeks)", _number(figures.median_case_weeks)],
    ]
    criteria = dict(figures.criteria)
    return [
        Paragraph("Programme report", body_style(18, bold=True, name="title")),
        Paragraph(f"{figures.framework_name} · {uk_date(period.start)} to "
                  f"{uk_date(period.end)} · printed {uk_date(printed_on)}", body),
        *([Paragraph(f"The period has not ended: figures are as of {uk_date(figures.as_of)} "
                     "(problems met, claims and case lengths count only to that day).",
                     body)] if figures.as_of < period.end else []),
        Paragraph("Families whose case was live at any time in the period. Each identified "
                  f"problem is judged against the outcome plan, {figures.plan_name}, as on "
                  "each family's Outcomes tab.", body),
        Spacer(1, 8),
        _table([["Figure", "Number"], *summary], [CONTENT_WIDTH - 90, 90], size=10),
        Spacer(1, 12),
        KeepTogether([_heading("Families by status (now)"), Spacer(1, 4),
                      bar_chart(list(figures.by_status.items()))]),
        Spacer(1, 12),
        KeepTogether([_heading("Families by need (headline criteria)"), Spacer(1, 4),
                      bar_chart([(criteria[k], n) for k, n in figures.by_criterion.items()])]),
        PageBreak(),
    ]


def _distance(figures: ProgrammeFigures) -> list[Flowable]:
    body = body_style(10)
    rows = [["Area of family life", "Families", "First", "Latest", "Change"]]
    for d in figures.domain_figures:
        rows.append([d.label, str(d.families), _number(d.average_first),
                     _number(d.average_latest), _signed(d.average_change)])
    return [
        _heading("Distance travelled per Web Star area"),
        Paragraph(f"Average first and latest whole-family scores (1–10) of the "
                  f"{figures.with_distance} families with two or more Web Stars in the "
                  "period.", body),
        Spacer(1, 6),
        paired_chart([(d.label, d.average_first, d.average_latest)
                      for d in figures.domain_figures]),
        Spacer(1, 8),
        _table(rows, [CONTENT_WIDTH - 240, 60, 60, 60, 60]),
        PageBreak(),
    ]


def _outcomes(figures: ProgrammeFigures) -> list[Flowable]:
    body = body_style(10)
    rows = [["Headline problem", "Identified", "Not yet", "Met"]]
    labels = dict(figures.criteria)
    for key, (identified, on_course, met) in figures.problems_by_criterion.items():
        rows.append([labels[key], str(identified), str(on_course), str(met)])
    rows.append(["All problems", str(figures.problems_identified),
                 str(figures.problems_on_course), str(figures.problems_met)])
    claims = figures.claims
    return [
        _heading("Progress against the outcome plan"),
        Paragraph(f"Each identified problem as at {uk_date(figures.as_of)}, judged against the "
                  "council's outcome plan: met means its measure has been sustained for the "
                  "plan's period; not yet means on course, met on a later day if nothing changes.",
                  body),
        Spacer(1, 6),
        _table(rows, [CONTENT_WIDTH - 240, 80, 80, 80]),
        Spacer(1, 12),
        KeepTogether([_heading("Results claims"), Spacer(1, 4),
                      bar_chart([("Claimed", claims["claimed"]),
                                 ("Claim ready, not yet claimed", claims["ready"]),
                                 ("Not yet ready", claims["not ready"])])]),
        Spacer(1, 12),
        KeepTogether([_heading("Case durations"),
                      Paragraph("From opening to closing, or to the period's last day; median "
                                f"{_number(figures.median_case_weeks)} weeks.", body),
                      Spacer(1, 4), bar_chart(list(figures.durations.items()), fill=GRID)]),
        PageBreak(),
    ]


def _families(figures: ProgrammeFigures) -> list[Flowable]:
    body = body_style(9)
    moved = [line for line in figures.lines if line.changes]
    key = "; ".join(f"{n} {label}" for n, (_, label) in enumerate(figures.domains, start=1))
    story: list[Flowable] = [
        _heading("Distance travelled per family"),
        Paragraph(f"Change from first to latest whole-family Web Star in the period, per area "
                  f"(areas: {key}). {len(moved)} of {figures.families} families have two or "
                  "more Web Stars in the period; the CSV lists every family.", body),
        Spacer(1, 6),
    ]
    if not moved:
        story.append(Paragraph("No family has two Web Stars in the period.", body))
        return story
    header = ["Reference", "First", "Latest", *(str(n) for n in
                                               range(1, len(figures.domains) + 1)), "Avg"]
    area_width = (CONTENT_WIDTH - 72 - 2 * 58 - 38) / len(figures.domains)
    widths = [72.0, 58.0, 58.0, *([area_width] * len(figures.domains)), 38.0]
    for start in range(0, len(moved), ROWS_PER_TABLE):
        rows = [header] + [_family_row(line, figures) for line in
                           moved[start:start + ROWS_PER_TABLE]]
        story.append(_table(rows, widths, size=7.5))
    return story


def _family_row(line: FamilyLine, figures: ProgrammeFigures) -> list[str]:
    changes = [_change(line.changes.get(k)) for k, _ in figures.domains]
    return [line.reference, line.first_star_date.strftime("%d/%m/%y")
            if line.first_star_date else "—",
            line.latest_star_date.strftime("%d/%m/%y") if line.latest_star_date else "—",
            *changes, _signed(line.average_change)]


def _change(value: int | None) -> str:
    if value is None:
        return "—"
    return "0" if value == 0 else (f"+{value}" if value > 0 else f"−{-value}")
