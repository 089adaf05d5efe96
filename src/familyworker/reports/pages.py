"""Running header and footer with 'Page X of Y' and a protective marking, for multi-page reports."""

from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from familyworker.reports.fonts import BOLD, REGULAR
from familyworker.reports.styles import INK, MUTED

MARKING = "OFFICIAL-SENSITIVE"
PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN = 40.0


def numbered_canvas(header: str, footer: str, *, marking: str = MARKING) -> type[Canvas]:
    """A canvas class that, once the page count is known, stamps every page.

    Pages are kept until ``save`` so the total can be printed on each ("Page 2 of 7").
    """

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._stamp(number, total)
                super().showPage()
            super().save()

        def _stamp(self, number: int, total: int) -> None:
            self.saveState()
            self.setFillColor(INK)
            self.setFont(BOLD, 10)
            top = PAGE_HEIGHT - MARGIN + 16
            self.drawCentredString(PAGE_WIDTH / 2, top, marking)
            self.setFont(REGULAR, 9)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, top, header)
            self.setStrokeColor(MUTED)
            self.setLineWidth(0.5)
            self.line(MARGIN, top - 5, PAGE_WIDTH - MARGIN, top - 5)
            self.line(MARGIN, MARGIN - 10, PAGE_WIDTH - MARGIN, MARGIN - 10)
            bottom = MARGIN - 24
            self.drawString(MARGIN, bottom, footer)
            self.drawRightString(PAGE_WIDTH - MARGIN, bottom, f"Page {number} of {total}")
            self.setFillColor(INK)
            self.setFont(BOLD, 10)
            self.drawCentredString(PAGE_WIDTH / 2, bottom, marking)
            self.restoreState()

    return NumberedCanvas
