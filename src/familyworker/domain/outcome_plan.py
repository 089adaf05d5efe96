"""The council's outcome plan as data: for each headline problem, the measures that show
significant and sustained progress, each with its own sustainment period and evidence.

A council edits a copy of the shipped example without code (docs/claims.md); a mistake in the
copy is refused at load with the line it is on, so the person editing it can find it.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from familyworker.domain.errors import ValidationError


class MeasureKind(StrEnum):
    # Each reading compared with a threshold; met after N passing readings in a row.
    THRESHOLD_OVER_PERIODS = "threshold-over-periods"
    # Readings count incidents; met when readings with no gap cover M months totalling 0.
    NONE_FOR_PERIOD = "none-for-period"
    # Readings record a state (1 held, 0 not); met when held from one reading to one M months on.
    HELD_FOR_PERIOD = "held-for-period"


class Comparison(StrEnum):
    AT_LEAST = "at-least"
    AT_MOST = "at-most"

    def passes(self, value: Decimal, threshold: Decimal) -> bool:
        return value >= threshold if self is Comparison.AT_LEAST else value <= threshold

    @property
    def words(self) -> str:
        return "at least" if self is Comparison.AT_LEAST else "at most"


class PlanError(ValidationError):
    """A council's plan file that cannot be used, naming the line to look at."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"Outcome plan, line {line}: {message}")
        self.line = line


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    problem: str  # a headline criterion key of the framework
    label: str
    kind: MeasureKind
    source: str  # the source system the evidence comes from
    verified_by: str  # who confirms it there (a role)
    months: int = 0  # none-for-period and held-for-period: the sustainment period
    comparison: Comparison = Comparison.AT_LEAST
    threshold: Decimal = Decimal(0)
    consecutive: int = 0  # threshold-over-periods: readings in a row
    unit: str = ""
    period_name: str = "period"  # "term": how a reading's period is named in words

    @property
    def sustainment_in_words(self) -> str:
        if self.kind is MeasureKind.THRESHOLD_OVER_PERIODS:
            return (f"{self.comparison.words} {format_value(self.threshold, self.unit)} in "
                    f"{self.consecutive} {self.period_name}s in a row")
        if self.kind is MeasureKind.NONE_FOR_PERIOD:
            return f"none for {self.months} months, with no gap in the readings"
        return f"held for {self.months} months"


@dataclass(frozen=True, slots=True)
class EmploymentRule:
    """The continuous-employment route: an adult off out-of-work benefits and in work of at
    least `min_hours_per_week` for `weeks` weeks without a break (the council sets both from the
    framework's Chapter 5)."""

    weeks: int
    min_hours_per_week: int
    source: str
    verified_by: str


@dataclass(frozen=True, slots=True)
class OutcomePlan:
    name: str
    measures: tuple[Measure, ...]
    employment: EmploymentRule

    def measure(self, key: str) -> Measure:
        for measure in self.measures:
            if measure.key == key:
                return measure
        raise ValidationError(f"'{key}' is not a measure of the outcome plan.")

    def measures_for(self, problem: str) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.problem == problem)


def format_value(value: Decimal, unit: str = "") -> str:
    text = f"{value:f}"  # as typed: 88.0 stays 88.0
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}".strip()


