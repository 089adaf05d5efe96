"""Pushes generated from the one row declaration, good and bad values for every column type,
sent over HTTP: the server's verdict on each op is the one the declaration gives (worked out
here from how each value was generated, not by calling the validator), no answer is a 5xx,
every answer fits /openapi.json, and a second device receives everything applied without
setting anything aside (the declaration and the client's tables agree)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlalchemy import text
from tests.server.test_api import V, enrol, family_op, push
from tests.sync.helpers import Server, enrolled, make_server, sync

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.row_schema import MAX_TEXT, TABLES, Column

# Records of a family a worker writes (the family itself is updated; team, worker, conflict,
# audit and co-worker records are not a worker's to create).
CHILD_TABLES = sorted(name for name in TABLES
                      if name not in ("family", "team", "worker", "sync_conflict",
                                      "audit_event", "family_co_worker"))
SAFE_TEXT = st.characters(blacklist_categories=("Cs",))


def good_value(column: Column) -> st.SearchStrategy[Any]:
    kind = column.type
    strategy: st.SearchStrategy[Any]
    if column.choices is not None and kind == "text":
        strategy = st.sampled_from(column.choices)
    elif kind == "text":
        strategy = st.text(SAFE_TEXT, max_size=min(column.max_length or 30, 30))
    elif kind == "id":
        strategy = st.from_regex(r"[0-9A-Za-z-]{1,40}", fullmatch=True)
    elif kind == "int":
        strategy = st.integers(column.min_value, column.max_value)
    elif kind == "date":
        strategy = st.dates().map(lambda d: d.isoformat())
    elif kind == "datetime":
        strategy = st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])).map(
            lambda d: d.isoformat())
    elif kind == "text_list":
        item = st.sampled_from(column.choices) if column.choices else st.text(SAFE_TEXT,
                                                                              max_size=20)
        strategy = st.lists(item, max_size=4)
    elif kind == "star_scores":
        strategy = st.lists(st.fixed_dictionaries(
            {"domain_key": st.text("abcdefgh_", min_size=1, max_size=12),
             "score": st.integers(1, 10)}, optional={"note": st.text(SAFE_TEXT, max_size=20)}),
            max_size=9)
    else:  # json
        strategy = st.none() | st.integers(-1000, 1000) | st.text(SAFE_TEXT, max_size=10) | \
            st.dictionaries(st.text("abc", max_size=3), st.integers(0, 9), max_size=3)
    return strategy | st.none() if column.nullable else strategy


def bad_value(column: Column) -> st.SearchStrategy[Any] | None:
    """Values the declaration refuses for this column (None: it accepts any JSON)."""
    kind = column.type
    wrong_shape = st.sampled_from([{"not": "a value"}, ["x"], True, 1.5])
    if kind == "json":
        return None
    options = [wrong_shape]
    if not column.nullable:
        options.append(st.none())
    if kind == "text":
        options.append(st.integers())
        if column.choices is not None:
            options.append(st.sampled_from(["not-a-choice", "OPEN", ""]).filter(
                lambda v: v not in (column.choices or ())))
        elif column.max_length is not None and column.max_length < MAX_TEXT:
            options.append(st.just("x" * (column.max_length + 1)))
    elif kind == "id":
        options.append(st.sampled_from(["", "has space", "x" * 65, "semi;colon"]))
    elif kind == "int":
        options.append(st.sampled_from(["5", 2 ** 70, -(2 ** 70)]))
        if column.max_value is not None and column.max_value < 2 ** 63 - 1:
            options.append(st.just(column.max_value + 1))
    elif kind == "date":
        options.append(st.sampled_from(["2026-02-30", "20260101", "tomorrow", "2026-1-1", 5]))
    elif kind == "datetime":
        options.append(st.sampled_from(["2026-01-01T25:00:00Z", "yesterday", "2026-01-01",
                                        "2026-01-01T10:00:00", 7]))
    elif kind == "text_list":
        options.append(st.sampled_from(["one", [1], [{"a": 1}]]))
        if column.choices is not None:
            options.append(st.just(["not-a-flag"]))
    elif kind == "star_scores":
        options.append(st.sampled_from([[{"domain_key": "home", "score": 11}],
                                        [{"domain_key": "home", "score": 0}],
                                        [{"score": 3}], ["x"]]))
    return st.one_of(options)


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws (integers() favours its bounds)."""
    return st.sampled_from([True, *([False] * (n - 1))])


@dataclass
class Generated:
    op: dict[str, Any]
    expected: str  # "applied" or the exact rejection reason


