"""A finished report's pages as pixels (for the print preview and the printer), in memory.

The PDF bytes are read from memory and the pixels returned as bytes: nothing is written to
disk (the reports carry children's details). PDFium is not thread-safe, so every call holds
one lock; the preview runs them off the GUI thread, one page at a time.
"""

import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

POINTS_PER_INCH = 72.0

_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageImage:
    """One rendered page: ``pixels`` rows of ``stride`` bytes, four bytes a pixel (R, G, B,
    unused), top row first."""

    index: int
    width: int
    height: int
    stride: int
    pixels: bytes
    dpi: float


@dataclass(frozen=True, slots=True)
class PageSize:
    """A page's size in PDF points (1/72 inch)."""

    width: float
    height: float


class UnreadablePdf(ValueError):
    """The bytes are not a PDF this app can show (never expected from its own reports)."""


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise UnreadablePdf("The report could not be read back to show it.") from error


def page_sizes(data: bytes) -> list[PageSize]:
    """Every page's size, in points; its length is the page count."""
    with _LOCK:
        document = _open(data)
        try:
            sizes = []
            for index in range(len(document)):
                width, height = document.get_page_size(index)
                sizes.append(PageSize(float(width), float(height)))
            return sizes
        finally:
            document.close()


def render_page(data: bytes, index: int, *, dpi: float) -> PageImage:
    """Page ``index`` (from 0) at ``dpi`` dots per inch, on white."""
    if dpi <= 0:
        raise ValueError("dpi must be positive")
    with _LOCK:
        document = _open(data)
        try:
            if not 0 <= index < len(document):
                raise IndexError(f"page {index + 1} of {len(document)}")
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, fill_color=(255, 255, 255, 255),
                                     force_bitmap_format=pdfium_c.FPDFBitmap_BGRx,
                                     rev_byteorder=True)
                try:
                    pixels = bytes(memoryview(bitmap.buffer))
                    return PageImage(index=index, width=int(bitmap.width),
                                     height=int(bitmap.height), stride=int(bitmap.stride),
                                     pixels=pixels, dpi=dpi)
                finally:
                    bitmap.close()
            finally:
                page.close()
        finally:
            document.close()


def page_text(data: bytes, index: int) -> str:
    """The text of one page, as PDFium reads it (tests and checks)."""
    with _LOCK:
        document = _open(data)
        try:
            page = document[index]
            try:
                text_page = page.get_textpage()
                try:
                    return str(text_page.get_text_range())
                finally:
                    text_page.close()
            finally:
                page.close()
        finally:
            document.close()


def warm_up() -> None:
    """Pay the one-off costs of a first preview early (off the GUI thread): registering the
    report fonts, reportlab's first canvas and loading PDFium. Nothing is written."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from familyworker.reports.fonts import register_fonts

    regular, _ = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(72, 72), initialFontName=regular, invariant=1)
    canvas.drawString(8, 8, "FamilyWorker")
    canvas.showPage()
    canvas.save()
    render_page(buffer.getvalue(), 0, dpi=36)
