"""Outbox rows as wire ops: later updates to a row fold into its pending op."""

from collections.abc import Callable, Iterable
from typing import Any

from pydantic_core import from_json, to_json

_FOLDING_KINDS = ("insert", "update")


def coalesce(rows: Any) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """Outbox rows as wire ops; later updates to a row fold into its first insert/update.

    Also returns, per op id, the outbox seqs folded into it. Deterministic for the same rows,
    so a retried batch is byte-for-byte the same request.
    """
    ops: list[dict[str, Any]] = []
    members: dict[str, list[int]] = {}
    index: dict[tuple[str, str], int] = {}
    for seq, op_id, table, row_id, family_id, kind, hlc, fields, base in rows:
        values = from_json(fields) if isinstance(fields, str) else dict(fields)
        key = (table, row_id)
        # A field already in the pending op is not folded: its earlier value may have been
        # displaced locally by a pull, and only sending it lets the server keep it as a conflict.
        if kind in _FOLDING_KINDS and key in index and \
                not set(values) & set(ops[index[key]]["fields"]):
            op = ops[index[key]]
            op["fields"].update(values)
            stamps = op.setdefault("field_hlc", {})
            for name in values:
                stamps[name] = hlc
            if base is not None and (op["base_server_seq"] or 0) > base:
                op["base_server_seq"] = base
            members[op["op_id"]].append(seq)
            continue
        ops.append({"op_id": op_id, "table": table, "row_id": row_id, "family_id": family_id,
                    "kind": kind, "hlc": hlc, "fields": values, "base_server_seq": base})
        members[op_id] = [seq]
        if kind in _FOLDING_KINDS:
            index[key] = len(ops) - 1
    return ops, members


# An outbox row as its wire op (the same JSON coalesce's op would serialise to), built by the
# database with no Python objects for its fields: select it after "seq, op_id, table_name,
# row_id, kind".
OP_JSON_SQL = (
    """format('{"op_id":%s,"table":%s,"row_id":%s,"family_id":%s,"kind":%s,"hlc":%s,"""
    """"fields":%s,"base_server_seq":%s}', json_quote(op_id), json_quote(table_name), """
    """json_quote(row_id), json_quote(family_id), json_quote(kind), json_quote(hlc), fields, """
    """json_quote(base_server_seq))""")


def encode_built(rows: Any, load: Callable[[list[int]], Any]) -> tuple[str, int,
                                                                      dict[str, list[int]]]:
    """A batch's ops as one JSON array text, from rows of (seq, op_id, table, row_id, kind, op
    JSON built by OP_JSON_SQL): a row that cannot fold is sent as built; ``load`` gives the full
    outbox rows (as coalesce takes them) of the seqs that may fold, which go through coalesce."""
    rows = list(rows)
    repeated = _repeated_keys(row[2:5] for row in rows)
    first_of: dict[str, dict[str, Any]] = {}
    folded_members: dict[str, list[int]] = {}
    if repeated:
        folded, folded_members = coalesce(load(
            [row[0] for row in rows if row[4] in _FOLDING_KINDS and (row[2], row[3]) in repeated]))
        first_of = {op["op_id"]: op for op in folded}
    parts: list[str] = []
    members: dict[str, list[int]] = {}
    for seq, op_id, table, row_id, kind, built in rows:
        if repeated and kind in _FOLDING_KINDS and (table, row_id) in repeated:
            op = first_of.get(op_id)
            if op is not None:  # the first row of a folded op: the op goes here
                parts.append(to_json(op).decode())
                members[op_id] = folded_members[op_id]
            continue
        parts.append(built)
        members[op_id] = [seq]
    return "[" + ",".join(parts) + "]", len(parts), members


def _repeated_keys(keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str]]:
    """(table, row id) pairs with more than one insert/update among (table, row id, kind)."""
    seen: set[tuple[str, str]] = set()
    repeated: set[tuple[str, str]] = set()
    for table, row_id, kind in keys:
        if kind in _FOLDING_KINDS:
            key = (table, row_id)
            if key in seen:
                repeated.add(key)
            seen.add(key)
    return repeated
