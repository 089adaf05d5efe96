"""The plan on a page: one A4 sheet the family keeps, in large plain type."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer, Table

from familyworker.domain.family import Family
from familyworker.domain.plan import ActionStatus, Plan
from familyworker.domain.star import StarTemplate, WebStarAssessment
from familyworker.domain.team import Worker
from familyworker.reports.fonts import BOLD, REGULAR
from familyworker.reports.pdf_output import PdfMetadata, new_canvas
from familyworker.reports.star_chart import star_chart
from familyworker.reports.styles import INK, MUTED, body_style, ruled_lines, table_style
from familyworker.reports.text import CONTINUED, para_text, short_date, uk_date

PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN = 28.0
FOOTER_HEIGHT = 30.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - FOOTER_HEIGHT
# Body sizes tried in turn; 11 pt is the floor (issue 4), below it we shorten instead.
BODY_SIZES: tuple[float, ...] = (13.0, 12.0, 11.0)
STAR_WIDTH = 290.0
GAP = 8.0
BOX_PADDING = 6.0
# A box is never narrower than this, so its heading still reads in a line or two.
MIN_BOX_WIDTH = CONTENT_WIDTH * 0.22
MARKER = f" <b>… ({CONTINUED})</b>"

BOXES = (
    ("working_well", "What’s working well", colors.Color(0.90, 0.96, 0.90),
     colors.Color(0.13, 0.42, 0.17)),
    ("worried_about", "What we’re worried about", colors.Color(1.0, 0.94, 0.85),
     colors.Color(0.55, 0.30, 0.0)),
    ("needs_to_happen", "What needs to happen", colors.Color(0.89, 0.93, 0.99),
     colors.Color(0.08, 0.27, 0.55)),
)


class PlanLayoutError(RuntimeError):
    """The page could not be laid out on one sheet (a bug: shortening should always fit)."""


@dataclass(frozen=True, slots=True)
class PlanLayout:
    """The page's flowables and how they were fitted."""

    flowables: tuple[Flowable, ...]
    body_size: float
    shortened: bool


def plan_metadata(family: Family) -> PdfMetadata:
    return PdfMetadata(title=f"Plan on a page – {family.reference}",
                       subject="Family plan on a page")


def render_plan_on_a_page(*, family: Family, plan: Plan | None, lead_worker: Worker | None,
                          stars: Sequence[WebStarAssessment], template: StarTemplate,
                          printed_on: date) -> bytes:
    """Exactly one A4 page as PDF bytes; a missing plan prints a blank one to fill in by hand."""
    layout = layout_plan(family=family, plan=plan, lead_worker=lead_worker, stars=stars,
                         template=template)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, plan_metadata(family), A4)
    frame = Frame(MARGIN, MARGIN + FOOTER_HEIGHT, CONTENT_WIDTH, FRAME_HEIGHT,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    remaining = list(layout.flowables)
    frame.addFromList(remaining, canvas)
    if remaining:  # never clip silently, never spill onto a second sheet
        raise PlanLayoutError("The plan did not fit on one page.")
    _footer(canvas, family, plan, printed_on, shortened=layout.shortened)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _footer(canvas: Canvas, family: Family, plan: Plan | None, printed_on: date, *,
            shortened: bool) -> None:
    y = MARGIN + FOOTER_HEIGHT - 14
    if shortened:
        canvas.setFont(BOLD, 11)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, y, f"Some parts are shortened to fit: the rest is {CONTINUED}.")
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, MARGIN + 12, PAGE_WIDTH - MARGIN, MARGIN + 12)
    canvas.setFont(REGULAR, 8.5)
    canvas.setFillColor(MUTED)
    version = f"Plan version {plan.version}" if plan else "Blank plan to fill in"
    canvas.drawString(MARGIN, MARGIN, f"{family.reference} · {version} · "
                                      f"printed {uk_date(printed_on)}")
    canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, "Page 1 of 1")


def _height(flowable: Flowable, width: float = CONTENT_WIDTH) -> float:
    return float(flowable.wrap(width, PAGE_HEIGHT)[1])


