"""Print preview speed: time to the first preview page of a plan on a page.

What the preview does before the worker sees anything: render the plan to PDF bytes, read
the page sizes, rasterise page 1 at the preview's resolution and make it a QImage (the same
function the dialog runs off the GUI thread). Target: ≤ 300 ms. Last line: one JSON object.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from render_report_samples import (  # noqa: E402
    FAMILY,
    PRINTED,
    WORKER,
    sample_plan,
    sample_stars,
)

from familyworker.reports.pdf_pages import render_page, warm_up  # noqa: E402
from familyworker.reports.plan_on_a_page import render_plan_on_a_page  # noqa: E402
from familyworker.services.printing import ReportKind, ReportPreview  # noqa: E402
from familyworker.services.programme import default_star_template  # noqa: E402
from familyworker.views.family.print_preview_dialog import (  # noqa: E402
    PREVIEW_DPI,
    _render_first,
)

RUNS = 40
TARGET_MS = 300.0


def main() -> int:
    template = default_star_template()
    plan, stars = sample_plan(), sample_stars(template)

    def render() -> ReportPreview:
        data = render_plan_on_a_page(family=FAMILY, plan=plan, lead_worker=WORKER, stars=stars,
                                     template=template, printed_on=PRINTED)
        return ReportPreview(family_id=FAMILY.id, reference=FAMILY.reference,
                             report=ReportKind.PLAN, data=data, description="plan",
                             file_name="plan.pdf")

    # A family window warms fonts and PDFium up when it opens; the first preview comes after.
    start = time.perf_counter()
    warm_up()
    warm_up_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    preview, _sizes, image = _render_first(render)
    cold_ms = (time.perf_counter() - start) * 1000
    assert not image.isNull()
    timings, pdf_only, raster_only = [], [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        _render_first(render)
        timings.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        render()
        pdf_only.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        render_page(preview.data, 0, dpi=PREVIEW_DPI)
        raster_only.append((time.perf_counter() - start) * 1000)
    median_ms = statistics.median(timings)
    worst_ms = max(timings)
    print(f"first preview page of a plan: median {median_ms:.1f} ms, worst {worst_ms:.1f} ms "
          f"over {RUNS} (target ≤ {TARGET_MS:.0f} ms)")
    print(f"  first of the session {cold_ms:.1f} ms, after the family window's warm-up "
          f"({warm_up_ms:.1f} ms, off the GUI thread)")
    print(f"  of which rendering the PDF {statistics.median(pdf_only):.1f} ms, rasterising "
          f"page 1 at {PREVIEW_DPI:.0f} dpi {statistics.median(raster_only):.1f} ms "
          f"({image.width()}×{image.height()} px)")
    print(json.dumps({"first_page_median_ms": round(median_ms, 2),
                      "first_page_worst_ms": round(worst_ms, 2),
                      "first_page_cold_ms": round(cold_ms, 2),
                      "warm_up_ms": round(warm_up_ms, 2),
                      "pdf_render_median_ms": round(statistics.median(pdf_only), 2),
                      "rasterise_median_ms": round(statistics.median(raster_only), 2),
                      "dpi": PREVIEW_DPI, "target_ms": TARGET_MS,
                      "within_target": median_ms <= TARGET_MS and cold_ms <= TARGET_MS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
