"""Vector Web Star radar chart: assessments overlaid, told apart by line style and marker."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from familyworker.domain.star import MAX_SCORE, StarTemplate, WebStarAssessment
from familyworker.reports.fonts import BOLD, REGULAR, register_fonts
from familyworker.reports.styles import new_drawing
from familyworker.reports.text import short_date

GRID = colors.Color(0.72, 0.72, 0.72)
PointFn = Callable[[int, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class SeriesStyle:
    """How one assessment is drawn: never colour alone, so it survives a mono printer."""

    colour: Color
    width: float
    dash: tuple[float, ...] | None
    marker: str  # circle, square, triangle, diamond, cross
    name: str


# Newest first. Dark colours (≥ 7:1 on white) with distinct dashes and markers.
STYLES: tuple[SeriesStyle, ...] = (
    SeriesStyle(colors.Color(0.05, 0.25, 0.55), 2.4, None, "circle", "solid line, dots"),
    SeriesStyle(colors.Color(0.15, 0.15, 0.15), 1.6, (5, 3), "square", "dashed line, squares"),
    SeriesStyle(colors.Color(0.45, 0.18, 0.05), 1.4, (1.5, 2.5), "triangle",
                "dotted line, triangles"),
    SeriesStyle(colors.Color(0.1, 0.4, 0.2), 1.4, (7, 2, 1.5, 2), "diamond",
                "dash-dot line, diamonds"),
    SeriesStyle(colors.Color(0.4, 0.1, 0.4), 1.2, (3, 1.5), "cross", "short dashes, crosses"),
)


def series_style(rank_from_newest: int) -> SeriesStyle:
    return STYLES[min(rank_from_newest, len(STYLES) - 1)]


def _marker(kind: str, x: float, y: float, r: float, colour: Color) -> Group:
    group = Group()
    if kind == "circle":
        group.add(Circle(x, y, r, fillColor=colour, strokeColor=colour, strokeWidth=0.5))
    elif kind == "square":
        group.add(Rect(x - r, y - r, 2 * r, 2 * r, fillColor=colors.white, strokeColor=colour,
                       strokeWidth=1.2))
    elif kind == "triangle":
        group.add(Polygon([x, y + r * 1.2, x - r * 1.1, y - r * 0.8, x + r * 1.1, y - r * 0.8],
                          fillColor=colour, strokeColor=colour, strokeWidth=0.5))
    elif kind == "diamond":
        group.add(Polygon([x, y + r * 1.3, x + r * 1.1, y, x, y - r * 1.3, x - r * 1.1, y],
                          fillColor=colors.white, strokeColor=colour, strokeWidth=1.2))
    else:
        group.add(Line(x - r, y - r, x + r, y + r, strokeColor=colour, strokeWidth=1.4))
        group.add(Line(x - r, y + r, x + r, y - r, strokeColor=colour, strokeWidth=1.4))
    return group


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def legend_label(assessment: WebStarAssessment, rank_from_newest: int) -> str:
    when = short_date(assessment.assessed_on)
    if rank_from_newest == 0:
        return f"Latest: {when}"
    if rank_from_newest == 1:
        return f"Before: {when}"
    return when


def star_chart(template: StarTemplate, assessments: Sequence[WebStarAssessment], *,
               width: float, label_size: float = 10, legend: bool = True,
               label_width: float = 70) -> Drawing:
    """A radar chart of ``assessments`` (oldest first) on the template's domains.

    The newest is drawn last and boldest. With no assessments the empty star is drawn, ready
    to be marked by hand. Labels wrap to ``label_width`` points either side of the star.
    """
    register_fonts()
    series = list(assessments)[-len(STYLES):]
    line_h = label_size * 1.2
    legend_h = (len(series) * (line_h + 3) + 4) if legend and series else 0
    radius = width / 2 - label_width - 4
    top_pad, bottom_pad = 2 * line_h + 8, 3 * line_h + 8  # labels below the star wrap further
    height = legend_h + 2 * radius + top_pad + bottom_pad
    cx, cy = width / 2, legend_h + bottom_pad + radius
    drawing = new_drawing(width, height)
    n = len(template.domains)

    def point(index: int, score: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * index / n
        dist = radius * score / MAX_SCORE
        return cx + dist * math.cos(angle), cy + dist * math.sin(angle)

    for ring in (2, 4, 6, 8, 10):
        pts: list[float] = []
        for i in range(n):
            pts.extend(point(i, ring))
        drawing.add(Polygon(pts, fillColor=None, strokeColor=GRID,
                            strokeWidth=0.9 if ring == MAX_SCORE else 0.5))
        x, y = point(0, ring)
        drawing.add(String(x + 2, y - 7, str(ring), fontName=REGULAR, fontSize=6.5,
                           fillColor=colors.Color(0.35, 0.35, 0.35)))
    for i, domain in enumerate(template.domains):
        x, y = point(i, MAX_SCORE)
        drawing.add(Line(cx, cy, x, y, strokeColor=GRID, strokeWidth=0.5))
        angle = math.pi / 2 - 2 * math.pi * i / n
        lx, ly = cx + (radius + 6) * math.cos(angle), cy + (radius + 6) * math.sin(angle)
        anchor = "start" if math.cos(angle) > 0.25 else "end" if math.cos(angle) < -0.25 \
            else "middle"
        lines = _wrap(domain.label, REGULAR, label_size,
                      label_width if anchor != "middle" else 2 * label_width)
        block = len(lines) * line_h
        if math.sin(angle) > 0.5:
            top = ly + block
        elif math.sin(angle) < -0.6:
            top = ly - 2
        elif math.sin(angle) < -0.3:  # lower flanks lean up, clear of the labels below them
            top = ly + block * 0.8
        else:
            top = ly + block / 2
        for k, text in enumerate(lines):
            drawing.add(String(lx, top - (k + 1) * line_h + 2, text, fontName=REGULAR,
                               fontSize=label_size, textAnchor=anchor))

    for rank, assessment in enumerate(reversed(series)):
        style = series_style(rank)
        _draw_series(drawing, assessment, template, style, point, newest=rank == 0)

    if legend_h:
        for rank, assessment in enumerate(reversed(series)):
            style = series_style(rank)
            y = legend_h - (rank + 1) * (line_h + 3) + 4
            x0 = width / 2 - 80
            drawing.add(Line(x0, y + 3, x0 + 34, y + 3, strokeColor=style.colour,
                             strokeWidth=style.width, strokeDashArray=style.dash))
            drawing.add(_marker(style.marker, x0 + 17, y + 3, 3, style.colour))
            drawing.add(String(x0 + 42, y, legend_label(assessment, rank),
                               fontName=BOLD if rank == 0 else REGULAR, fontSize=label_size))
    return drawing


def _draw_series(drawing: Drawing, assessment: WebStarAssessment, template: StarTemplate,
                 style: SeriesStyle, point: PointFn, *, newest: bool) -> None:
    scores = [assessment.score_for(d.key) for d in template.domains]
    coords = [point(i, s) if s is not None else None for i, s in enumerate(scores)]
    if all(c is not None for c in coords):
        flat = [v for c in coords if c is not None for v in c]
        fill = colors.Color(style.colour.red, style.colour.green, style.colour.blue, alpha=0.12)
        drawing.add(Polygon(flat, fillColor=fill if newest else None, strokeColor=style.colour,
                            strokeWidth=style.width, strokeDashArray=style.dash,
                            strokeLineJoin=1))
    else:
        # A domain the assessment did not score leaves a gap rather than a fake zero.
        run: list[float] = []
        for c in [*coords, None]:
            if c is None:
                if len(run) >= 4:
                    drawing.add(PolyLine(run, strokeColor=style.colour, strokeWidth=style.width,
                                         strokeDashArray=style.dash))
                run = []
            else:
                run.extend(c)
    for c in coords:
        if c is not None:
            drawing.add(_marker(style.marker, c[0], c[1], 3.2 if newest else 2.8, style.colour))
