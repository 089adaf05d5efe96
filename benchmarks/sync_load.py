"""Pieces of the sync benchmark: seeding a server's row store directly, and 50 devices at once.

Seeding writes what a device's pushes would have left on the server (rows, scope, counter), so
the caseload figures time the new device's initial sync without first spending minutes building
125,000 rows through a client.
"""

import asyncio
import gzip
import json
import random
import statistics
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from sqlalchemy import Engine, insert, select, update

from familyworker.domain.ids import new_id
from familyworker.sync import protocol
from familyworker_server import accounts, models

SEED_DEVICE = "seed-device"
NOTE = ("Home visit with mum and both children; talked about school mornings, the rent "
        "arrears letter and the referral to the food bank. ") * 4


def _stamp() -> str:
    return f"{time.time_ns() // 1_000_000:012x}-0000-{SEED_DEVICE}"


def seed_caseload(engine: Engine, *, team: str, lead: str, families: int, people: int = 4,
                  notes: int = 120, note_chars: int = 300) -> int:
    """Families each with ``people`` members and ``notes`` final contact notes; returns rows."""
    stamp = _stamp()
    rows: list[dict[str, Any]] = []
    scope: list[dict[str, Any]] = []
    for i in range(families):
        fid = new_id()
        scope.append({"family_id": fid, "team_id": team, "lead_worker_id": lead})
        rows.append(_row("family", fid, fid, team, stamp, {
            "family_id": fid, "team_id": team, "reference": f"SEED-{uuid.uuid4().hex[:8]}",
            "household_name": f"Household {i}", "address": f"{i} Long Lane",
            "postcode": "AB1 2CD", "lead_worker_id": lead, "status": "open",
            "referred_on": "2024-01-01"}))
        for p in range(people):
            rows.append(_row("person", new_id(), fid, team, stamp, {
                "family_id": fid, "name": f"Person {i}.{p}", "relationship": "child",
                "flags": []}))
        for n in range(notes):
            rows.append(_row("contact_note", new_id(), fid, team, stamp, {
                "family_id": fid, "kind": "home-visit",
                "occurred_at": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00+00:00",
                "narrative": NOTE[:note_chars], "present": [], "agencies": [],
                "author_id": lead, "status": "final"}))
    with engine.begin() as conn:
        top = int(conn.execute(select(models.sync_counter.c.value)).scalar_one())
        for offset, row in enumerate(rows, start=1):
            row["server_seq"] = top + offset
            row["field_seq"] = json.dumps({"*": top + offset})
        for start in range(0, len(rows), 5_000):
            conn.execute(insert(models.sync_row), rows[start:start + 5_000])
        conn.execute(insert(models.family_scope), scope)
        conn.execute(update(models.sync_counter).values(value=top + len(rows)))
    return len(rows)


def _row(table: str, row_id: str, family_id: str, team: str, stamp: str,
         data: dict[str, Any]) -> dict[str, Any]:
    return {"table_name": table, "row_id": row_id, "family_id": family_id, "team_id": team,
            "data": json.dumps(data), "field_hlc": json.dumps({"*": stamp}), "deleted": False,
            "deleted_hlc": None, "sole_device": SEED_DEVICE}


# ----- 50 devices at once ------------------------------------------------------------------------

V = {"protocol": protocol.PROTOCOL_VERSION, "schema_version": protocol.SCHEMA_VERSION}


@dataclass
class Device:
    device_id: str
    token: str
    family_id: str
    cursor: int = 0
    counter: int = 0

    def hlc(self) -> str:
        self.counter += 1
        return f"{time.time_ns() // 1_000_000:012x}-{self.counter % 65536:04x}-{self.device_id}"


def enrol_devices(url: str, engine: Engine, team: str, count: int) -> list[Device]:
    """``count`` workers, each with one enrolled device and one family of their own."""
    devices: list[Device] = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in range(count):
            worker = accounts.add_worker(engine, name=f"Load worker {i}", role="worker",
                                         team=team)
            device_id = uuid.uuid4().hex
            answer = http.post("/sync/v1/enrol", json={
                **V, "code": accounts.new_enrolment_code(engine, worker=worker),
                "device_id": device_id})
            answer.raise_for_status()
            device = Device(device_id, answer.json()["access_token"], new_id())
            _push_sync(http, device, [_op(device, "family", device.family_id, "insert", {
                "family_id": device.family_id, "reference": f"LOAD-{i:03d}",
                "household_name": f"Load household {i}", "postcode": "AB1 2CD"})])
            devices.append(device)
    return devices


def _op(device: Device, table: str, row_id: str, kind: str,
        fields: dict[str, Any]) -> dict[str, Any]:
    return {"op_id": new_id(), "table": table, "row_id": row_id, "family_id": device.family_id,
            "kind": kind, "hlc": device.hlc(), "fields": fields}


