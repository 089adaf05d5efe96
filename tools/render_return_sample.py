"""Regenerate docs/screenshots/return-page1.png: the quarterly return of the demo caseload
(synthetic), with a claim of each kind, rendered through PDFium.

Run from the repository root: .venv/bin/python tools/render_return_sample.py
"""

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402
from sqlmodel import select  # noqa: E402

from familyworker.domain.ids import new_id  # noqa: E402
from familyworker.domain.quarterly_return import Quarter  # noqa: E402
from familyworker.reports.quarterly_return import render_quarterly_return  # noqa: E402
from familyworker.services.demo import import_demo  # noqa: E402
from familyworker.services.quarterly_return import (  # noqa: E402
    build_quarterly_return,
    default_unit_costs,
)
from familyworker.store.caseload_store import CaseloadStore  # noqa: E402
from familyworker.store.keys import KDF_FLOOR  # noqa: E402
from familyworker.store.tables import FamilyRow, OutcomeClaimRow  # noqa: E402

TODAY = date(2026, 12, 7)


def add_claims(store: CaseloadStore, quarter: Quarter) -> None:
    """A claim of each route and status in the quarter, so the claims rows show figures."""
    with store.unit_of_work() as uow:
        ids = list(uow.session.exec(select(FamilyRow.id).order_by(FamilyRow.reference)).all())
        kinds = [("outcome-plan", "claimed"), ("outcome-plan", "verified"),
                 ("outcome-plan", "paid"), ("outcome-plan", "paid"),
                 ("outcome-plan", "rejected"), ("continuous-employment", "verified")]
        for number, (family_id, (route, status)) in enumerate(zip(ids, kinds, strict=False)):
            uow.add(OutcomeClaimRow(
                id=new_id(), family_id=family_id, claimed_on=quarter.start + timedelta(days=20),
                claim_reference=f"PBR-{number + 1:03d}", rule_key=route,
                route=route, status=status, quarter=str(quarter)))


def main() -> int:
    quarter = Quarter.of(TODAY - timedelta(days=92))
    with tempfile.TemporaryDirectory() as folder:
        store = CaseloadStore.create(Path(folder) / "c", "sample passphrase", kdf=KDF_FLOOR)
        try:
            import_demo(store, today=TODAY)
            add_claims(store, quarter)
            built = build_quarterly_return(store, quarter, today=TODAY)
        finally:
            store.lock()
    pdf = render_quarterly_return(built.result, team_names=built.team_names,
                                  costs=default_unit_costs(), printed_on=TODAY)
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=110 / 72).to_pil()
    out = ROOT / "docs" / "screenshots" / "return-page1.png"
    image.save(out)
    print(f"Wrote {out.relative_to(ROOT)} ({len(document)} pages).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