def parse_outcome_plan(text: str, problems: Iterable[str]) -> OutcomePlan:
    """The plan in `text` (JSON), checked against the framework's problem keys."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanError(f"this is not valid JSON ({error.msg}).", error.lineno) from None
    return _PlanReader(text, data, tuple(problems)).read()


class _PlanReader:
    """Checks a parsed plan; every complaint carries the line the offending key is on."""

    def __init__(self, text: str, data: Any, problems: tuple[str, ...]) -> None:
        self.text = text
        self.data = data
        self.problems = problems

    def line_of(self, *anchors: str) -> int:
        """The line of the last anchor, each searched for after the one before (so a field is
        found inside its own measure, not an earlier one)."""
        position, start = 0, 0
        for anchor in anchors:
            found = self.text.find(anchor, start)
            if found < 0:
                break
            position, start = found, found + len(anchor)
        return self.text.count("\n", 0, position) + 1

    def fail(self, message: str, *anchors: str) -> PlanError:
        return PlanError(message, self.line_of(*anchors))

    def read(self) -> OutcomePlan:
        if not isinstance(self.data, dict):
            raise self.fail("the plan must be one JSON object.")
        name = self.data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail('the plan needs a "name".', '"name"')
        raw_measures = self.data.get("measures")
        if not isinstance(raw_measures, list) or not raw_measures:
            raise self.fail('the plan needs a "measures" list with at least one measure.',
                            '"measures"')
        measures = [self.measure(raw, index) for index, raw in enumerate(raw_measures)]
        keys = [m.key for m in measures]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                raise self.fail(f"the measure key '{key}' is used twice.",
                                *self.measure_anchors(index), f'"{key}"')
        return OutcomePlan(name=name.strip(), measures=tuple(measures),
                           employment=self.employment())

    def measure_anchors(self, index: int) -> tuple[str, ...]:
        # The index-th measure's key is reached by passing the keys of the measures before it.
        return ('"measures"',) + ('"key"',) * (index + 1)

    def measure(self, raw: Any, index: int) -> Measure:
        anchors = self.measure_anchors(index)
        if not isinstance(raw, dict):
            raise self.fail(f"measure {index + 1} must be an object {{…}}.", *anchors[:-1])
        key = raw.get("key")
        if not isinstance(key, str) or not key.strip():
            raise self.fail(f'measure {index + 1} needs a "key".', *anchors[:-1])
        anchors = (*anchors[:-1], f'"{key}"')

        def text(field: str) -> str:
            value = raw.get(field)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"measure '{key}' needs \"{field}\" (some text).",
                                *anchors, f'"{field}"')
            return value.strip()

        def whole(field: str) -> int:
            value = raw.get(field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise self.fail(f"measure '{key}': \"{field}\" must be a whole number of 1 "
                                "or more.", *anchors, f'"{field}"')
            return value

        problem = text("problem")
        if problem not in self.problems:
            raise self.fail(f"measure '{key}': '{problem}' is not a headline problem; use one "
                            f"of {', '.join(self.problems)}.", *anchors, '"problem"')
        try:
            kind = MeasureKind(text("kind"))
        except ValueError:
            raise self.fail(f"measure '{key}': \"kind\" must be one of "
                            f"{', '.join(k.value for k in MeasureKind)}.",
                            *anchors, '"kind"') from None
        common: dict[str, Any] = {"key": key.strip(), "problem": problem, "kind": kind,
                                  "label": text("label"), "source": text("source"),
                                  "verified_by": text("verified_by")}
        if kind is not MeasureKind.THRESHOLD_OVER_PERIODS:
            return Measure(months=whole("months"), **common)
        try:
            comparison = Comparison(text("comparison"))
        except ValueError:
            raise self.fail(f"measure '{key}': \"comparison\" must be at-least or at-most.",
                            *anchors, '"comparison"') from None
        try:
            threshold = Decimal(text("threshold"))
        except InvalidOperation:
            raise self.fail(f"measure '{key}': \"threshold\" must be a number written as "
                            'text, e.g. "90".', *anchors, '"threshold"') from None
        if not threshold.is_finite():
            raise self.fail(f"measure '{key}': \"threshold\" must be a number.",
                            *anchors, '"threshold"')
        return Measure(comparison=comparison, threshold=threshold,
                       consecutive=whole("consecutive"), unit=str(raw.get("unit", "")),
                       period_name=str(raw.get("period_name", "period")) or "period",
                       **common)

    def employment(self) -> EmploymentRule:
        raw = self.data.get("employment")
        if not isinstance(raw, Mapping):
            raise self.fail('the plan needs an "employment" object (weeks, '
                            "min_hours_per_week, source, verified_by).", '"employment"')
        values: dict[str, Any] = {}
        for field in ("weeks", "min_hours_per_week"):
            value = raw.get(field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise self.fail(f'employment: "{field}" must be a whole number of 1 or more.',
                                '"employment"', f'"{field}"')
            values[field] = value
        for field in ("source", "verified_by"):
            value = raw.get(field)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f'employment: "{field}" needs some text.',
                                '"employment"', f'"{field}"')
            values[field] = value.strip()
        return EmploymentRule(**values)
