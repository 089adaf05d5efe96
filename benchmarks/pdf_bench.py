"""Plan-on-a-page rendering speed: median of single renders and a 500-plan batch.

Target: ≤ 50 ms per plan. Last line: one JSON object of figures.
"""

import json
import statistics
import sys
import time
from pathlib import Path

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

from familyworker.reports.plan_on_a_page import render_plan_on_a_page  # noqa: E402
from familyworker.services.programme import default_star_template  # noqa: E402

SINGLE_RUNS = 60
BATCH = 500
TARGET_MS = 50.0


def main() -> int:
    template = default_star_template()
    plan, stars = sample_plan(), sample_stars(template)

    def render_one() -> bytes:
        return render_plan_on_a_page(family=FAMILY, plan=plan, lead_worker=WORKER, stars=stars,
                                     template=template, printed_on=PRINTED)

    render_one()  # font registration and imports are one-off costs, measured apart
    timings = []
    for _ in range(SINGLE_RUNS):
        start = time.perf_counter()
        render_one()
        timings.append((time.perf_counter() - start) * 1000)
    median_ms = statistics.median(timings)
    overlong = sample_plan(scale=8, goals=9)
    long_timings = []
    for _ in range(10):
        start = time.perf_counter()
        render_plan_on_a_page(family=FAMILY, plan=overlong, lead_worker=WORKER, stars=stars,
                              template=template, printed_on=PRINTED)
        long_timings.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    size = 0
    for _ in range(BATCH):
        size += len(render_one())
    batch_s = time.perf_counter() - start
    per_plan = batch_s / BATCH * 1000
    print(f"one plan on a page: median {median_ms:.1f} ms over {SINGLE_RUNS} renders "
          f"(target ≤ {TARGET_MS:.0f} ms)")
    print(f"overlong plan (shrink + shorten): median {statistics.median(long_timings):.1f} ms")
    print(f"{BATCH} plans in a batch: {batch_s:.2f} s, {per_plan:.1f} ms per plan, "
          f"{size / BATCH / 1024:.0f} KiB per PDF")
    print(json.dumps({"plan_median_ms": round(median_ms, 2),
                      "overlong_plan_median_ms": round(statistics.median(long_timings), 2),
                      "batch_500_s": round(batch_s, 3), "per_plan_batch_ms": round(per_plan, 2),
                      "pdf_kib": round(size / BATCH / 1024, 1),
                      "target_ms": TARGET_MS, "within_target": per_plan <= TARGET_MS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
