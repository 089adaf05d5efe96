"""Render the app icon's PNGs (hicolor sizes) and the Windows/macOS icon files from its SVG.

Run after changing resources/icons/hicolor/scalable/apps/org.familyworker.FamilyWorker.svg:
    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_icons.py
and commit the files it writes (the bundle build does not render them).
"""

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "org.familyworker.FamilyWorker"
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SOURCE = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
SIZES = (16, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def save(image: QImage, path: Path, image_format: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QImageWriter(str(path), image_format.encode())
    if not writer.write(image):
        raise SystemExit(f"Could not write {path}: {writer.errorString()}")


def write_ico(pngs: list[tuple[int, bytes]], path: Path) -> None:
    """A multi-size .ico of PNG entries (Windows Vista on), which Qt's writer cannot make:
    header, one 16-byte directory entry per size, then the PNGs."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in pngs:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    path.write_bytes(header + entries + blobs)


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])  # image plugins (ico, icns) load through the app
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG.")
    for size in SIZES:
        save(render(renderer, size), png_path(size), "png")
    # Windows executable and installer; macOS app bundle.
    write_ico([(size, png_path(size).read_bytes()) for size in SIZES],
              ICONS / "familyworker.ico")
    save(render(renderer, 256), ICONS / "familyworker.icns", "icns")
    print(f"Wrote {len(SIZES)} PNGs, familyworker.ico and familyworker.icns under {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
