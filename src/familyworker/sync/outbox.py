"""Outbox rows as wire ops: later updates to a row fold into its pending op."""

from typing import Any

from pydantic_core import from_json


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
        if kind in ("insert", "update") and key in index and \
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
        if kind in ("insert", "update"):
            index[key] = len(ops) - 1
    return ops, members