@st.composite
def generated_op(draw: st.DrawFn, family: str, device: str, counter: int) -> Generated:
    """One op: an update of the family or a new child record, each field good or bad."""
    table_name = draw(st.sampled_from(["family", *CHILD_TABLES]))
    table = TABLES[table_name]
    new_row = table_name != "family"
    editable = [c for c in table.columns if c.name != "family_id" and not (
        table_name == "family" and c.name in ("team_id", "lead_worker_id"))]
    chosen = draw(st.lists(st.sampled_from(editable), unique_by=lambda c: c.name,
                           max_size=len(editable)))
    if new_row:  # usually whole, sometimes missing a required column
        required = [c for c in editable if c.required]
        if draw(st.integers(0, 4)) > 0:
            chosen = [*required, *(c for c in chosen if not c.required)]
    fields: dict[str, Any] = {}
    expected = "applied"
    for column in chosen:
        bad = bad_value(column)
        if bad is not None and draw(one_in(7)):
            fields[column.name] = draw(bad)
            if expected == "applied":
                expected = f"invalid_field: {column.name} "
        else:
            fields[column.name] = draw(good_value(column))
    if draw(one_in(9)):
        name = draw(st.sampled_from(["nonexistent_field", "server_seq", "field_hlc", "x9"]))
        fields[name] = 1
        if expected == "applied":
            expected = f"unknown_field: {name}"
    if new_row and expected == "applied":
        missing = [c.name for c in table.columns if c.required and c.name not in fields]
        if missing:
            expected = f"missing_field: {missing[0]}"
    if draw(one_in(12)):
        fields["family_id"] = "another-family"
        expected = "family_mismatch"
    kind = "update" if not new_row else "append" if table.append_only else "insert"
    op = {"op_id": new_id(), "table": table_name, "row_id": family if not new_row else new_id(),
          "family_id": family, "kind": kind,
          "hlc": f"{1_700_000_000_000 + counter:012x}-0000-{device}", "fields": fields}
    return Generated(op, expected)


def _schema_validator(document: dict[str, Any], component: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/components/schemas/{component}",
                                 "components": document["components"]})


@dataclass
class World:
    server: Server
    device: str
    token: str
    family: str
    laptop: CaseloadStore
    document: dict[str, Any]
    counter: int = 0


@contextmanager
def world(backend: str, tmp_path: Path) -> Iterator[World]:
    with make_server(backend, tmp_path / "server") as server:
        worker = server.worker("Ann", server.team("North"))
        device, token = enrol(server, worker)
        family = new_id()
        answer = push(server, token, device, [family_op(device, family)])
        assert answer.json()["results"][0]["status"] == "applied"
        laptop = enrolled(server, tmp_path / "laptop", worker, fast=True)
        document = server.client.get("/openapi.json").json()
        try:
            yield World(server, device, token, family, laptop, document)
        finally:
            laptop.lock()


def _present(store: CaseloadStore, table: str, row_id: str) -> bool:
    with store.read() as session:
        return session.execute(text(f"SELECT count(*) FROM {table} WHERE id = :i"),
                               {"i": row_id}).scalar_one() == 1


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_generated_pushes_get_the_declared_verdicts_and_every_device_converges(
        backend: str, tmp_path: Path) -> None:
    with world(backend, tmp_path) as w:
        answers = _schema_validator(w.document, "PushResponse")
        errors = _schema_validator(w.document, "ErrorBody")
        requests = _schema_validator(w.document, "PushRequest")

        verdicts: dict[str, int] = {}
        examples = 60 if backend == "sqlite" else 25

        @settings(max_examples=examples, deadline=None,
                  suppress_health_check=list(HealthCheck), database=None)
        @given(st.data())
        def run(data: st.DataObject) -> None:
            count = data.draw(st.integers(1, 4))
            generated = []
            for _ in range(count):
                w.counter += 1
                generated.append(data.draw(generated_op(w.family, w.device, w.counter)))
            body = {**V, "device_id": w.device, "batch_id": new_id(),
                    "client_time": datetime.now(UTC).isoformat(),
                    "ops": [g.op for g in generated]}
            if all(g.expected == "applied" for g in generated):
                requests.validate(body)  # what the server accepts, the schema describes
            answer = w.server.client.post("/sync/v1/push", json=body,
                                          headers={"Authorization": f"Bearer {w.token}"})
            assert answer.status_code == 200, answer.text
            answers.validate(answer.json())
            for g, result in zip(generated, answer.json()["results"], strict=True):
                verdict = (result["reason"] or result["status"]).split(" ")[0]
                verdicts[verdict] = verdicts.get(verdict, 0) + 1
                if g.expected == "applied":
                    assert result["status"] == "applied", (g.op["table"], result)
                else:
                    assert result["status"] == "rejected"
                    assert result["reason"].startswith(g.expected), (g.expected, result)
            report = sync(w.laptop, w.server)
            assert report.rejected == 0
            for g, result in zip(generated, answer.json()["results"], strict=True):
                if g.op["table"] != "family":
                    assert _present(w.laptop, g.op["table"], g.op["row_id"]) == \
                        (result["status"] == "applied"), (g.op["table"], result)
            with w.laptop.read() as session:
                tables = {r[0] for r in session.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"))}
                if "sync_set_aside" in tables:
                    assert session.execute(text(
                        "SELECT count(*) FROM sync_set_aside")).scalar_one() == 0

        run()
        # Good ops and refused ones were both exercised (each refusal kind is pinned down by
        # test_poison_pushes; a random draw may miss one, so it is not required here).
        assert "applied" in verdicts and len(verdicts) >= 3, verdicts
        assert sum(verdicts.values()) >= examples, verdicts
        bad = w.server.client.post("/sync/v1/push", content=b"{not json",
                                   headers={"Authorization": f"Bearer {w.token}",
                                            "Content-Type": "application/json"})
        assert bad.status_code == 422
        errors.validate(bad.json())