def _fit_paragraph(text: str, style: ParagraphStyle, width: float,
                   max_height: float) -> tuple[Paragraph, bool]:
    """The paragraph, or as many words as fit in ``max_height`` followed by the marker."""
    whole = Paragraph(para_text(text), style)
    if _height(whole, width) <= max_height:
        return whole, False
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = Paragraph(para_text(" ".join(words[:middle])) + MARKER, style)
        if _height(candidate, width) <= max_height:
            low = middle
        else:
            high = middle - 1
    return Paragraph(para_text(" ".join(words[:low])) + MARKER, style), True


def layout_plan(*, family: Family, plan: Plan | None, lead_worker: Worker | None,
                stars: Sequence[WebStarAssessment], template: StarTemplate) -> PlanLayout:
    """Try each body size; at the smallest, shorten sections until the page fits."""
    for size in BODY_SIZES:
        parts = _Parts(size, family, plan, lead_worker, stars, template)
        natural = parts.assemble()
        if natural is not None:
            return PlanLayout(natural, size, shortened=False)
    size = BODY_SIZES[-1]
    parts = _Parts(size, family, plan, lead_worker, stars, template)
    fitted = parts.assemble_shortened()
    return PlanLayout(fitted, size, shortened=True)


class _Parts:
    """Builds the page's pieces at one body size."""

    def __init__(self, size: float, family: Family, plan: Plan | None,
                 lead_worker: Worker | None, stars: Sequence[WebStarAssessment],
                 template: StarTemplate) -> None:
        self.size = size
        self.family, self.plan, self.lead_worker = family, plan, lead_worker
        self.body = body_style(size)
        self.bold = body_style(size, bold=True, name="bold")
        self.heading = body_style(size + 1, bold=True, name="heading")
        self._box_heights: dict[tuple[int, int], float] = {}
        self.header = self._header()
        self.star = self._star(stars, template)
        self.star_height = _height(self.star, STAR_WIDTH)
        self.goals_heading = Paragraph("Our goals and what will happen",
                                       body_style(size + 2, bold=True, name="goalhead"))
        self.bottom, self.words_cut = self.bottom_row()
        fixed = (_height(self.header) + _height(self.bottom) + _height(self.goals_heading)
                 + 3 * GAP + 4)
        self.flexible_height = FRAME_HEIGHT - fixed

    # ----- fixed pieces ---------------------------------------------------------------------

    def _header(self) -> Flowable:
        family, plan, worker = self.family, self.plan, self.lead_worker
        title = Paragraph("Our family plan", body_style(20, bold=True, name="title"))
        ref = Paragraph(f"Reference <b>{para_text(family.reference)}</b>",
                        body_style(12, right=True, name="ref"))
        name = Paragraph(para_text(family.household_name), body_style(16, bold=True, name="n"))
        info = body_style(max(self.size - 1, 11), name="info")
        if plan is None:
            agreed = "Agreed on: ____________________"
            review = "We will look at it again on: ____________________"
        elif plan.is_agreed:
            agreed = f"<b>Agreed on:</b> {uk_date(plan.agreed_on)}"
            review = f"<b>We will look at it again on:</b> {uk_date(plan.review_due)}"
        else:
            agreed = "<b>Draft:</b> not yet agreed"
            review = f"<b>We will look at it again on:</b> {uk_date(plan.review_due)}"
        if worker is None:
            who = "<b>Your lead worker:</b> ____________________"
            how = "<b>How to contact them:</b> ____________________"
        else:
            who = f"<b>Your lead worker:</b> {para_text(worker.name)}"
            contact = para_text(worker.contact) if worker.contact.strip() else \
                "ask at your Family Hub"
            how = f"<b>How to contact them:</b> {contact}"
        table = Table(
            [[title, ref], [name, ""],
             [Paragraph(agreed, info), Paragraph(who, info)],
             [Paragraph(review, info), Paragraph(how, info)]],
            colWidths=[CONTENT_WIDTH * 0.5, CONTENT_WIDTH * 0.5])
        table.setStyle(table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("SPAN", (0, 1), (1, 1)),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BACKGROUND", (0, 2), (-1, 3), colors.Color(0.94, 0.94, 0.94)),
            ("LEFTPADDING", (0, 2), (-1, 3), 6), ("RIGHTPADDING", (0, 2), (-1, 3), 6),
            ("TOPPADDING", (0, 2), (-1, 2), 5), ("BOTTOMPADDING", (0, 3), (-1, 3), 5),
            ("BOTTOMPADDING", (0, 0), (-1, 1), 2), ("TOPPADDING", (0, 0), (-1, 1), 0),
            ("VALIGN", (1, 0), (1, 0), "BOTTOM"),
        ]))
        return table

    def _star(self, stars: Sequence[WebStarAssessment], template: StarTemplate) -> Flowable:
        # The whole family's own stars when there are any; otherwise the latest subject's.
        family_stars = [s for s in stars if s.person_id is None]
        chosen = family_stars or list(stars)
        if chosen:
            subject = chosen[-1].person_id
            chosen = [s for s in chosen if s.person_id == subject][-2:]
        return star_chart(template, chosen, width=STAR_WIDTH, label_size=10, label_width=72)

    # ----- flexible pieces ------------------------------------------------------------------

    def _box_parts(self, index: int, inner: float,
                   body_max: float | None = None) -> tuple[list[Flowable], bool]:
        """One box's heading and body at an inner width; with ``body_max``, the body is
        shortened (with the marker) to that height."""
        field, heading, _, ink = BOXES[index]
        text = getattr(self.plan, field) if self.plan else ""
        head = Paragraph(f'<font color="{ink.hexval()}">{heading}</font>', self.heading)
        if not text.strip():
            return [head, Spacer(1, 4), ruled_lines(inner, 4)], False
        if body_max is None:
            return [head, Spacer(1, 4), Paragraph(para_text(text), self.body)], False
        body, cut = _fit_paragraph(text, self.body, inner, body_max - _height(head, inner))
        return [head, Spacer(1, 4), body], cut

    def box_height(self, index: int, width: float) -> float:
        """A box's natural height (paddings included) in a column ``width`` wide."""
        key = (index, round(width))
        if key not in self._box_heights:
            parts, _ = self._box_parts(index, key[1] - 2 * BOX_PADDING)
            self._box_heights[key] = (sum(_height(f, key[1] - 2 * BOX_PADDING) for f in parts)
                                      + 2 * BOX_PADDING)
        return self._box_heights[key]

    def _narrowest(self, index: int, height: float) -> float | None:
        """The narrowest column in which the box fits ``height`` whole, if any does."""
        low, high = round(MIN_BOX_WIDTH), round(CONTENT_WIDTH - 2 * MIN_BOX_WIDTH)
        if self.box_height(index, high) > height:
            return None
        while low < high:
            middle = (low + high) // 2
            if self.box_height(index, middle) <= height:
                high = middle
            else:
                low = middle + 1
        return float(low)

    def _needs(self, height: float) -> list[float] | None:
        """Each box's narrowest whole width for ``height``, or None if they can't all fit."""
        needs = [self._narrowest(i, height) for i in range(len(BOXES))]
        if any(n is None for n in needs):
            return None
        widths = [n for n in needs if n is not None]
        return widths if sum(widths) <= CONTENT_WIDTH else None

    def shortest_row(self) -> float:
        """The least height the three boxes need whole, their widths chosen by need."""
        low = max(self.box_height(i, CONTENT_WIDTH - 2 * MIN_BOX_WIDTH)
                  for i in range(len(BOXES)))
        high = max(self.box_height(i, MIN_BOX_WIDTH) for i in range(len(BOXES)))
        while high - low > 1:
            middle = (low + high) / 2
            if self._needs(middle) is None:
                low = middle
            else:
                high = middle
        return high

    def box_widths(self, height: float) -> list[float]:
        """Column widths for boxes at most ``height`` tall: equal thirds when every box fits
        whole in a third; otherwise each long box gets the width it needs from what the short
        ones leave. If they cannot all fit, widths for the shortest row (cut to the height)."""
        needs = self._needs(height) or self._needs(self.shortest_row())
        if needs is None:  # cannot happen: three narrowest columns always fit side by side
            raise PlanLayoutError("The plan's boxes could not be given widths.")
        # Share out the spare width evenly: level up the narrowest columns first.
        level = CONTENT_WIDTH / len(needs)
        for _ in needs:
            wide = [n for n in needs if n > level]
            level = (CONTENT_WIDTH - sum(wide)) / (len(needs) - len(wide))
        widths = [max(n, level) for n in needs]
        widths[-1] = CONTENT_WIDTH - sum(widths[:-1])
        return widths

    def boxes(self, height: float, *, cut: bool) -> tuple[Flowable, bool]:
        """The three boxes in a row at most ``height`` tall (when it can be); with ``cut``,
        any box still too tall is shortened, with the marker, to fit."""
        widths = self.box_widths(height)
        cells: list[list[Flowable]] = []
        shortened = False
        for index, width in enumerate(widths):
            limit = height - 2 * BOX_PADDING - 4 if cut else None
            parts, was_cut = self._box_parts(index, width - 2 * BOX_PADDING, limit)
            cells.append(parts)
            shortened |= was_cut
        table = Table([cells], colWidths=widths)
        style: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                           ("TOPPADDING", (0, 0), (-1, -1), BOX_PADDING),
                                           ("BOTTOMPADDING", (0, 0), (-1, -1), BOX_PADDING),
                                           ("LEFTPADDING", (0, 0), (-1, -1), BOX_PADDING),
                                           ("RIGHTPADDING", (0, 0), (-1, -1), BOX_PADDING)]
        for col, (_, _, tint, ink) in enumerate(BOXES):
            style += [("BACKGROUND", (col, 0), (col, 0), tint),
                      ("BOX", (col, 0), (col, 0), 1.2, ink)]
        table.setStyle(table_style(style))
        return table, shortened

    def goal_rows(self) -> list[tuple[str, list[str]]]:
        """('goal', [text]) and ('action', [what, who, when]) rows in reading order."""
        rows: list[tuple[str, list[str]]] = []
        assert self.plan is not None
        for number, goal in enumerate(self.plan.goals, start=1):
            rows.append(("goal", [f"Goal {number}: {goal.text}"]))
            for action in goal.actions:
                when = short_date(action.by_when) if action.by_when else "—"
                if action.status is ActionStatus.DONE:
                    when = "✓ Done"
                elif action.status is ActionStatus.DROPPED:
                    when = "Stopped"
                rows.append(("action", [action.what, action.who, when]))
            if not goal.actions:
                rows.append(("action", ["Actions to agree", "", ""]))
        return rows

    def goals_table(self, budget: float | None) -> tuple[Flowable, bool]:
        widths = [CONTENT_WIDTH - 235, 135, 100]
        header = [Paragraph(h, self.bold) for h in ("What will happen", "Who", "By when")]
        if self.plan is None or not self.plan.goals:
            return self._blank_goals(widths, header), False
        rows = self.goal_rows()
        table = self._goals(widths, header, rows, hidden=0)
        if budget is None or _height(table) <= budget:
            return table, False
        low, high = 0, len(rows) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if _height(self._goals(widths, header, rows[:middle], len(rows) - middle)) <= budget:
                low = middle
            else:
                high = middle - 1
        return self._goals(widths, header, rows[:low], len(rows) - low), True

    def _goals(self, widths: list[float], header: list[Paragraph],
               rows: list[tuple[str, list[str]]], hidden: int) -> Table:
        data: list[list[Flowable | str]] = [list(header)]
        style: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.Color(0.45, 0.45, 0.45)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
        ]
        for kind, cells in rows:
            r = len(data)
            if kind == "goal":
                data.append([Paragraph(para_text(cells[0]), self.bold), "", ""])
                style += [("SPAN", (0, r), (-1, r)),
                          ("BACKGROUND", (0, r), (-1, r), colors.Color(0.95, 0.95, 0.95))]
            else:
                data.append([Paragraph(para_text(c), self.body) for c in cells])
        if hidden:
            r = len(data)
            more = "1 more line is" if hidden == 1 else f"{hidden} more lines are"
            data.append([Paragraph(f"<b>… {more} {CONTINUED}.</b>", self.body), "", ""])
            style.append(("SPAN", (0, r), (-1, r)))
        table = Table(data, colWidths=widths, repeatRows=0)
        table.setStyle(table_style(style))
        return table

    def _blank_goals(self, widths: list[float], header: list[Paragraph]) -> Table:
        data: list[list[Flowable | str]] = [list(header)]
        heights: list[float | None] = [None]
        style: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.Color(0.45, 0.45, 0.45)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
        ]
        for number in (1, 2):
            r = len(data)
            data.append([Paragraph(f"Goal {number}:", self.bold), "", ""])
            heights.append(26)
            style += [("SPAN", (0, r), (-1, r)),
                      ("BACKGROUND", (0, r), (-1, r), colors.Color(0.95, 0.95, 0.95))]
            for _ in range(2):
                data.append(["", "", ""])
                heights.append(26)
        table = Table(data, colWidths=widths, rowHeights=heights)
        table.setStyle(table_style(style))
        return table

    def words_box(self, budget: float) -> tuple[Flowable, bool]:
        """The family's own words, in a box as tall as the star beside it."""
        width = CONTENT_WIDTH - STAR_WIDTH - GAP - 14
        head = Paragraph("In our words", self.heading)
        text = self.plan.family_words if self.plan else ""
        cut = False
        body: Flowable
        if text.strip():
            body, cut = _fit_paragraph(f"“{text.strip()}”", self.body, width,
                                       budget - _height(head, width) - 20)
        else:
            body = ruled_lines(width, max(3, int((budget - 40) // 24)), spacing=24)
        box = Table([[[head, Spacer(1, 4), body]]], colWidths=[width + 14], rowHeights=[budget])
        box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 1.2, INK),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("TOPPADDING", (0, 0), (-1, -1), 6)]))
        return box, cut

    def bottom_row(self) -> tuple[Flowable, bool]:
        title = Paragraph("Our Family Web Star", self.heading)
        words, cut = self.words_box(self.star_height + _height(title, STAR_WIDTH))
        row = Table([[words, [title, self.star]]],
                    colWidths=[CONTENT_WIDTH - STAR_WIDTH, STAR_WIDTH])
        row.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return row, cut

    # ----- assembly -------------------------------------------------------------------------

    def _stack(self, boxes: Flowable, goals: Flowable, bottom: Flowable) -> tuple[Flowable, ...]:
        return (self.header, Spacer(1, GAP), boxes, Spacer(1, GAP), self.goals_heading,
                Spacer(1, 4), goals, Spacer(1, GAP), bottom)

    def _fits(self, flowables: Sequence[Flowable]) -> bool:
        total = sum(_height(f) for f in flowables)
        return bool(total <= FRAME_HEIGHT - 2)  # a little slack for rounding inside the frame

    def assemble(self) -> tuple[Flowable, ...] | None:
        """The page at this size without shortening, or None if it does not fit."""
        if self.words_cut:
            return None
        goals, _ = self.goals_table(None)
        room = self.flexible_height - 4 - _height(goals)
        if self.shortest_row() > room:
            return None
        boxes, _ = self.boxes(room, cut=False)
        stack = self._stack(boxes, goals, self.bottom)
        return stack if self._fits(stack) else None

    def assemble_shortened(self) -> tuple[Flowable, ...]:
        """Split the flexible height between the boxes and the goals table by need, then
        shorten only what still does not fit."""
        room = self.flexible_height - 4
        boxes_whole = self.shortest_row()
        goals_natural = _height(self.goals_table(None)[0])
        if boxes_whole + goals_natural <= room:
            box_budget = room - goals_natural
        else:
            box_budget = min(boxes_whole, max(room * 0.45, room - goals_natural))
        boxes, _ = self.boxes(box_budget, cut=True)
        goals, _ = self.goals_table(room - _height(boxes))
        stack = self._stack(boxes, goals, self.bottom)
        if not self._fits(stack):
            raise PlanLayoutError("The plan could not be shortened to one page.")
        return stack
