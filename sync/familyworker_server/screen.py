"""A push's fields screened in one pass before anything is written: the batch-level length
guard (a field over the limit refuses the whole batch, H1/G8) and each op's row-schema verdict.

``row_schema.check_fields`` stays the reference: it gives the reason in words, and it runs only
for an op this screen finds wrong. The screen answers "do these fields fit?" exactly as
``check_fields(table, fields, complete=False)`` would, with inline tests for the common values
(text within its length and choices, an identifier, a known date, None where allowed) and the
declaration's own per-value check for the rest. ``tests/server/test_screen.py`` holds the two to
the same verdict on generated values.
"""

from collections.abc import Mapping
from typing import Any

from familyworker.sync.protocol import PushRequest
from familyworker.sync.row_schema import ID_PATTERN, TABLES, Column, value_problem
from familyworker_server.errors import ApiError

MAX_ITEMS = 1_000  # in one list or dict value
_CONTAINERS = frozenset({list, dict})
# Inline kinds; OTHER goes to row_schema.value_problem. LIST: a column an empty list fits.
TEXT, ID, DATE, LIST, OTHER = range(5)
_KNOWN_DATES_MAX = 50_000  # valid date strings remembered (a caseload has a few thousand)
_known_dates: set[str] = set()

# name -> (kind, length limit, choices, column); None for a column type screened slowly.
Spec = Mapping[str, tuple[int, int, frozenset[str] | None, Column]]
_SPECS: dict[int, dict[str, Spec]] = {}


def _specs(max_chars: int) -> dict[str, Spec]:
    """Per table, per column, what the inline test needs. A value passing it must also be
    within ``max_chars``, so the limits are the smaller of the two."""
    found = _SPECS.get(max_chars)
    if found is None:
        found = {}
        for table in TABLES.values():
            spec = {}
            for column in table.columns:
                kind = OTHER
                limit = 0
                if column.type == "text" and column.max_length is not None:
                    kind, limit = TEXT, min(column.max_length, max_chars)
                elif column.type == "id" and max_chars >= 64:
                    kind = ID
                elif column.type == "date" and max_chars >= 10:
                    kind = DATE
                elif column.type in ("text_list", "star_scores", "json"):
                    kind = LIST
                choices = frozenset(column.choices) if column.choices is not None else None
                spec[column.name] = (kind, limit, choices, column)
            found[table.name] = spec
        _SPECS[max_chars] = found
    return found


def too_long(value: Any, limit: int) -> bool:
    """A string over ``limit`` characters, or a list or dict (at any depth) with one, or with
    more than MAX_ITEMS items."""
    if isinstance(value, str):
        return len(value) > limit
    if isinstance(value, list):
        return any(too_long(v, limit) for v in value) or len(value) > MAX_ITEMS
    if isinstance(value, dict):
        return any(too_long(v, limit) for v in value.values()) or len(value) > MAX_ITEMS
    return False


def _date_fits(column: Column, value: str) -> bool:
    if value in _known_dates:
        return True
    if value_problem(column, value) is not None:
        return False
    if len(_known_dates) < _KNOWN_DATES_MAX:
        _known_dates.add(value)
    return True


def screen(request: PushRequest, max_chars: int) -> list[bool]:
    """For each op, whether its fields fit its table's columns (check_fields with
    complete=False would pass; an unknown table: False). Raises 422 for the first field (op
    order, then field order) longer than ``max_chars`` or a list or dict over MAX_ITEMS."""
    specs = _specs(max_chars)
    fits: list[bool] = []
    empty: Spec = {}
    id_match = ID_PATTERN.fullmatch
    for index, op in enumerate(request.ops):
        spec = specs.get(op.table, empty)
        ok = op.table in specs
        for name, value in op.fields.items():
            entry = spec.get(name)
            kind = value.__class__
            if entry is not None:
                if kind is str:
                    code, limit, choices, column = entry
                    if code == TEXT:
                        if len(value) <= limit and (choices is None or value in choices):
                            continue
                    elif code == ID:
                        if id_match(value) is not None:
                            continue
                    elif code == DATE and _date_fits(column, value):
                        continue
                elif value is None:
                    if entry[3].nullable:
                        continue
                elif kind is list and not value and entry[0] == LIST:
                    continue
            # Not shown fine by the inline tests: the length guard, then the declaration.
            if (kind is str and len(value) > max_chars) or \
                    (kind in _CONTAINERS and too_long(value, max_chars)):
                raise ApiError(422, "invalid_request",
                               f"Operation {index}: field '{name}' is longer than allowed.",
                               errors=[{"index": index, "field": name, "type": "too_long"}])
            if ok and (entry is None or value_problem(entry[3], value) is not None):
                ok = False
        fits.append(ok)
    return fits
