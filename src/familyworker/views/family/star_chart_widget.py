"""A radar (star) chart of Web Star assessments drawn with QPainter, older ones overlaid."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from familyworker.domain.star import MAX_SCORE, StarTemplate, WebStarAssessment

# Newest last. Each series differs by line style and marker as well as colour (not colour alone).
_COLOURS = (QColor("#8a8a8a"), QColor("#d08000"), QColor("#2a7ab0"), QColor("#6a3d9a"),
            QColor("#117733"))
_STYLES = (Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine, Qt.PenStyle.DashLine,
           Qt.PenStyle.SolidLine)
_MARKERS = ("○", "△", "□", "●")
MAX_SERIES = 4  # more than four overlaid stars stops being readable


@dataclass(frozen=True, slots=True)
class StarSeries:
    label: str  # e.g. "12 Mar 2026"
    scores: tuple[int | None, ...]  # in template domain order


class StarChartWidget(QWidget):
    """Radar chart; `series()` exposes exactly what is drawn, for tests and screen readers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("star_chart")
        self.setAccessibleName("Web Star chart")
        self.setMinimumSize(360, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._labels: tuple[str, ...] = ()
        self._series: list[StarSeries] = []

    def set_assessments(self, template: StarTemplate,
                        assessments: Sequence[WebStarAssessment]) -> None:
        """Show these assessments (oldest first, newest drawn on top); of more than
        MAX_SERIES, the first (the baseline) and the latest ones."""
        self._labels = tuple(d.label for d in template.domains)
        keys = template.domain_keys()
        chosen = list(assessments)
        shown = chosen if len(chosen) <= MAX_SERIES else \
            [chosen[0], *chosen[-(MAX_SERIES - 1):]]
        self._series = [StarSeries(a.assessed_on.strftime("%d %b %Y"),
                                   tuple(a.score_for(k) for k in keys)) for a in shown]
        self.setAccessibleDescription(self._describe())
        self.update()

    def clear(self) -> None:
        self._labels = ()
        self._series = []
        self.setAccessibleDescription("")
        self.update()

    def series(self) -> list[StarSeries]:
        return list(self._series)

    def domain_labels(self) -> tuple[str, ...]:
        return self._labels

    def _describe(self) -> str:
        if not self._series:
            return "No assessments yet."
        latest = self._series[-1]
        parts = [f"{label} {score if score is not None else '–'}"
                 for label, score in zip(self._labels, latest.scores, strict=True)]
        return f"Latest, {latest.label}: " + ", ".join(parts)

    def sizeHint(self) -> QSize:
        return QSize(520, 460)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        n = len(self._labels)
        if n < 3:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No star template")
            return
        metrics = painter.fontMetrics()
        legend_height = (metrics.height() + 4) * max(1, len(self._series)) + 8
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8 - legend_height)
        margin = metrics.height() * 2.5 + 20
        radius = max(20.0, min(area.width() / 2 - margin * 1.4, area.height() / 2 - margin))
        centre = area.center()

        def point(i: int, value: float) -> QPointF:
            angle = -math.pi / 2 + 2 * math.pi * i / n
            r = radius * value / MAX_SCORE
            return QPointF(centre.x() + r * math.cos(angle), centre.y() + r * math.sin(angle))

        grid = QPen(self.palette().mid().color(), 1)
        painter.setPen(grid)
        for level in (2, 4, 6, 8, 10):
            painter.drawPolygon(QPolygonF([point(i, level) for i in range(n)]))
        small = QFont(painter.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
        for i, label in enumerate(self._labels):
            painter.setPen(grid)
            painter.drawLine(centre, point(i, MAX_SCORE))
            anchor = point(i, MAX_SCORE + 0.6)
            painter.setPen(self.palette().text().color())
            box = QRectF(anchor.x() - 70, anchor.y() - metrics.height(), 140,
                         metrics.height() * 2)
            if anchor.x() > centre.x() + 5:
                box.moveLeft(anchor.x() - 4)
                align = Qt.AlignmentFlag.AlignLeft
            elif anchor.x() < centre.x() - 5:
                box.moveRight(anchor.x() + 4)
                align = Qt.AlignmentFlag.AlignRight
            else:
                align = Qt.AlignmentFlag.AlignHCenter
            painter.drawText(box, align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                             label)
        painter.setFont(small)
        painter.setPen(grid)
        for level in (2, 4, 6, 8, 10):
            painter.drawText(point(0, level) + QPointF(3, 0), str(level))
        painter.setFont(self.font())

        count = len(self._series)
        for order, series in enumerate(self._series):
            style_index = MAX_SERIES - count + order
            colour = _COLOURS[style_index + 1] if order == count - 1 else _COLOURS[style_index]
            pen = QPen(colour, 3 if order == count - 1 else 2, _STYLES[style_index])
            painter.setPen(pen)
            points = [point(i, s) for i, s in enumerate(series.scores) if s is not None]
            if len(points) >= 3:
                fill = QColor(colour)
                fill.setAlpha(50 if order == count - 1 else 0)
                painter.setBrush(fill)
                painter.drawPolygon(QPolygonF(points))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            for p in points:
                painter.drawText(QRectF(p.x() - 8, p.y() - 8, 16, 16),
                                 Qt.AlignmentFlag.AlignCenter, _MARKERS[style_index])

        y = self.rect().bottom() - legend_height + 8
        x = self.rect().left() + 16
        if not self._series:
            painter.setPen(self.palette().text().color())
            painter.drawText(QPointF(x, y + metrics.ascent()),
                             "No assessments yet: score the first star with the family.")
        for order, series in enumerate(self._series):
            style_index = MAX_SERIES - count + order
            colour = _COLOURS[style_index + 1] if order == count - 1 else _COLOURS[style_index]
            pen = QPen(colour, 3 if order == count - 1 else 2, _STYLES[style_index])
            painter.setPen(pen)
            mid = y + metrics.height() / 2
            painter.drawLine(QPointF(x, mid), QPointF(x + 40, mid))
            painter.drawText(QRectF(x + 12, mid - 8, 16, 16), Qt.AlignmentFlag.AlignCenter,
                             _MARKERS[style_index])
            painter.setPen(self.palette().text().color())
            suffix = " (latest)" if order == count - 1 else ""
            painter.drawText(QPointF(x + 50, y + metrics.ascent()), series.label + suffix)
            y += metrics.height() + 4
        painter.end()
