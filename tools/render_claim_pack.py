"""Regenerate docs/screenshots/claim-pack*.png: the demo's claimed family's evidence pack.

The demo is loaded into a throw-away encrypted caseload dated 7 December 2026 (so the picture
does not change from day to day); the PDF is rendered in memory by PDFium. Run from the
repository root: .venv/bin/python tools/render_claim_pack.py
"""

import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

from familyworker.reports.claim_pack import render_claim_pack  # noqa: E402
from familyworker.services.claim_pack import build_claim_pack  # noqa: E402
from familyworker.services.demo import import_demo  # noqa: E402
from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402

DAY = date(2026, 12, 7)
CLAIM = "SF-DEMO-0141"


def main() -> int:
    out = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as folder:
        store = CaseloadStore.create(Path(folder) / "c", "a throw-away demo passphrase",
                                     kdf=KDF_FLOOR)
        try:
            import_demo(store, today=DAY)
            _, pack = build_claim_pack(store, CLAIM)
        finally:
            store.lock()
    data = render_claim_pack(pack, printed_on=DAY)
    document = pdfium.PdfDocument(data)
    try:
        for index, page in enumerate(document):
            if index > 1:  # the first two pages show every kind of section
                break
            name = "claim-pack.png" if index == 0 else f"claim-pack-page{index + 1}.png"
            page.render(scale=100 / 72).to_pil().save(out / name)
            print(out / name)
    finally:
        document.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
