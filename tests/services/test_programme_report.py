"""Programme report figures: a known caseload (exact numbers) and a hand-count of the demo."""

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from tests.services.programme_caseload import PERIOD, SECRET_NAME, build

from familyworker.domain.errors import ValidationError
from familyworker.domain.programme_figures import ReportPeriod
from familyworker.services.demo import import_demo
from familyworker.services.programme import default_framework, default_star_template
from familyworker.services.programme_report import (
    build_programme_report,
    csv_columns,
    export_programme_report,
    programme_csv,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.tables import AuditEventRow

DOMAINS = default_star_template().domain_keys()


def test_known_caseload_figures(store: CaseloadStore) -> None:
    build(store)
    figures = build_programme_report(store, PERIOD)
    assert [line.reference for line in figures.lines] == ["FAM-A01", "FAM-B02", "FAM-C03",
                                                          "FAM-F06"]
    assert figures.by_status == {"Referred": 1, "Open": 2, "Step-down": 0,
                                  "Stepped up to social care": 0, "Closed": 1}
    assert figures.by_criterion == {
        "education": 2, "early-years": 1, "health": 2, "substance-use": 0, "relationships": 1,
        "safe-from-abuse": 0, "crime": 1, "domestic-abuse": 1, "housing": 2,
        "financial-stability": 1}
    assert figures.eligible == 3  # C has two needs and no child
    assert figures.with_distance == 1  # B has one star in the period; A's member star ignored
    first_vs_latest = {(d.key, d.families, d.average_first, d.average_latest, d.average_change)
                       for d in figures.domain_figures}
    expected = {(k, 1, 3.0, 5.0, 2.0) for k in DOMAINS if k != "work-skills"}
    assert first_vs_latest == expected | {("work-skills", 1, 3.0, 3.0, 0.0)}
    # The outcome plan as at 30 June: B's three problems met (31 Dec 2025, before the period);
    # A's education and housing and F's relationships on course; nothing else.
    assert (figures.problems_met, figures.problems_on_course) == (3, 3)
    assert figures.problems_identified == 11
    assert (figures.plan_met, figures.plan_met_in_period) == (1, 0)
    assert figures.problems_by_criterion["housing"] == (2, 1, 0)
    assert figures.problems_by_criterion["relationships"] == (1, 1, 0)
    assert figures.problems_by_criterion["education"] == (2, 1, 0)
    assert figures.problems_by_criterion["crime"] == (1, 0, 1)
    assert figures.claims == {"claimed": 1, "ready": 0, "not ready": 3}
    assert figures.durations == {"under 12 weeks": 1, "12 to 16 weeks": 0, "16 to 26 weeks": 0,
                                 "26 to 52 weeks": 2, "over 52 weeks": 0}
    assert figures.median_case_weeks == pytest.approx(232 / 7)
    a = figures.lines[0]
    assert (a.first_star_date, a.latest_star_date) == (date(2026, 1, 15), date(2026, 5, 15))
    assert a.case_days == 232 and a.average_change == pytest.approx(16 / 9)
    assert (a.met_problems, a.on_course_problems, a.plan_met_on) == (
        (), ("education", "housing"), None)
    b = figures.lines[1]
    assert b.met_problems == ("crime", "domestic-abuse", "financial-stability")
    assert b.plan_met_on == date(2025, 12, 31) and b.claim_state == "claimed"


def test_period_end_moves_problems_met_and_claim_ready(store: CaseloadStore) -> None:
    build(store)
    # By 1 Aug 2026 A's housing (held from 1 Feb, confirmed 1 Aug) is met; health has no
    # readings, so A's plan is still not met and nothing is ready.
    figures = build_programme_report(store, ReportPeriod(date(2026, 1, 1), date(2026, 8, 1)))
    assert (figures.problems_met, figures.lines[0].met_problems) == (4, ("housing",))
    assert figures.claims["ready"] == 0
    # Before B's claim date it was ready, not claimed.
    early = build_programme_report(store, ReportPeriod(date(2026, 1, 1), date(2026, 3, 31)))
    assert early.claims == {"claimed": 0, "ready": 1, "not ready": 2}
    assert [line.reference for line in early.lines] == ["FAM-A01", "FAM-B02", "FAM-C03"]


def test_a_period_ending_after_today_counts_only_to_today(store: CaseloadStore) -> None:
    """Run on 7 Dec 2026 for 1 Apr 2026-31 Mar 2027, FAM-0006 showed 3 outcomes sustained
    that could not be yet, and open cases ran to the period's end."""
    build(store)
    period = ReportPeriod(date(2026, 1, 1), date(2026, 8, 1))
    whole = build_programme_report(store, period, today=date(2026, 9, 1))
    running = build_programme_report(store, period, today=date(2026, 5, 1))
    assert (whole.as_of, running.as_of) == (date(2026, 8, 1), date(2026, 5, 1))
    assert whole.lines[0].met_problems == ("housing",)  # confirmed on 1 Aug
    assert running.lines[0].met_problems == ()  # the 1 Aug reading is not counted on 1 May
    before_claim = build_programme_report(store, period, today=date(2026, 3, 31))
    assert before_claim.claims["ready"] == 1  # B's claim of 1 April is counted once made
    assert whole.claims == {"claimed": 1, "ready": 0, "not ready": 4}
    a_whole, a_running = whole.lines[0], running.lines[0]
    assert a_whole.case_days is not None and a_running.case_days is not None
    assert a_whole.case_days - a_running.case_days == (date(2026, 8, 1) - date(2026, 5, 1)).days


def test_csv_has_one_row_per_family_and_the_issue_columns(store: CaseloadStore) -> None:
    build(store)
    figures = build_programme_report(store, PERIOD)
    text = programme_csv(figures)
    assert SECRET_NAME not in text and "Quillfeather" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == csv_columns(figures)
    assert csv_columns(figures)[:6] == ["reference", "status", "needs_count", "eligible",
                                       "first_star_date", "latest_star_date"]
    assert [f"change_{k}" for k in DOMAINS] == csv_columns(figures)[6:6 + len(DOMAINS)]
    by_ref = {r["reference"]: r for r in rows}
    assert len(rows) == 4
    a = by_ref["FAM-A01"]
    assert (a["status"], a["needs_count"], a["eligible"]) == ("open", "3", "yes")
    assert (a["first_star_date"], a["latest_star_date"]) == ("2026-01-15", "2026-05-15")
    assert a["change_health"] == "2" and a["change_work-skills"] == "0"
    assert (a["case_days"], a["problems_met"], a["problems_on_course"], a["plan_met_on"],
            a["claim"]) == ("232", "0", "2", "", "not ready")
    assert csv_columns(figures)[-4:] == ["problems_met", "problems_on_course", "plan_met_on",
                                         "claim"]
    b = by_ref["FAM-B02"]
    assert (b["status"], b["first_star_date"], b["change_health"], b["claim"]) == (
        "closed", "2026-02-01", "", "claimed")
    assert (b["problems_met"], b["plan_met_on"]) == ("3", "2025-12-31")
    c = by_ref["FAM-C03"]
    assert (c["eligible"], c["first_star_date"], c["case_days"]) == ("no", "", "")
    assert by_ref["FAM-F06"]["eligible"] == "yes"  # expectant parent, three needs


def test_export_writes_both_files_and_audits_counts_only(store: CaseloadStore,
                                                         tmp_path: Path) -> None:
    build(store)
    result = export_programme_report(store, PERIOD, csv_path=tmp_path / "p.csv",
                                     pdf_path=tmp_path / "p.pdf", printed_on=date(2026, 7, 2))
    assert (tmp_path / "p.csv").read_text(encoding="utf-8").startswith("reference,status")
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    with store.read() as session:
        event = session.exec(select(AuditEventRow).where(
            AuditEventRow.entity == "programme_report")).one()
    assert event.action == "export" and "families=4" in event.detail
    assert result.csv_sha256 is not None and result.csv_sha256 in event.detail


def test_reversed_period_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        ReportPeriod(date(2026, 2, 1), date(2026, 1, 1))


def _hand_count(store: CaseloadStore, start: date, end: date) -> dict[str, object]:
    """The demo's figures straight from the raw tables, without the report's code."""
    conn = store.raw_connection()
    try:
        fams = conn.execute("SELECT id, status, referred_on, opened_on, closed_on FROM family "
                            "WHERE deleted_at IS NULL").fetchall()
        needs: dict[str, set[str]] = {}
        for fid, key in conn.execute("SELECT family_id, criterion_key FROM family_criterion "
                                     "WHERE deleted_at IS NULL"):
            needs.setdefault(fid, set()).add(key)
        people: dict[str, list[tuple[str | None, str]]] = {}
        for fid, dob, flags in conn.execute("SELECT family_id, date_of_birth, flags FROM person "
                                            "WHERE deleted_at IS NULL"):
            people.setdefault(fid, []).append((dob, flags))
        stars: dict[str, list[tuple[str, str]]] = {}
        for fid, on, scores in conn.execute(
                "SELECT family_id, assessed_on, scores FROM star_assessment "
                "WHERE deleted_at IS NULL AND person_id IS NULL"):
            stars.setdefault(fid, []).append((on, scores))
    finally:
        conn.close()
    s, e = start.isoformat(), end.isoformat()
    in_scope = []
    for fid, status, referred, opened, closed in fams:
        began = min([d for d in (referred, opened) if d], default=None)
        if (began is None or began <= e) and (closed is None or closed >= s):
            in_scope.append((fid, status))
    scope_ids = {fid for fid, _ in in_scope}
    status_counts: dict[str, int] = {}
    for _, status in in_scope:
        status_counts[status] = status_counts.get(status, 0) + 1
    eligible = 0
    for fid in scope_ids:
        child = False
        for dob, _ in people.get(fid, []):
            if dob:
                born = date.fromisoformat(dob)
                age = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
                child = child or (born <= end and age < 18)
        expectant = any("expectant-parent" in json.loads(f) for _, f in people.get(fid, []))
        if len(needs.get(fid, set())) >= 3 and (child or expectant):
            eligible += 1
    firsts: dict[str, list[int]] = {k: [] for k in DOMAINS}
    latests: dict[str, list[int]] = {k: [] for k in DOMAINS}
    moved = 0
    for fid in scope_ids:
        inside = sorted(x for x in stars.get(fid, []) if s <= x[0] <= e)
        if len(inside) < 2:
            continue
        moved += 1
        first = {d["domain_key"]: d["score"] for d in json.loads(inside[0][1])}
        latest = {d["domain_key"]: d["score"] for d in json.loads(inside[-1][1])}
        for k in DOMAINS:
            firsts[k].append(first[k])
            latests[k].append(latest[k])
    return {"families": len(in_scope), "status": status_counts, "eligible": eligible,
            "moved": moved,
            "first": {k: sum(v) / len(v) for k, v in firsts.items() if v},
            "latest": {k: sum(v) / len(v) for k, v in latests.items() if v}}


@pytest.mark.parametrize("days", [365, 120])
def test_demo_caseload_matches_a_hand_count(store: CaseloadStore, days: int) -> None:
    today = date(2026, 3, 10)
    import_demo(store, today=today)
    period = ReportPeriod(today - timedelta(days=days), today)
    figures = build_programme_report(store, period)
    hand = _hand_count(store, period.start, period.end)
    assert figures.families == hand["families"]
    assert {k: v for k, v in figures.by_status.items() if v} == {
        {"referred": "Referred", "open": "Open", "step-down": "Step-down",
         "closed": "Closed"}[k]: v for k, v in hand["status"].items()}  # type: ignore[attr-defined]
    assert figures.eligible == hand["eligible"]
    assert figures.with_distance == hand["moved"]
    for d in figures.domain_figures:
        assert d.average_first == pytest.approx(hand["first"][d.key])  # type: ignore[index]
        assert d.average_latest == pytest.approx(hand["latest"][d.key])  # type: ignore[index]
    assert len(default_framework().criteria) == len(figures.by_criterion)
    if days == 365:  # the demo as shipped: every family is live within the last year
        assert figures.families == 36 and figures.with_distance > 20


def test_every_demo_family_counts_as_the_outcome_plan_engine_says(store: CaseloadStore) -> None:
    """The report and the Outcomes tab agree for every family: both are the outcome plan's
    progress (domain.outcome_progress) as of the same day, and the claims engine's position."""
    from familyworker.domain.outcome_progress import ProgressState
    from familyworker.services.case_status import family_id_of
    from familyworker.services.claims import family_claims
    from familyworker.services.outcome_evidence import family_progress

    today = date(2026, 12, 7)
    import_demo(store, today=today)
    figures = build_programme_report(store, ReportPeriod(today - timedelta(days=365), today),
                                     today=today)
    assert figures.families == 36
    met_families = 0
    for line in figures.lines:
        family_id = family_id_of(store, line.reference)
        progress = family_progress(store, family_id, on=today)
        assert line.met_problems == tuple(p.problem for p in progress.problems
                                          if p.state is ProgressState.MET), line.reference
        assert line.on_course_problems == tuple(
            p.problem for p in progress.problems if p.state is ProgressState.NOT_YET)
        assert line.plan_met_on == progress.plan_met_on
        position = family_claims(store, family_id, on=today)
        expected = ("ready" if position.ready else "claimed" if position.claims
                    else "not ready")
        assert line.claim_state == expected, line.reference
        met_families += progress.plan_met
    assert figures.plan_met == met_families >= 2  # FAM-0007 ready, FAM-0021 claimed
    assert figures.problems_met == sum(len(line.met_problems) for line in figures.lines)
