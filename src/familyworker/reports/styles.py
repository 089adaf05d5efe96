"""Paragraph styles and small flowables shared by the reports.

Every table and drawing starts from ``table_style`` or ``new_drawing``: left to themselves,
reportlab's table cells and drawings set Helvetica on the canvas (even a cell holding only
paragraphs, or nothing), and the PDF then names a font it does not embed.
"""

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

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


def table_style(commands: Sequence[tuple[object, ...]] = ()) -> TableStyle:
    """A table style whose cells use the embedded font; ``commands`` follow it."""
    register_fonts()
    # 10 pt is reportlab's cell default, so layout is unchanged; only the face differs.
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 10), *commands])


def new_drawing(width: float, height: float) -> Drawing:
    """A drawing whose text state starts in the embedded font."""
    register_fonts()
    return Drawing(width, height, initialFontName=REGULAR, initialFontSize=10)


def ruled_lines(width: float, count: int, spacing: float = 22) -> Drawing:
    """Writing lines to fill in by hand."""
    drawing = new_drawing(width, count * spacing)
    for k in range(count):
        y = k * spacing + 2
        drawing.add(Line(0, y, width, y, strokeColor=RULE, strokeWidth=0.6))
    return drawing
