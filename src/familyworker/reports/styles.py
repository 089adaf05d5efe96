"""Paragraph styles and small flowables shared by the reports."""

from reportlab.graphics.shapes import Drawing, Line
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from familyworker.reports.fonts import BOLD, REGULAR, register_fonts

INK = colors.Color(0.08, 0.08, 0.08)
MUTED = colors.Color(0.3, 0.3, 0.3)  # still 10:1 on white
RULE = colors.Color(0.55, 0.55, 0.55)


def body_style(size: float, *, bold: bool = False, name: str = "body",
               right: bool = False) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(name, fontName=BOLD if bold else REGULAR, fontSize=size,
                          leading=round(size * 1.28, 1), textColor=INK,
                          alignment=TA_RIGHT if right else 0)


def ruled_lines(width: float, count: int, spacing: float = 22) -> Drawing:
    """Writing lines to fill in by hand."""
    drawing = Drawing(width, count * spacing)
    for k in range(count):
        y = k * spacing + 2
        drawing.add(Line(0, y, width, y, strokeColor=RULE, strokeWidth=0.6))
    return drawing
