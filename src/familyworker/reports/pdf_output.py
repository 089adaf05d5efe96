"""PDF metadata, rendering to bytes and crash-safe writing of finished reports."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from familyworker.atomic_file import write_atomically
from familyworker.reports.fonts import register_fonts

AUTHOR = "FamilyWorker"
LANGUAGE = "en-GB"


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    """What a report says about itself; the title carries the family reference, never a name."""

    title: str
    subject: str
    author: str = AUTHOR
    language: str = LANGUAGE

    def canvas_kwargs(self) -> dict[str, Any]:
        return {"lang": self.language, "invariant": 1, **_initial_font()}

    def doc_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for a platypus doc template (it passes the font to its canvas)."""
        return {"title": self.title, "author": self.author, "subject": self.subject,
                "creator": self.author, "keywords": "", "lang": self.language,
                "invariant": 1, **_initial_font()}

    def apply(self, canvas: Canvas) -> None:
        canvas.setTitle(self.title)
        canvas.setAuthor(self.author)
        canvas.setSubject(self.subject)
        canvas.setCreator(self.author)
        canvas.setKeywords("")


def _initial_font() -> dict[str, Any]:
    """The canvas's starting font. Left unset, reportlab starts every page in Helvetica and
    names it, unembedded, in the PDF even when no text is ever drawn in it."""
    regular, _ = register_fonts()
    return {"initialFontName": regular}


def new_canvas(buffer: io.BytesIO, metadata: PdfMetadata, pagesize: tuple[float, float]) -> Canvas:
    """A canvas drawing into ``buffer`` with the report's metadata and language set."""
    canvas = Canvas(buffer, pagesize=pagesize, **metadata.canvas_kwargs())
    metadata.apply(canvas)
    return canvas


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_pdf_atomically(path: Path, data: bytes) -> str:
    """Write a finished report crash-safely; returns the SHA-256 of what was written."""
    write_atomically(path, data)
    return sha256_hex(data)
