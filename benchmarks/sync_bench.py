"""Sync figures through uvicorn on 127.0.0.1 and the real SQLCipher client (last line: JSON)."""

import json
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import httpx
from sqlmodel import select

from familyworker.domain.ids import new_id
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.keys import KDF_FLOOR
from familyworker.store.tables import ContactNoteRow, FamilyRow, PersonRow
from familyworker.sync.engine import SyncEngine, enrol
from familyworker_server import accounts, db
from familyworker_server.background import spawn_server

FAMILIES = 10_000
NOTE = ("Home visit with mum and both children; talked about school mornings, the rent "
        "arrears letter and the referral to the food bank. ") * 4


class CountingClient:
    """Counts bytes on the wire (compressed request bodies and downloaded responses)."""

    def __init__(self) -> None:
        self.inner = httpx.Client(timeout=120)
        self.sent = 0
        self.received = 0

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        content = kwargs.get("content")
        self.sent += len(content) if isinstance(content, bytes) else 0
        response = self.inner.request(method, url, **kwargs)
        self.received += response.num_bytes_downloaded
        return response

    def close(self) -> None:
        self.inner.close()


def make_families(store: CaseloadStore, count: int, lead: str, team: str | None) -> None:
    with store.unit_of_work() as uow:
        for i in range(count):
            fid = new_id()
            uow.add(FamilyRow(id=fid, family_id=fid, team_id=team, reference=f"FAM-{i:05d}",
                              household_name=f"Household {i}", address=f"{i} Long Lane",
                              postcode="AB1 2CD", lead_worker_id=lead,
                              referred_on=date(2024, 1, 1)), audit=False)
            for name in ("Parent", "Child"):
                uow.add(PersonRow(id=new_id(), family_id=fid, name=f"{name} {i}",
                                  relationship=name.lower()), audit=False)
            uow.add(ContactNoteRow(id=new_id(), family_id=fid, kind="home-visit",
                                   occurred_at=datetime.now(UTC), narrative=NOTE[:400],
                                   author_id=lead, status="final"), audit=False)


def main() -> None:
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with spawn_server(tmp / "server") as server:
            admin = db.make_engine(f"sqlite:///{tmp / 'server' / 'familyworker-server.db'}")
            team = accounts.add_team(admin, name="North")
            worker = accounts.add_worker(admin, name="Ann", role="worker", team=team)

            def device(name: str) -> tuple[CaseloadStore, CountingClient]:
                store = CaseloadStore.create(tmp / name, "a long benchmark passphrase",
                                             kdf=KDF_FLOOR)
                http = CountingClient()
                enrol(store, server_url=server.url,
                      code=accounts.new_enrolment_code(admin, worker=worker),
                      http=cast(httpx.Client, http))
                return store, http

            a, a_http = device("a")
            make_families(a, FAMILIES, worker, team)
            engine_a = SyncEngine(a, http=cast(httpx.Client, a_http))
            start = time.perf_counter()
            engine_a.push()
            figures["initial_push_s"] = round(time.perf_counter() - start, 3)
            figures["push_bytes"] = a_http.sent
            engine_a.pull()
            b, b_http = device("b")
            engine_b = SyncEngine(b, http=cast(httpx.Client, b_http))
            start = time.perf_counter()
            report = engine_b.sync()
            figures["initial_pull_s"] = round(time.perf_counter() - start, 3)
            figures["pull_bytes"] = b_http.received
            figures["pulled_rows"] = report.pulled
            with a.read() as session:
                rows = list(session.exec(select(FamilyRow).limit(30)).all())
            with a.unit_of_work() as uow:
                for row in rows:
                    uow.update(row, {"address": row.address + " (moved)"})
            start = time.perf_counter()
            engine_a.sync()
            delta = engine_b.sync()
            figures["delta_round_trip_ms"] = round((time.perf_counter() - start) * 1000, 1)
            figures["delta_rows"] = delta.pulled
            for store in (a, b):
                store.lock()
            admin.dispose()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
