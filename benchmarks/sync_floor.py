"""The floor under the 10k-family sync figures: what the plainest design costs on this machine
for the same bytes, so the real push and pull can be judged against it.

The same 10,000 families as sync_bench.py (40,000 rows: family, 2 people, a 400-character note)
are written to a SQLCipher caseload and their outbox is read as wire batches. Then, with no
server, no HTTP and no merge:
- push floor: read the outbox and splice its stored JSON into batches (client), parse the JSON
  and INSERT one JSON document per record into a bare SQLite table with a primary key, in WAL
  mode with synchronous=FULL as the server's database is, and commit (server); then the sent
  changes leave the client's outbox (client);
- pull floor: SELECT the documents back and join them into pages (server), parse the pages and
  INSERT each record into a bare SQLCipher table (client).
Each step is timed alone (CPU seconds too); the last line is one JSON object. sync_bench.py calls
measure_floor() in its own run to give its push and pull as multiples of this floor.
"""

import gzip
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlcipher3
from pydantic_core import from_json, to_json
from sync_data import make_families

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR

FAMILIES = 300 if "--quick" in sys.argv else 10_000
BATCH = 2_000


class Step:
    """Wall and CPU seconds of one step."""

    def __enter__(self) -> "Step":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = round(time.perf_counter() - self.wall, 3)
        self.cpu = round(time.process_time() - self.cpu, 3)


def encode_batches(store: CaseloadStore) -> list[bytes]:
    """The outbox as push bodies the plainest way: each change's stored JSON spliced in."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT op_id, table_name, row_id, family_id, kind, hlc, fields "
            "FROM sync_outbox ORDER BY seq").all()
    bodies = []
    for start in range(0, len(rows), BATCH):
        ops = ",".join(
            '{"op_id":"%s","table":"%s","row_id":"%s","family_id":"%s","kind":"%s",'  # noqa: UP031
            '"hlc":"%s","fields":%s}' % tuple(row) for row in rows[start:start + BATCH])
        envelope = ('{"protocol":1,"schema_version":1,"device_id":"d","batch_id":"%s",'  # noqa: UP031
                    '"client_time":"","ops":[%s]}' % (new_id(), ops))
        bodies.append(envelope.encode())
    return bodies


def server_floor(tmp: Path, bodies: list[bytes]) -> tuple[Step, Step, Step, list[bytes]]:
    """Parse + one INSERT per record + commit; then read it all back as pages."""
    db = sqlite3.connect(tmp / "floor-server.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE doc (row_id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    with Step() as parse:
        parsed = [from_json(body) for body in bodies]
    with Step() as store:
        for batch in parsed:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO doc (row_id, data) VALUES (?, ?)",
                           [(op["row_id"], to_json(op["fields"]).decode())
                            for op in batch["ops"]])
            db.execute("COMMIT")
    pages: list[bytes] = []
    with Step() as read:
        last = ""
        while True:
            rows = db.execute("SELECT row_id, '{\"row_id\":\"' || row_id || '\",\"data\":' "
                              "|| data || '}' FROM doc WHERE row_id > ? ORDER BY row_id "
                              "LIMIT ?", (last, BATCH)).fetchall()
            if not rows:
                break
            last = rows[-1][0]
            pages.append(('{"rows":[' + ",".join(r[1] for r in rows) + "]}").encode())
    db.close()
    return parse, store, read, pages


def client_pull_floor(tmp: Path, pages: list[bytes]) -> Step:
    """Parse pages and INSERT each record into a bare encrypted table."""
    db: Any = sqlcipher3.connect(str(tmp / "floor-client.db"), isolation_level=None)
    db.execute("PRAGMA key = \"x'" + "ab" * 32 + "'\"")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE doc (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    with Step() as step:
        for page in pages:
            rows = from_json(page)["rows"]
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO doc (id, data) VALUES (?, ?)",
                           [(r["row_id"], to_json(r["data"]).decode()) for r in rows])
            db.execute("COMMIT")
    db.close()
    return step


def measure_floor(families: int) -> dict[str, Any]:
    """The floor's figures for `families` families (4 rows each), in a temporary directory;
    push_floor_s and pull_floor_s are the two sums the real push and pull are judged by."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        caseload = CaseloadStore.create(tmp / "a", "a long benchmark passphrase", kdf=KDF_FLOOR)
        make_families(caseload, families, "worker", "team")
        with Step() as encode:
            bodies = encode_batches(caseload)
        with Step() as compress:
            wire = [gzip.compress(body, 1) for body in bodies]
        with Step() as acknowledge, caseload.engine.begin() as conn:
            # What the client does with an answer: the sent changes leave its outbox.
            conn.exec_driver_sql("DELETE FROM sync_outbox")
        caseload.lock()
        parse, store, read, pages = server_floor(tmp, bodies)
        pull_client = client_pull_floor(tmp, pages)
    figures.update(
        records=sum(len(from_json(b)["ops"]) for b in bodies),
        push_json_mb=round(sum(map(len, bodies)) / 1e6, 2),
        push_gzip_mb=round(sum(map(len, wire)) / 1e6, 2),
        client_encode_s=encode.cpu, client_gzip_s=compress.cpu,
        client_outbox_delete_s=acknowledge.wall,
        server_parse_s=parse.cpu, server_insert_commit_s=store.wall,
        server_insert_commit_cpu_s=store.cpu, server_read_pages_s=read.cpu,
        client_parse_insert_s=pull_client.wall,
        push_floor_s=round(encode.cpu + compress.cpu + parse.cpu + store.wall
                           + acknowledge.wall, 3),
        pull_floor_s=round(read.cpu + pull_client.wall, 3))
    return figures


def main() -> None:
    figures = measure_floor(FAMILIES)
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
