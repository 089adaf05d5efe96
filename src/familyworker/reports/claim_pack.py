"""The evidence pack for one claim: what a verifier checks against the source systems and
signs. Printed from the claim's frozen snapshot, less anything the family's consent does not
allow (the service leaves those readings out and says so in `withheld`).
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from familyworker.reports.fonts import BOLD, REGULAR
from familyworker.reports.pages import MARGIN, PAGE_WIDTH, numbered_canvas
from familyworker.reports.pdf_output import PdfMetadata
from familyworker.reports.styles import body_style, table_style
from familyworker.reports.text import para_text, uk_date

CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.Color(0.45, 0.45, 0.45)
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
ROUTE_WORDS = {"outcome-plan": "Significant and sustained progress (the outcome plan)",
               "continuous-employment": "Continuous employment"}
STATE_WORDS = {"met": "Met", "not yet": "Not yet", "not met": "Not met"}


@dataclass(frozen=True, slots=True)
class PackReading:
    period: str
    person: str  # the member's name, or "Household"
    value: str
    source_reference: str
    verified_by: str
    recorded_by: str
    role: str  # "before", "sustained period" or "since met"


@dataclass(frozen=True, slots=True)
class PackMeasure:
    label: str
    sustainment: str
    source: str
    verified_by: str
    state: str
    reason: str
    met_on: date | None
    sustained_from: date | None
    readings: tuple[PackReading, ...]


@dataclass(frozen=True, slots=True)
class PackProblem:
    label: str
    identified_on: date | None
    evidence: str
    state: str
    reason: str
    met_on: date | None
    measures: tuple[PackMeasure, ...]


@dataclass(frozen=True, slots=True)
class PackEmployment:
    person: str
    rule: str
    source: str
    verified_by: str
    state: str
    reason: str
    met_on: date | None
    spells: tuple[tuple[str, ...], ...]  # (benefit ended, started, ended, hours, ref, by)


@dataclass(frozen=True, slots=True)
class ClaimPack:
    claim_reference: str
    version: int
    route: str
    status: str
    status_on: date | None
    rejected_reason: str
    claimed_on: date
    quarter: str
    claimed_by: str
    assessed_on: date
    plan_name: str
    family_reference: str
    household_name: str
    consent_given_on: date | None
    problems: tuple[PackProblem, ...] = ()
    employment: tuple[PackEmployment, ...] = ()
    withheld: tuple[str, ...] = ()  # sentences saying what consent keeps out of the pack
    history: tuple[tuple[str, str, str], ...] = field(default=())  # (when, what, who)


def pack_metadata(pack: ClaimPack) -> PdfMetadata:
    return PdfMetadata(title=f"Evidence pack, claim {pack.claim_reference} "
                             f"({pack.family_reference})",
                       subject="Results claim evidence pack for verification")


def _p(text: str, size: float = 9, *, bold: bool = False) -> Paragraph:
    return Paragraph(para_text(text) or "—", body_style(size, bold=bold, name="cell"))


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
           header: bool = True) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 9),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [("FONT", (0, 0), (-1, 0), BOLD, 9), ("BACKGROUND", (0, 0), (-1, 0),
                                                         HEADER_FILL)]
    table.setStyle(table_style(commands))
    return table


def _heading(text: str, size: float = 13) -> Paragraph:
    return Paragraph(para_text(text), body_style(size, bold=True, name="h"))


def render_claim_pack(pack: ClaimPack, *, printed_on: date) -> bytes:
    metadata = pack_metadata(pack)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + 10, bottomMargin=MARGIN + 6,
                            **metadata.doc_kwargs())
    story = _summary(pack, printed_on)
    if pack.problems:
        story += _problems(pack)
    if pack.employment:
        story += _employment(pack)
    story += _history(pack) + _verification_box()
    # Short: the running header must stay clear of the centred marking.
    canvas = numbered_canvas(f"Claim {pack.claim_reference}",
                             f"Printed {uk_date(printed_on)}")
    doc.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _summary(pack: ClaimPack, printed_on: date) -> list[Flowable]:
    body = body_style(10)
    status = pack.status.capitalize()
    if pack.status_on:
        status += f" on {uk_date(pack.status_on)}"
    if pack.rejected_reason:
        status += f": {pack.rejected_reason}"
    facts = [
        ["Claim reference", f"{pack.claim_reference} (version {pack.version})"],
        ["Route", ROUTE_WORDS.get(pack.route, pack.route)],
        ["Claimed on", f"{uk_date(pack.claimed_on)}, quarter {pack.quarter}, by "
                       f"{pack.claimed_by}"],
        ["Status", status],
        ["Assessed as of", f"{uk_date(pack.assessed_on)} against “{pack.plan_name}”"],
        ["Family", f"{pack.family_reference} · {pack.household_name}"],
        ["Consent to the programme", uk_date(pack.consent_given_on, empty="not recorded")],
    ]
    story: list[Flowable] = [
        Paragraph(f"Evidence pack: claim {para_text(pack.claim_reference)}",
                  body_style(18, bold=True, name="title")),
        Paragraph("What this claim rests on, as it stood when it was submitted. Each reading "
                  "names its source system and reference so it can be checked there.", body),
        Spacer(1, 6),
        _table([[_p(k, bold=True), _p(v)] for k, v in facts], [150, CONTENT_WIDTH - 150],
               header=False),
        Spacer(1, 6),
    ]
    for sentence in pack.withheld:
        story.append(Paragraph(f"<b>Left out:</b> {para_text(sentence)}", body))
    return story


def _problems(pack: ClaimPack) -> list[Flowable]:
    rows: list[list[Any]] = [["Problem", "Identified", "Evidence at identification",
                              "Result", "Met on"]]
    rows += [[_p(p.label), _p(uk_date(p.identified_on, empty="—")), _p(p.evidence),
              _p(STATE_WORDS.get(p.state, p.state)), _p(uk_date(p.met_on, empty="—"))]
             for p in pack.problems]
    story: list[Flowable] = [Spacer(1, 8), _heading("Problems at identification"),
                             Spacer(1, 4),
                             _table(rows, [115, 70, CONTENT_WIDTH - 312, 45, 82])]
    for problem in pack.problems:
        for measure in problem.measures:
            story += _measure(problem, measure)
    return story


def _measure(problem: PackProblem, measure: PackMeasure) -> list[Flowable]:
    body = body_style(9.5)
    facts = (f"<b>Sustainment:</b> {para_text(measure.sustainment)}. "
             f"<b>Source:</b> {para_text(measure.source)}. "
             f"<b>Verified at source by:</b> {para_text(measure.verified_by)}.")
    if measure.sustained_from:
        facts += f" <b>Sustained period from:</b> {uk_date(measure.sustained_from)}."
    head: list[Flowable] = [
        Spacer(1, 10),
        _heading(f"{problem.label}: {measure.label}", 11),
        Paragraph(facts, body),
        Paragraph(f"<b>{STATE_WORDS.get(measure.state, measure.state)}.</b> "
                  f"{para_text(measure.reason)}", body),
        Spacer(1, 3),
    ]
    if not measure.readings:
        return [KeepTogether([*head, Paragraph("No readings in this pack.", body)])]
    rows: list[list[Any]] = [["Period", "Who", "Value", "Source ref.", "Verified by",
                              "Recorded by", "Counts as"]]
    rows += [[_p(r.period), _p(r.person), _p(r.value), _p(r.source_reference),
              _p(r.verified_by), _p(r.recorded_by), _p(r.role)] for r in measure.readings]
    widths = [100, 62, 42, 88, 78, 72, CONTENT_WIDTH - 442]
    return [KeepTogether([*head, _table(rows[:12], widths)]),
            *([_table([rows[0], *rows[12:]], widths)] if len(rows) > 12 else [])]


def _employment(pack: ClaimPack) -> list[Flowable]:
    body = body_style(9.5)
    story: list[Flowable] = [Spacer(1, 10), _heading("Continuous employment")]
    for adult in pack.employment:
        rows: list[list[Any]] = [["Benefit ended", "Started", "Ended", "Hours a week",
                                  "Source reference", "Recorded by"]]
        rows += [[_p(cell) for cell in spell] for spell in adult.spells]
        story += [
            Paragraph(f"<b>{para_text(adult.person)}</b>: {para_text(adult.rule)}. "
                      f"<b>Source:</b> {para_text(adult.source)}. <b>Verified at source "
                      f"by:</b> {para_text(adult.verified_by)}.", body),
            Paragraph(f"<b>{STATE_WORDS.get(adult.state, adult.state)}.</b> "
                      f"{para_text(adult.reason)}", body),
            Spacer(1, 3),
            _table(rows, [75, 75, 75, 65, 110, CONTENT_WIDTH - 400]) if adult.spells
            else Paragraph("No employment records in this pack.", body),
            Spacer(1, 6),
        ]
    return story


def _history(pack: ClaimPack) -> list[Flowable]:
    if not pack.history:
        return []
    rows: list[list[Any]] = [["When", "What", "Who"]]
    rows += [[_p(when), _p(what), _p(who)] for when, what, who in pack.history]
    return [Spacer(1, 10), _heading("Who recorded what"), Spacer(1, 4),
            _table(rows, [110, CONTENT_WIDTH - 250, 140])]


def _verification_box() -> list[Flowable]:
    label = body_style(10, bold=True, name="label")
    rows = [[Paragraph("Verification (to be completed by the verifier)",
                       body_style(12, bold=True, name="vh")), ""],
            [Paragraph("Checked against the source systems named above. Outcome "
                       "(circle one): verified / rejected — reason:", body_style(9.5)), ""],
            [Paragraph("Name", label), ""],
            [Paragraph("Role", label), ""],
            [Paragraph("Signature", label), ""],
            [Paragraph("Date", label), ""]]
    table = Table(rows, colWidths=[110, CONTENT_WIDTH - 110],
                  rowHeights=[None, 46, 28, 28, 40, 28])
    table.setStyle(table_style([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("SPAN", (0, 0), (-1, 0)), ("SPAN", (0, 1), (-1, 1)),
        ("LINEBELOW", (1, 2), (1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
    ]))
    return [Spacer(1, 14), KeepTogether([table])]
