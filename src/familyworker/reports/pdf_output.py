"""PDF metadata, rendering to bytes and crash-safe writing of finished reports."""

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

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
        return {"lang": self.language, "invariant": 1}

    def doc_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for a platypus doc template."""
        return {"title": self.title, "author": self.author, "subject": self.subject,
                "creator": self.author, "keywords": "", "lang": self.language,
                "invariant": 1}

    def apply(self, canvas: Canvas) -> None:
        canvas.setTitle(self.title)
        canvas.setAuthor(self.author)
        canvas.setSubject(self.subject)
        canvas.setCreator(self.author)
        canvas.setKeywords("")


def new_canvas(buffer: io.BytesIO, metadata: PdfMetadata, pagesize: tuple[float, float]) -> Canvas:
    """A canvas drawing into ``buffer`` with the report's metadata and language set."""
    canvas = Canvas(buffer, pagesize=pagesize, **metadata.canvas_kwargs())
    metadata.apply(canvas)
    return canvas


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_pdf_atomically(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` via a temp file in the same folder, fsync and rename.

    Either the old file (or none) or the complete new one is on disk, whatever happens to the
    process. The temp name is random: a family's name in the target name never reaches it.
    Returns the SHA-256 of what was written.
    """
    folder = path.parent if str(path.parent) else Path(".")
    tmp = folder / f".fw-{secrets.token_hex(8)}.pdf.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return sha256_hex(data)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its rename is already durable
        return
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
