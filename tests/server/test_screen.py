"""The push screen (server fast path) and row_schema.check_fields (the reference) give the same
verdict on every op, and the screen's length guard refuses the same batches, at the same op and
field, as the length check it replaced."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.server.test_row_schema_fuzz import bad_value, good_value

from familyworker.sync.protocol import PushRequest
from familyworker.sync.row_schema import TABLES, RowProblem, check_fields
from familyworker_server import screen as screen_module
from familyworker_server.errors import ApiError
from familyworker_server.screen import screen

ODD_VALUES = st.sampled_from([
    None, "", "x", "x" * 65, "x" * 101, "2026-02-30", "2026-02-28", "2026-13-01", "٢٠٢٦-٠١-٠١",
    "2026-W01-1", "2026-01-01\n", "2026-01-01T10:00:00Z", "2026-01-01T10:00:00",
    "2026-01-01 10:00+01:00", "abc-DEF-123", "has space", "referred", "OPEN", "final", 0, -1,
    2 ** 70, 1.5, True, [], ["x"], [1], {"a": 1}, [{"domain_key": "home", "score": 3}],
    "x" * 4_001, "ok\u00e9"])


@st.composite
def fields_for(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    table_name = draw(st.sampled_from(sorted(TABLES)))
    columns = TABLES[table_name].columns
    fields: dict[str, Any] = {}
    for column in draw(st.lists(st.sampled_from(columns), unique_by=lambda c: c.name)):
        bad = bad_value(column)
        choice = draw(st.integers(0, 5))
        if choice == 0 and bad is not None:
            fields[column.name] = draw(bad)
        elif choice == 1:
            fields[column.name] = draw(ODD_VALUES)
        else:
            fields[column.name] = draw(good_value(column))
    if draw(st.integers(0, 8)) == 0:
        fields[draw(st.sampled_from(["nonexistent_field", "server_seq", "x9"]))] = "v"
    return table_name, fields


def request_of(ops: list[tuple[str, dict[str, Any]]]) -> PushRequest:
    return PushRequest.model_validate({
        "protocol": 1, "schema_version": 1, "device_id": "d", "batch_id": "b",
        "client_time": "2026-12-01T10:00:00+00:00", "ops": [
            {"op_id": f"o{i}", "table": table, "row_id": f"r{i}", "family_id": "f",
             "kind": "insert", "hlc": "0190a0b0c0d0-0000-d", "fields": fields}
            for i, (table, fields) in enumerate(ops)]})


def reference(table: str, fields: dict[str, Any]) -> bool:
    try:
        check_fields(table, fields, complete=False)
    except RowProblem:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fields_for(), min_size=1, max_size=8))
def test_the_screen_and_check_fields_agree_on_every_op(
        ops: list[tuple[str, dict[str, Any]]]) -> None:
    screen_module._known_dates.clear()
    request = request_of(ops)
    expected = [reference(table, fields) for table, fields in ops]
    assert screen(request, 100_000) == expected
    # Twice: the second time dates come from the screen's memory of good ones.
    assert screen(request, 100_000) == expected


def too_long_reference(request: PushRequest, max_chars: int) -> tuple[int, str] | None:
    """The first (op, field) the pre-2026-12 length check refused."""
    for index, op in enumerate(request.ops):
        for name, value in op.fields.items():
            if screen_module.too_long(value, max_chars):
                return index, name
    return None


@pytest.mark.parametrize("max_chars", [100_000, 50, 5])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(fields_for(), min_size=1, max_size=6))
def test_the_length_guard_refuses_the_same_field(
        max_chars: int, ops: list[tuple[str, dict[str, Any]]]) -> None:
    request = request_of(ops)
    expected = too_long_reference(request, max_chars)
    try:
        fits = screen(request, max_chars)
    except ApiError as error:
        assert error.status == 422
        assert expected is not None
        index, name = expected
        assert error.extra["errors"] == [{"index": index, "field": name, "type": "too_long"}]
    else:
        assert expected is None
        assert fits == [reference(table, fields) for table, fields in ops]


def test_an_unknown_table_or_field_with_a_huge_value_still_refuses_the_batch() -> None:
    request = request_of([("family", {"reference": "R", "nonexistent": "x" * 100_001})])
    with pytest.raises(ApiError) as caught:
        screen(request, 100_000)
    assert caught.value.extra["errors"] == [
        {"index": 0, "field": "nonexistent", "type": "too_long"}]
    nested = request_of([("sync_conflict", {"kept_value": {"a": ["x" * 100_001]}})])
    with pytest.raises(ApiError):
        screen(nested, 100_000)
    many = request_of([("person", {"flags": ["x"] * 1_001})])
    with pytest.raises(ApiError):
        screen(many, 100_000)
