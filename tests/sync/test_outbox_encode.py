"""A batch built by the database (encode_built) carries the same ops as coalesce, in order."""

import json
import random
import sqlite3
from typing import Any

from pydantic_core import from_json

from familyworker.sync.outbox import OP_JSON_SQL, coalesce, encode_built

FULL = "seq, op_id, table_name, row_id, family_id, kind, hlc, fields, base_server_seq"


def outbox(rows: list[tuple[Any, ...]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE sync_outbox (seq INTEGER PRIMARY KEY, op_id VARCHAR, "
                 "table_name VARCHAR, row_id VARCHAR, family_id VARCHAR, kind VARCHAR, "
                 "hlc VARCHAR, fields JSON, base_server_seq INTEGER)")
    conn.executemany("INSERT INTO sync_outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return conn


def test_built_ops_match_coalesce_with_folds_and_odd_text() -> None:
    chooser = random.Random(7)
    values: list[Any] = [1, 2.5, None, "x", 'quote " and \\ back', "é\n\t", [1, "a"], {"k": 1}]
    for _ in range(200):
        rows = []
        for seq in range(1, chooser.randint(1, 40)):
            fields = {chooser.choice(["name", "address", "status", "flags"]):
                      chooser.choice(values) for _ in range(chooser.randint(0, 3))}
            rows.append((seq, f"op-{seq}", chooser.choice(["family", "person"]),
                         chooser.choice(["r1", "r2", 'r"3', "r4é"]),
                         chooser.choice([None, "f1"]),
                         chooser.choice(["insert", "update", "update", "delete", "append"]),
                         f"hlc-{seq:03d}", json.dumps(fields), chooser.choice([None, 0, 4])))
        conn = outbox(rows)
        built = conn.execute(f"SELECT seq, op_id, table_name, row_id, kind, {OP_JSON_SQL} "
                             "FROM sync_outbox ORDER BY seq").fetchall()

        def load(seqs: list[int], conn: sqlite3.Connection = conn) -> list[Any]:
            return conn.execute(f"SELECT {FULL} FROM sync_outbox WHERE seq IN "
                                f"({', '.join('?' * len(seqs))}) ORDER BY seq", seqs).fetchall()

        text, count, members = encode_built(built, load)
        ops, expected_members = coalesce(rows)
        assert from_json(text) == ops
        assert count == len(ops) and members == expected_members
        # Deterministic: the same rows give the same bytes (a retried batch is the same body).
        assert encode_built(built, load)[0] == text
        conn.close()
