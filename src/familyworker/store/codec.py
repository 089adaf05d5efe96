"""JSON-ready values for rows: dates and times as ISO strings, so outbox and wire share one form."""

import json
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlmodel import SQLModel


def to_json_value(value: Any) -> Any:
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    return value


@cache
def temporal_columns(row_type: type[SQLModel]) -> dict[str, type]:
    """Columns of a table that hold a date or datetime, by name."""
    kinds: dict[str, type] = {}
    for column in row_type.__table__.columns:  # type: ignore[attr-defined]
        column_type = getattr(column.type, "impl", column.type)  # unwrap TypeDecorators
        try:
            python_type = column_type.python_type
        except NotImplementedError:
            continue
        if python_type in (datetime, date):
            kinds[column.name] = python_type
    return kinds


def from_json_value(row_type: type[SQLModel], field: str, value: Any) -> Any:
    """A wire value as the column's Python value (ISO text back to date/datetime)."""
    if value is None or not isinstance(value, str):
        return value
    kind = temporal_columns(row_type).get(field)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


def stamps_for_insert(hlc: str) -> str:
    """field_hlc of a new row: one stamp for every field ("*"), overridden per field later."""
    return json.dumps({"*": hlc})


def row_values(row: SQLModel, fields: list[str]) -> dict[str, Any]:
    return {name: to_json_value(getattr(row, name)) for name in fields}
