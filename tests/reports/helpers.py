"""Reading PDFs back the way a screen reader or a tester would."""

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject


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


def _font_dicts(resources: Any, seen: set[int]) -> Iterator[DictionaryObject]:
    """Every font dictionary reachable from a resource dictionary, forms included."""
    if resources is None or id(resources) in seen:
        return
    seen.add(id(resources))
    resources = resources.get_object()
    for ref in resources.get("/Font", {}).values():
        yield ref.get_object()
    for ref in resources.get("/XObject", {}).values():
        form = ref.get_object()
        yield from _font_dicts(form.get("/Resources"), seen)


def unembedded_fonts(data: bytes) -> set[str]:
    """Base names of fonts used without an embedded font file (a printer or viewer substitutes
    them, so the page can look different from what was checked)."""
    missing: set[str] = set()
    seen: set[int] = set()
    for page in reader(data).pages:
        for font in _font_dicts(page.get("/Resources"), seen):
            parts = [font] + [child.get_object() for child in font.get("/DescendantFonts", [])]
            descriptors = [p.get("/FontDescriptor") for p in parts]
            if not any(d is not None and any(k in d.get_object() for k in
                                             ("/FontFile", "/FontFile2", "/FontFile3"))
                       for d in descriptors):
                missing.add(str(font.get("/BaseFont")))
    return missing


def pdffonts_unembedded(path: Path) -> list[str] | None:
    """poppler's verdict, when installed: the names pdffonts lists with 'emb' = no."""
    if shutil.which("pdffonts") is None:
        return None
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    header = lines[0]
    emb = header.index(" emb") + 1
    return [line.split()[0] for line in lines[2:] if line[emb:emb + 3].strip() != "yes"]