def _push_body(device: Device, ops: list[dict[str, Any]]) -> bytes:
    return gzip.compress(json.dumps({
        **V, "device_id": device.device_id, "batch_id": new_id(),
        "client_time": "2026-01-01T00:00:00+00:00", "ops": ops}).encode(), compresslevel=1)


def _headers(device: Device) -> dict[str, str]:
    return {"Authorization": f"Bearer {device.token}", "Content-Type": "application/json",
            "Content-Encoding": "gzip", "Accept-Encoding": "gzip"}


def _push_sync(http: httpx.Client, device: Device, ops: list[dict[str, Any]]) -> None:
    http.post("/sync/v1/push", content=_push_body(device, ops),
              headers=_headers(device)).raise_for_status()


def _day_of_work(device: Device, changes: int) -> list[dict[str, Any]]:
    """New notes and an edit to the family: what a device sends after some offline work."""
    ops = [_op(device, "contact_note", new_id(), "insert", {
        "family_id": device.family_id, "kind": "home-visit",
        "occurred_at": "2026-01-01T10:00:00+00:00", "narrative": NOTE[:300], "status": "final"})
        for _ in range(changes - 1)]
    ops.append(_op(device, "family", device.family_id, "update",
                   {"address": f"{device.counter} New Road"}))
    return ops


class RawConnection:
    """One keep-alive HTTP/1.1 connection for one simulated device. The load generator shares
    the 2 cores with the server, and httpx's async client spent more CPU per request (~8 ms)
    than the server did: this plain client leaves the cores to the server being measured."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str],
                      body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                          f"Content-Length: {len(body)}\r\n{head}\r\n".encode() + body)
        status = int((await self.reader.readline()).split()[1])
        length, chunked, gzipped = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "content-encoding":
                gzipped = value == "gzip"
        if chunked:
            chunks = []
            while size := int((await self.reader.readline()).strip(), 16):
                chunks.append(await self.reader.readexactly(size + 2))
            await self.reader.readline()
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = await self.reader.readexactly(length)
        return status, gzip.decompress(data) if gzipped else data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _device_loop(url: str, device: Device, rounds: int, changes: int,
                       latencies: dict[str, list[float]], period: float) -> int:
    pushed = 0
    http = RawConnection(url)
    if period:
        await asyncio.sleep(random.uniform(0, period))  # devices do not all start together
    try:
        for _ in range(rounds):
            due = time.perf_counter() + period
            body = _push_body(device, _day_of_work(device, changes))  # the device's own work
            start = time.perf_counter()
            status, _answer = await http.request("POST", "/sync/v1/push", _headers(device), body)
            latencies["push"].append(time.perf_counter() - start)
            assert status == 200, status
            pushed += changes
            has_more = True
            while has_more:
                query = urlencode({**V, "cursor": device.cursor})
                start = time.perf_counter()
                status, page = await http.request("GET", f"/sync/v1/pull?{query}",
                                                  _headers(device))
                latencies["pull"].append(time.perf_counter() - start)
                assert status == 200, status
                answer = json.loads(page)
                device.cursor, has_more = answer["next_cursor"], answer["has_more"]
            if period:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
    finally:
        http.close()
    return pushed


async def _run(url: str, devices: list[Device], rounds: int, changes: int,
               period: float) -> tuple[int, float, dict[str, list[float]]]:
    latencies: dict[str, list[float]] = {"push": [], "pull": []}
    start = time.perf_counter()
    counts = await asyncio.gather(*[
        _device_loop(url, d, rounds, changes, latencies, period) for d in devices])
    elapsed = time.perf_counter() - start
    return sum(counts), elapsed, latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] if len(values) > 1 else values[0]


def load_figures(url: str, devices: list[Device], *, rounds: int = 10, changes: int = 10,
                 period: float = 0.0) -> dict[str, float]:
    """Every device pushes ``changes`` changes then pulls, ``rounds`` times, all at once.

    ``period`` 0: back to back, as fast as the server answers (throughput; latency is then
    mostly queueing). Otherwise each device starts a sync every ``period`` seconds."""
    pushed, elapsed, latencies = asyncio.run(_run(url, devices, rounds, changes, period))
    every = latencies["push"] + latencies["pull"]
    return {"changes_per_s": round(pushed / elapsed, 1),
            "p95_ms": round(p95(every) * 1000, 1),
            "push_p95_ms": round(p95(latencies["push"]) * 1000, 1),
            "pull_p95_ms": round(p95(latencies["pull"]) * 1000, 1),
            "requests": len(every), "seconds": round(elapsed, 2)}
