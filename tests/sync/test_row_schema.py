"""The one row declaration (sync/row_schema.py) against the client's tables and on its own."""

from datetime import date, datetime
from types import UnionType
from typing import Any, Union, get_args, get_origin

import pytest

from familyworker.store.sync_tables import SYNC_TABLES
from familyworker.sync import protocol
from familyworker.sync.row_schema import TABLES, RowProblem, check_fields, defaults


def test_every_synced_table_is_declared_once() -> None:
    assert set(TABLES) == set(protocol.SYNCED_TABLE_NAMES) == set(SYNC_TABLES)
    assert {n for n, t in TABLES.items() if t.append_only} == protocol.APPEND_ONLY_TABLES


@pytest.mark.parametrize("name", sorted(SYNC_TABLES))
def test_client_table_has_exactly_the_declared_columns(name: str) -> None:
    row_type = SYNC_TABLES[name]
    declared = TABLES[name]
    assert list(row_type.content_fields()) == [c.name for c in declared.columns]
    table: Any = row_type.__table__  # type: ignore[attr-defined]
    for column in declared.columns:
        local = table.c[column.name]
        assert local.nullable == (column.nullable or column.type == "json"), column.name
        info = row_type.model_fields[column.name]
        # family_id is filled in by the server from the op when a change leaves it out.
        filled_in = column.name == "family_id" and not column.nullable
        assert info.is_required() == (column.required or filled_in), column.name
        annotation = info.annotation
        kinds = {a for a in get_args(annotation) if a is not type(None)} \
            if get_origin(annotation) in (Union, UnionType) else {annotation}
        expected = {"id": {str}, "text": {str}, "int": {int}, "date": {date},
                    "datetime": {datetime}, "text_list": {list[str]},
                    "star_scores": {list[dict[str, Any]]}, "json": {Any}}[column.type]
        assert kinds == expected, column.name
        if not column.required and not filled_in:
            default = info.get_default(call_default_factory=True)
            assert default == defaults(name)[column.name] or (
                default == [] and defaults(name)[column.name] == []), column.name
    assert declared.append_only == row_type.APPEND_ONLY


@pytest.mark.parametrize(("fields", "code", "detail"), [
    ({"next_visit_due": {"not": "a date"}}, "invalid_field", "next_visit_due is not a date"),
    ({"next_visit_due": "2026-02-30"}, "invalid_field", "next_visit_due is not a date"),
    ({"next_visit_due": "20260203"}, "invalid_field", "next_visit_due is not a date"),
    ({"household_name": {"a": 1}}, "invalid_field", "household_name is not text"),
    ({"household_name": None}, "invalid_field", "household_name is empty but must have a value"),
    ({"status": "lost"}, "invalid_field", "status is not one of the allowed values"),
    ({"nonexistent_field": 1}, "unknown_field", "nonexistent_field"),
    ({"server_seq": 5}, "unknown_field", "server_seq"),
    ({"lead_worker_id": "a b"}, "invalid_field", "lead_worker_id is not an identifier"),
])
def test_bad_family_update_is_named_without_its_value(fields: dict[str, Any], code: str,
                                                       detail: str) -> None:
    with pytest.raises(RowProblem) as caught:
        check_fields("family", fields, complete=False)
    assert (caught.value.code, caught.value.detail) == (code, detail)
    assert str(caught.value) == f"{code}: {detail}"


def test_numbers_booleans_and_huge_integers() -> None:
    check_fields("contact_note", {"duration_minutes": 45}, complete=False)
    for bad in (2 ** 70, True, 1.5, "45", -1):
        with pytest.raises(RowProblem, match="duration_minutes"):
            check_fields("contact_note", {"duration_minutes": bad}, complete=False)
    with pytest.raises(RowProblem, match="position is out of range"):
        check_fields("plan_goal", {"position": 2 ** 70}, complete=False)


def test_an_insert_must_name_its_required_columns() -> None:
    with pytest.raises(RowProblem) as caught:
        check_fields("contact_note", {"kind": "phone", "narrative": "x"}, complete=True)
    assert (caught.value.code, caught.value.detail) == ("missing_field", "occurred_at")
    check_fields("contact_note", {"kind": "phone", "occurred_at": "2026-12-01T10:00:00+00:00"},
                 complete=True)
    check_fields("contact_note", {"kind": "phone", "occurred_at": "2026-12-01T10:00:00Z"},
                 complete=True)
    for naive_or_off_the_scale in ("2026-12-01T10:00:00", "0001-01-01T00:00:00+01:00"):
        with pytest.raises(RowProblem, match="occurred_at is not a date and time"):
            check_fields("contact_note", {"occurred_at": naive_or_off_the_scale},
                         complete=False)


def test_star_scores_and_flags() -> None:
    good = [{"domain_key": "home", "score": 7, "note": ""}]
    check_fields("star_assessment", {"scores": good}, complete=False)
    for bad in ([{"domain_key": "home", "score": 11}], [{"score": 3}], ["x"],
                [{"domain_key": "home", "score": 3, "extra": 1}]):
        with pytest.raises(RowProblem, match="scores"):
            check_fields("star_assessment", {"scores": bad}, complete=False)
    check_fields("person", {"flags": ["young-carer"]}, complete=False)
    with pytest.raises(RowProblem, match="flags holds a value that is not allowed"):
        check_fields("person", {"flags": ["unknown-flag"]}, complete=False)


def test_pulls_ignore_a_newer_servers_extra_columns_but_not_sync_columns() -> None:
    check_fields("family", {"new_in_v9": 1}, complete=False, allow_unknown=True)
    with pytest.raises(RowProblem):
        check_fields("family", {"field_hlc": "{}"}, complete=False, allow_unknown=True)
    with pytest.raises(RowProblem) as caught:
        check_fields("no_such_table", {}, complete=False)
    assert caught.value.code == "unknown_table"


def test_column_types_are_the_declared_literal() -> None:
    from familyworker.sync.row_schema import ColumnType
    kinds = set(get_args(ColumnType))
    assert {c.type for t in TABLES.values() for c in t.columns} <= kinds


def test_every_synced_record_kind_has_a_name_on_screen() -> None:
    from familyworker.views.sync.record_names import RECORD_NAMES
    assert set(RECORD_NAMES) == set(protocol.SYNCED_TABLE_NAMES)
