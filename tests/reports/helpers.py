"""Reading PDFs back the way a screen reader or a tester would."""

import io
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All pages' text with runs of whitespace (wrapped lines) folded to one space."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader(data).pages).split())


def pdftotext(path: Path) -> str | None:
    """poppler's text, when installed (it reads the layout as a person does)."""
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def embedded_fonts(data: bytes) -> set[str]:
    """Base names of fonts carrying an embedded font file."""
    found: set[str] = set()
    for page in reader(data).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for child in font.get("/DescendantFonts", []):
                descriptors.append(child.get_object().get("/FontDescriptor"))
            for descriptor in descriptors:
                if descriptor is None:
                    continue
                d = descriptor.get_object()
                if any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    found.add(str(font["/BaseFont"]))
    return found
