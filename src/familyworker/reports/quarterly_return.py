"""The quarterly return as a PDF: the return layout (rows = measures, columns = teams and the
total) in sections, then cost avoidance per family. Families appear by reference only."""

import io
from collections.abc import Mapping
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from familyworker.domain.quarterly_return import (
    QuarterlyReturn,
    UnitCosts,
    return_rows,
    team_headers,
    team_headers_for,
)
from familyworker.reports.fonts import BOLD, REGULAR
from familyworker.reports.pages import MARGIN, PAGE_WIDTH, numbered_canvas
from familyworker.reports.pdf_output import PdfMetadata
from familyworker.reports.programme_report import GRID, HEADER_FILL
from familyworker.reports.styles import body_style, table_style
from familyworker.reports.text import uk_date

PAGE = A4  # the running header is laid out for A4 portrait
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MEASURE_WIDTH = 200.0
ROWS_PER_TABLE = 40


def return_metadata(result: QuarterlyReturn) -> PdfMetadata:
    return PdfMetadata(title=f"Quarterly return {result.quarter}",
                       subject="Quarterly return: families and individuals worked with, "
                               "problems, intervention levels, closures, claims, cost avoided")


def _fit(text: str, width: float, size: float, font: str = REGULAR) -> str:
    """The text, shortened with an ellipsis to fit the width (a cell never spills over)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrapped(text: str, width: float, style: ParagraphStyle) -> str | Paragraph:
    """Plain text when it fits on one line (quick to lay out); a wrapping paragraph when not."""
    if stringWidth(text, REGULAR, style.fontSize) <= width:
        return text
    return Paragraph(escape(text), style)


def _money(cell: str) -> str:
    return f"£{float(cell):,.2f}"


def _return_table(result: QuarterlyReturn, team_names: Mapping[str, str]) -> Table:
    headers = team_headers(result, team_names)
    width = max(40.0, (CONTENT_WIDTH - MEASURE_WIDTH) / len(headers))
    rows: list[list[str]] = [["Measure", *(_fit(h, width - 6, 8.5, BOLD) for h in headers)]]
    styles: list[tuple[object, ...]] = []
    section = ""
    for name, measure, cells in return_rows(result):
        if name != section:
            section = name
            styles += [("SPAN", (0, len(rows)), (-1, len(rows))),
                       ("FONT", (0, len(rows)), (-1, len(rows)), BOLD, 8.5),
                       ("BACKGROUND", (0, len(rows)), (-1, len(rows)), HEADER_FILL)]
            rows.append([name, *([""] * len(headers))])
        if name == "Cost avoidance":
            cells = [_money(c) for c in cells]
        rows.append([measure, *cells])
    table = Table(rows, colWidths=[MEASURE_WIDTH, *([width] * len(headers))], repeatRows=1)
    table.setStyle(table_style([
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 8.5),
        ("FONT", (-1, 1), (-1, -1), BOLD, 8.5),  # the total column
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        *styles,
    ]))
    return table


def _family_costs(result: QuarterlyReturn, team_names: Mapping[str, str],
                  costs: UnitCosts) -> list[Flowable]:
    body = body_style(9)
    story: list[Flowable] = [
        Paragraph("Cost avoidance per family", body_style(13, bold=True, name="h")),
        Paragraph("Each problem identified for the family whose outcome was achieved in the "
                  f"quarter, at its unit cost. Unit costs: {escape(costs.name)}.", body),
        Spacer(1, 4)]
    examples = [c for c in costs.costs.values() if c.example]
    if examples:
        story += [Paragraph(f"{len(examples)} of the {len(costs.costs)} unit costs are "
                            "example figures, to be replaced with the council's own before "
                            "the return is sent.", body_style(9, bold=True, name="warn")),
                  Spacer(1, 4)]
    if not result.family_costs:
        return [*story, Paragraph("No family met an outcome in the quarter.", body)]
    labels = dict(result.problems)
    widths = [70.0, 110.0, CONTENT_WIDTH - 250, 70.0]
    cell = body_style(8, name="cell")
    lines = result.family_costs
    for start in range(0, len(lines), ROWS_PER_TABLE):
        rows: list[list[object]] = [["Reference", "Team", "Problems met", "Cost avoided"]]
        # The problems wrap within their column; a long team name is shortened to fit.
        rows += [[line.reference,
                  _fit(team_headers_for(line.team_id or "", team_names), widths[1] - 6, 8),
                  _wrapped("; ".join(labels.get(k, k) for k in line.problems_met),
                           widths[2] - 6, cell),
                  f"£{line.amount:,.2f}"] for line in lines[start:start + ROWS_PER_TABLE]]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(table_style([
            ("FONT", (0, 0), (-1, -1), REGULAR, 8), ("FONT", (0, 0), (-1, 0), BOLD, 8),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("ALIGN", (-1, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        story.append(table)
    return story


def render_quarterly_return(result: QuarterlyReturn, *, team_names: Mapping[str, str],
                            costs: UnitCosts, printed_on: date) -> bytes:
    metadata = return_metadata(result)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + 10, bottomMargin=MARGIN + 6,
                            **metadata.doc_kwargs())
    quarter = result.quarter
    body = body_style(9.5)
    story: list[Flowable] = [
        Paragraph(f"Quarterly return {quarter}", body_style(17, bold=True, name="title")),
        Paragraph(f"{uk_date(quarter.start)} to {uk_date(quarter.end)} · printed "
                  f"{uk_date(printed_on)}. Families whose case was open at any time in the "
                  "quarter, per team and in total (the total is the sum of the teams). Ages "
                  "on the quarter's last day.", body)]
    if result.as_of < quarter.end:
        story.append(Paragraph(
            "The quarter has not ended: figures count to " + uk_date(result.as_of)
            + ("." if result.as_of >= quarter.start else
               " — before it began, so nothing is counted yet."), body))
    story += [Spacer(1, 6), _return_table(result, team_names), Spacer(1, 10),
              *_family_costs(result, team_names, costs)]
    canvas = numbered_canvas(f"Quarterly return {quarter}", f"Printed {uk_date(printed_on)}")
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()
